from decimal import Decimal

import pytest

from openprm.scoring import scorecards
from openprm.scoring.scorecards import Rule, clean_config, compute

SPECIALISATIONS = Rule(
    id=1,
    label="Specialisations",
    field="specialisations",
    kind="contains_any",
    weight=2,
    config={
        "values": [
            {"value": "security", "points": 30},
            {"value": "cloud", "points": 50},
        ]
    },
)
TYPE = Rule(
    id=2,
    label="Partner type",
    field="partner_type",
    kind="value_in_list",
    weight=1,
    config={"values": [{"value": "reseller", "points": 100}]},
)
STAFF = Rule(
    id=3,
    label="Engineers",
    field="custom:engineers",
    kind="range_bands",
    weight=1,
    config={
        "bands": [
            {"min": None, "max": 5, "points": 10},
            {"min": 5, "max": None, "points": 80},
        ]
    },
)
CERTIFIED = Rule(
    id=4,
    label="Certified",
    field="custom:certified",
    kind="is_true",
    weight=1,
    config={"points": 100},
)


def test_contains_any_explains_the_matched_value_and_weight():
    result = compute([SPECIALISATIONS], {"specialisations": ["security"]})

    assert result.score == Decimal("30.00")
    assert result.lines[0].reason == (
        "Specialisations include security (+30 \N{MULTIPLICATION SIGN} weight 2)"
    )


def test_contains_any_adds_the_points_of_every_match_up_to_100():
    rule = Rule(
        **{
            **SPECIALISATIONS.__dict__,
            "config": {
                "values": [
                    {"value": "security", "points": 70},
                    {"value": "cloud", "points": 60},
                ]
            },
        }
    )

    assert compute([rule], {"specialisations": ["cloud", "security"]}).score == 100


def test_score_is_the_weighted_average_and_contributions_add_up_to_it():
    result = compute(
        [SPECIALISATIONS, TYPE],
        {"specialisations": ["cloud"], "partner_type": "reseller"},
    )

    # (50 * 2 + 100 * 1) / 3
    assert result.score == Decimal("66.67")
    assert [line.contribution for line in result.lines] == [
        Decimal("33.33"),
        Decimal("33.33"),
    ]


def test_a_missing_value_scores_zero_with_the_reason_no_value():
    result = compute([TYPE, STAFF], {"partner_type": "reseller"})

    assert result.score == Decimal("50.00")
    assert result.lines[1].points == 0
    assert result.lines[1].reason == "Engineers: no value (+0)"


def test_a_value_outside_the_list_scores_zero():
    result = compute([TYPE], {"partner_type": "agency"})

    assert result.score == 0
    assert result.lines[0].reason == "Partner type is agency, not in the list (+0)"


def test_range_bands_include_the_minimum_and_exclude_the_maximum():
    assert compute([STAFF], {"custom:engineers": 4}).score == 10
    assert compute([STAFF], {"custom:engineers": 5}).score == 80


def test_is_true_gives_its_points_only_for_true():
    assert compute([CERTIFIED], {"custom:certified": True}).score == 100
    assert compute([CERTIFIED], {"custom:certified": False}).score == 0


def test_no_criteria_score_zero():
    assert compute([], {"partner_type": "reseller"}).score == 0


def test_partner_values_include_custom_fields_under_their_prefix():
    class FakePartner:
        custom_fields = {"engineers": 7}

    for name in scorecards.PROFILE_FIELDS:
        setattr(FakePartner, name, None)

    assert scorecards.partner_values(FakePartner())["custom:engineers"] == 7


@pytest.mark.parametrize(
    "kind, config",
    [
        ("value_in_list", {"values": []}),
        ("value_in_list", {"values": [{"value": "x", "points": 101}]}),
        ("contains_any", {"values": [{"value": "x", "points": 1}] * 2}),
        ("range_bands", {"bands": [{"min": 10, "max": 5, "points": 1}]}),
        ("range_bands", {"bands": [{"min": "a", "max": 5, "points": 1}]}),
        ("is_true", {"points": -1}),
        ("is_true", []),
    ],
)
def test_invalid_configurations_are_refused(kind, config):
    with pytest.raises(ValueError):
        clean_config(kind, config)


def test_kinds_follow_the_field_and_the_custom_field_type():
    types = {"engineers": "number", "notes": "date"}

    assert scorecards.kinds_for_field("industries", types) == ("contains_any",)
    assert scorecards.kinds_for_field("custom:engineers", types) == ("range_bands",)
    assert scorecards.kinds_for_field("custom:notes", types) == ()
    assert scorecards.kinds_for_field("password", types) == ()
