from openprm.partners.custom_fields import validate
from openprm.partners.models import CustomFieldDefinition


def definition(key, field_type, **fields):
    return CustomFieldDefinition(key=key, label=key, field_type=field_type, **fields)


DEFINITIONS = [
    definition("crm_segment", "choice", choices=["smb", "enterprise"]),
    definition("clouds", "multi_choice", choices=["aws", "azure", "gcp"]),
    definition("founded", "date"),
    definition("engineers", "number", is_required=True),
    definition("notes", "text"),
    definition("is_certified", "boolean"),
]


def test_values_are_cleaned_to_their_json_form():
    result = validate(
        DEFINITIONS,
        {
            "crm_segment": "smb",
            "clouds": ["gcp", "aws", "gcp"],
            "founded": "2001-02-03",
            "engineers": "12",
            "notes": "  Good  ",
            "is_certified": "yes",
        },
    )

    assert result.errors == {}
    assert result.values == {
        "crm_segment": "smb",
        "clouds": ["aws", "gcp"],
        "founded": "2001-02-03",
        "engineers": 12,
        "notes": "Good",
        "is_certified": True,
    }


def test_a_fractional_number_is_kept_as_a_float():
    assert validate(DEFINITIONS, {"engineers": "2.5"}).values == {"engineers": 2.5}


def test_each_bad_value_is_reported_by_key():
    result = validate(
        DEFINITIONS,
        {
            "crm_segment": "huge",
            "clouds": ["ibm"],
            "founded": "03/02/2001",
            "engineers": "many",
            "is_certified": "perhaps",
            "unknown": 1,
        },
    )

    assert result.values == {}
    assert sorted(result.errors) == [
        "clouds",
        "crm_segment",
        "engineers",
        "founded",
        "is_certified",
        "unknown",
    ]


def test_a_required_field_cannot_be_emptied():
    result = validate(DEFINITIONS, {"engineers": ""}, current={"engineers": 3})

    assert result.errors == {"engineers": ["This field is required."]}


def test_a_partial_update_keeps_the_values_not_mentioned():
    result = validate(
        DEFINITIONS, {"notes": "new"}, current={"engineers": 3, "notes": "old"}
    )

    assert result.values == {"engineers": 3, "notes": "new"}


def test_an_empty_value_removes_an_optional_key():
    result = validate(DEFINITIONS, {"notes": ""}, current={"notes": "old"})

    assert result.values == {}


def test_a_complete_record_needs_every_required_field():
    result = validate(DEFINITIONS, {"notes": "x"}, complete=True)

    assert result.errors == {"engineers": ["This field is required."]}


def test_a_boolean_is_not_a_number():
    assert "engineers" in validate(DEFINITIONS, {"engineers": True}).errors
