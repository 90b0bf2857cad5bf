"""Rules against a fixture of partners: the exact members of each operator and
nesting, evaluated by the database."""

import pytest

from openprm.partners.choices import CustomFieldType
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import EnrolmentFactory, programme_with_tiers
from openprm.segments import rules

pytestmark = pytest.mark.django_db

CUSTOM = {
    "vertical_note": CustomFieldType.TEXT,
    "certified_staff": CustomFieldType.NUMBER,
    "audited_on": CustomFieldType.DATE,
    "focus": CustomFieldType.CHOICE,
    "clouds": CustomFieldType.MULTI_CHOICE,
    "is_gold_club": CustomFieldType.BOOLEAN,
}


BASE = ("name", "status", "partner_type", "country", "region")


def make(**fields) -> Partner:
    """A partner with any profile fields, written as stored (no service rules)."""
    partner = PartnerFactory(**{key: fields.pop(key) for key in BASE if key in fields})
    Partner.objects.filter(pk=partner.pk).update(**fields)
    return partner


@pytest.fixture
def world():
    """Five partners with distinct profiles, enrolled at different tiers."""
    reseller = programme_with_tiers("Registered", "Silver", "Gold", slug="reseller")
    alpha = make(
        name="Alpha",
        status="active",
        partner_type="reseller",
        partner_types=["reseller", "msp"],
        country="DE",
        region="EMEA",
        industries=["finance"],
        specialisations=["security", "cloud"],
        tags=["key account"],
        languages=["de", "en"],
        employee_band="51-200",
        revenue_band="1m-10m",
        custom_fields={
            "vertical_note": "Strong in Banking",
            "certified_staff": 12,
            "audited_on": "2025-03-01",
            "focus": "smb",
            "clouds": ["aws", "azure"],
            "is_gold_club": True,
        },
    )
    beta = make(
        name="Beta",
        status="prospect",
        partner_type="distributor",
        partner_types=["distributor"],
        country="US",
        region="NA",
        industries=["retail", "finance"],
        specialisations=["networking"],
        tags=['o\'brien "quoted" 100%'],
        languages=["en"],
        custom_fields={
            "certified_staff": 3,
            "audited_on": "2024-11-30",
            "focus": "enterprise",
            "clouds": ["gcp"],
            "is_gold_club": False,
        },
    )
    gamma = make(
        name="Gamma",
        status="active",
        partner_type="msp",
        partner_types=["msp", "reseller"],
        country="FR",
        region="EMEA",
        specialisations=["security"],
        languages=["fr"],
        custom_fields={"vertical_note": "healthcare", "certified_staff": 7.5},
    )
    delta = make(
        name="Delta",
        status="suspended",
        partner_type="reseller",
        partner_types=["reseller"],
        country="JP",
        region="APAC",
    )
    epsilon = make(
        name="Epsilon", status="active", partner_type="referral", country="GB"
    )
    tiers = {tier.name: tier for tier in reseller.tiers.all()}
    EnrolmentFactory(partner=alpha, programme=reseller, tier=tiers["Gold"])
    EnrolmentFactory(partner=gamma, programme=reseller, tier=tiers["Silver"])
    EnrolmentFactory(partner=delta, programme=reseller, tier=tiers["Registered"])
    return {p.name: p for p in (alpha, beta, gamma, delta, epsilon)}


def members(rule) -> list[str]:
    assert rules.validate(rule, custom_fields=CUSTOM) == {}
    return list(
        Partner.objects.filter(rules.to_q(rule, custom_fields=CUSTOM))
        .order_by("name")
        .values_list("name", flat=True)
    )


def leaf(field, op, value):
    return {"field": field, "op": op, "value": value}


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (leaf("status", "eq", "active"), ["Alpha", "Epsilon", "Gamma"]),
        (leaf("status", "in", ["prospect", "suspended"]), ["Beta", "Delta"]),
        (leaf("partner_type", "eq", "reseller"), ["Alpha", "Delta"]),
        (leaf("partner_types", "any", ["msp"]), ["Alpha", "Gamma"]),
        (
            leaf("partner_types", "any", ["msp", "distributor"]),
            ["Alpha", "Beta", "Gamma"],
        ),
        (leaf("industries", "any", ["finance"]), ["Alpha", "Beta"]),
        (leaf("specialisations", "any", ["security"]), ["Alpha", "Gamma"]),
        (leaf("tags", "any", ["key account"]), ["Alpha"]),
        (leaf("tags", "any", ['o\'brien "quoted" 100%']), ["Beta"]),
        (leaf("tags", "any", ["key"]), []),
        (leaf("languages", "any", ["en"]), ["Alpha", "Beta"]),
        (leaf("country", "eq", "FR"), ["Gamma"]),
        (leaf("country", "in", ["DE", "JP"]), ["Alpha", "Delta"]),
        (leaf("region", "eq", "EMEA"), ["Alpha", "Epsilon", "Gamma"]),
        (leaf("employee_band", "eq", "51-200"), ["Alpha"]),
        (leaf("revenue_band", "in", ["1m-10m", ">1b"]), ["Alpha"]),
        (leaf("custom:vertical_note", "eq", "healthcare"), ["Gamma"]),
        (leaf("custom:vertical_note", "contains", "banking"), ["Alpha"]),
        (leaf("custom:vertical_note", "in", ["healthcare", "x"]), ["Gamma"]),
        (leaf("custom:certified_staff", "gt", 7), ["Alpha", "Gamma"]),
        (leaf("custom:certified_staff", "gte", 12), ["Alpha"]),
        (leaf("custom:certified_staff", "lt", 7.5), ["Beta"]),
        (leaf("custom:certified_staff", "lte", 7.5), ["Beta", "Gamma"]),
        (leaf("custom:certified_staff", "eq", 3), ["Beta"]),
        (leaf("custom:audited_on", "gt", "2024-12-31"), ["Alpha"]),
        (leaf("custom:audited_on", "lte", "2024-11-30"), ["Beta"]),
        (leaf("custom:focus", "eq", "smb"), ["Alpha"]),
        (leaf("custom:focus", "in", ["smb", "enterprise"]), ["Alpha", "Beta"]),
        (leaf("custom:clouds", "any", ["azure", "gcp"]), ["Alpha", "Beta"]),
        (leaf("custom:clouds", "any", ["oracle"]), []),
        (leaf("custom:is_gold_club", "is", True), ["Alpha"]),
        (leaf("custom:is_gold_club", "is", False), ["Beta"]),
        (leaf("programme", "in", ["reseller"]), ["Alpha", "Delta", "Gamma"]),
        (leaf("tier", "eq", {"programme": "reseller", "tier": "Silver"}), ["Gamma"]),
        (
            leaf("tier", "gte", {"programme": "reseller", "tier": "silver"}),
            ["Alpha", "Gamma"],
        ),
        (
            leaf("tier", "lte", {"programme": "reseller", "tier": "Silver"}),
            ["Delta", "Gamma"],
        ),
        (leaf("tier", "gte", {"programme": "reseller", "tier": "Diamond"}), []),
        (
            leaf("channel_manager", "is_set", False),
            ["Alpha", "Beta", "Delta", "Epsilon", "Gamma"],
        ),
    ],
)
def test_each_operator_selects_exactly_its_partners(world, rule, expected):
    assert members(rule) == expected


def test_all_is_and_any_is_or_and_groups_nest(world):
    rule = {
        "all": [
            leaf("status", "eq", "active"),
            {
                "any": [
                    leaf("region", "eq", "EMEA"),
                    leaf("country", "eq", "GB"),
                ]
            },
            {"not": leaf("partner_type", "eq", "msp")},
        ]
    }

    assert members(rule) == ["Alpha", "Epsilon"]


def test_not_of_a_custom_condition_keeps_partners_without_the_value(world):
    rule = {"not": leaf("custom:certified_staff", "gt", 5)}

    assert members(rule) == ["Beta", "Delta", "Epsilon"]


def test_not_of_a_list_condition_keeps_partners_with_empty_lists(world):
    rule = {"not": leaf("specialisations", "any", ["security"])}

    assert members(rule) == ["Beta", "Delta", "Epsilon"]


def test_channel_manager_by_email(world):
    from openprm.accounts.tests.factories import VendorUserFactory

    manager = VendorUserFactory(
        email="cm@vendor.example", vendor_role="channel_manager"
    )
    Partner.objects.filter(name="Beta").update(channel_manager=manager)

    assert members(leaf("channel_manager", "eq", "CM@vendor.example")) == ["Beta"]
    assert members(leaf("channel_manager", "is_set", True)) == ["Beta"]


def test_a_valid_rule_has_no_errors():
    assert rules.validate({"all": [leaf("status", "eq", "active")]}) == {}


@pytest.mark.parametrize(
    ("rule", "errors"),
    [
        ("status", {"rule": ["Expected a group (all, any, not) or a condition."]}),
        ({"all": []}, {"all": ["Give a non-empty list of conditions."]}),
        (
            {"all": [leaf("colour", "eq", "red")]},
            {"all.0.field": ["Unknown field colour."]},
        ),
        (
            {"any": [leaf("status", "eq", "active"), leaf("status", "gt", "x")]},
            {"any.1.op": ["Use one of: eq, in."]},
        ),
        (
            {"not": leaf("region", "eq", "MARS")},
            {
                "not.value": [
                    "Unknown value MARS; expected one of: NA, LATAM, EMEA, APAC."
                ]
            },
        ),
        (
            {"all": [{"field": "status", "op": "eq"}]},
            {"all.0": ["A condition has exactly: field, op and value."]},
        ),
        (
            leaf("custom:missing", "eq", "x"),
            {"field": ["Unknown custom field missing."]},
        ),
        (leaf("custom:certified_staff", "gt", "many"), {"value": ["Give a number."]}),
        (
            leaf("tier", "eq", "Gold"),
            {"value": ['Give {"programme": <slug>, "tier": <tier name>}.']},
        ),
        (
            leaf("country", "eq", "de"),
            {"value": ["Give ISO 3166-1 alpha-2 codes, e.g. DE."]},
        ),
        (
            {"all": [], "any": []},
            {"rule": ["A group has exactly one key: all, any or not."]},
        ),
    ],
)
def test_invalid_rules_report_errors_by_path(rule, errors):
    assert rules.validate(rule, custom_fields=CUSTOM) == errors


def test_deep_nesting_is_refused():
    rule = leaf("status", "eq", "active")
    for _ in range(rules.MAX_DEPTH + 1):
        rule = {"not": rule}

    assert list(rules.validate(rule)) == ["not.not.not.not.not.not.not"]


def test_a_registered_field_extends_rules(world):
    from django.db.models import Q

    rules.register_field(
        "name_starts",
        rules.FieldSpec(
            "Name starts",
            ("eq",),
            lambda op, value: value,
            lambda op, value: Q(name__startswith=value),
        ),
    )
    try:
        assert members(leaf("name_starts", "eq", "Ga")) == ["Gamma"]
    finally:
        del rules.FIELDS["name_starts"]
