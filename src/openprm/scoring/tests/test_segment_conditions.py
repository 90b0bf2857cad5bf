"""The ``score`` condition of segment rules, and segments whose members follow the
current data of partners, enrolments and scores (nothing to recompute)."""

import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core import events
from openprm.core.models import OutboxEvent
from openprm.partners import services as partner_services
from openprm.partners.lifecycle import services as lifecycle_services
from openprm.partners.models import CustomFieldDefinition, Partner
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs import services as programme_services
from openprm.programs.tests.factories import EnrolmentFactory, programme_with_tiers
from openprm.scoring import services
from openprm.scoring.models import PartnerScore
from openprm.scoring.tests.factories import scorecard_with_criteria
from openprm.segments import rules, selectors
from openprm.segments.tests.factories import SegmentFactory

pytestmark = pytest.mark.django_db


def leaf(field, op, value):
    return {"field": field, "op": op, "value": value}


def members(rule) -> list[str]:
    assert rules.validate(rule) == {}
    return list(
        Partner.objects.filter(rules.to_q(rule))
        .order_by("name")
        .values_list("name", flat=True)
    )


@pytest.fixture
def scored():
    """Scores 100 (Alpha), 66.67 (Beta), 26.67 (Gamma); Delta has no score."""
    scorecard = scorecard_with_criteria()
    for name, specialisations, partner_type in (
        ("Alpha", ["security", "cloud"], "reseller"),
        ("Beta", ["security", "cloud"], "msp"),
        ("Gamma", ["cloud"], "msp"),
    ):
        partner = PartnerFactory(name=name, partner_type=partner_type)
        Partner.objects.filter(pk=partner.pk).update(specialisations=specialisations)
        partner.refresh_from_db()
        services.partner_score_recompute(partner=partner)
    PartnerFactory(name="Delta")
    return str(scorecard.public_id)


def test_the_fixture_has_the_scores_the_tests_assume(scored):
    assert sorted(
        (name, str(score))
        for name, score in PartnerScore.objects.values_list("partner__name", "score")
    ) == [("Alpha", "100.00"), ("Beta", "66.67"), ("Gamma", "26.67")]


@pytest.mark.parametrize(
    ("op", "bounds", "expected"),
    [
        ("between", {"min": 60, "max": 100}, ["Alpha", "Beta"]),
        ("between", {"min": 26.67, "max": 66.67}, ["Beta", "Gamma"]),
        ("between", {"min": 0, "max": 10}, []),
        ("gte", {"min": 66.67}, ["Alpha", "Beta"]),
        ("lte", {"max": 66.67}, ["Beta", "Gamma"]),
        ("lte", {"max": 100}, ["Alpha", "Beta", "Gamma"]),
    ],
)
def test_score_bounds_are_inclusive_and_unscored_partners_never_match(
    scored, op, bounds, expected
):
    assert members(leaf("score", op, {"scorecard": scored, **bounds})) == expected


def test_not_score_includes_the_unscored(scored):
    rule = {"not": leaf("score", "gte", {"scorecard": scored, "min": 50})}

    assert members(rule) == ["Delta", "Gamma"]


def test_score_nests_with_and_or(scored):
    rule = {
        "any": [
            {
                "all": [
                    leaf("score", "gte", {"scorecard": scored, "min": 50}),
                    leaf("partner_type", "eq", "msp"),
                ]
            },
            leaf("score", "lte", {"scorecard": scored, "max": 40}),
        ]
    }

    assert members(rule) == ["Beta", "Gamma"]


def test_only_the_current_score_counts(scored):
    PartnerScore.objects.filter(partner__name="Alpha").update(is_current=False)

    assert members(leaf("score", "gte", {"scorecard": scored, "min": 90})) == []


def test_another_scorecards_scores_do_not_count(scored):
    other = scorecard_with_criteria()

    assert (
        members(leaf("score", "gte", {"scorecard": str(other.public_id), "min": 0}))
        == []
    )


@pytest.mark.parametrize(
    ("op", "value", "message"),
    [
        ("between", {"scorecard": "SC", "min": 70, "max": 60}, "minimum is above"),
        ("between", {"scorecard": "SC", "min": 60}, '"max"'),
        ("gte", {"scorecard": "SC", "min": 60, "max": 90}, '"min"'),
        ("gte", {"scorecard": "SC", "min": 101}, "0 to 100"),
        ("lte", {"scorecard": "SC", "max": "50"}, "numbers"),
        ("lte", {"scorecard": "SC", "max": True}, "numbers"),
        ("gte", {"scorecard": "not-a-uuid", "min": 1}, "scorecard's id"),
        (
            "gte",
            {"scorecard": "00000000-0000-0000-0000-000000000000", "min": 1},
            "Unknown scorecard",
        ),
        ("gte", 60, '"scorecard"'),
    ],
)
def test_invalid_score_conditions_report_the_value(scored, op, value, message):
    if isinstance(value, dict) and value["scorecard"] == "SC":
        value = {**value, "scorecard": scored}

    errors = rules.validate(leaf("score", op, value))

    assert list(errors) == ["value"]
    assert message in errors["value"][0]


def test_score_offers_the_scorecards_to_the_editor(scored):
    catalogue = {field["name"]: field for field in selectors.rule_field_catalogue()}

    assert catalogue["score"]["ops"] == ["between", "gte", "lte"]
    assert [choice["id"] for choice in catalogue["score"]["choices"]] == [scored]


# --- membership follows the data, through the services, with nothing recomputed


@pytest.fixture
def admin():
    return VendorUserFactory()


def count(admin, rule) -> int:
    segment = SegmentFactory(rule=rule)
    return selectors.segment_member_count(user=admin, segment=segment)


def test_a_score_segment_follows_a_profile_change(
    admin, django_capture_on_commit_callbacks
):
    scorecard = scorecard_with_criteria()
    with django_capture_on_commit_callbacks(execute=True):
        partner = partner_services.partner_add(
            actor=admin,
            data={
                "name": "Omega",
                "partner_type": "msp",
                "country": "DE",
                "region": "EMEA",
            },
        )
    events.deliver(OutboxEvent.objects.get(name="partner.created"))
    segment = SegmentFactory(
        rule=leaf("score", "gte", {"scorecard": str(scorecard.public_id), "min": 30})
    )
    assert selectors.segment_member_count(user=admin, segment=segment) == 0

    with django_capture_on_commit_callbacks(execute=True):
        partner_services.partner_update(
            partner=partner, actor=admin, data={"specialisations": ["security"]}
        )
    # The worker delivers partner.updated to scoring.recompute_partner.
    events.deliver(OutboxEvent.objects.get(name="partner.updated"))

    assert selectors.segment_member_count(user=admin, segment=segment) == 1


def test_a_status_segment_follows_a_status_change(admin):
    partner = PartnerFactory(status="active")
    segment = SegmentFactory(rule=leaf("status", "eq", "suspended"))
    assert selectors.segment_member_count(user=admin, segment=segment) == 0

    lifecycle_services.partner_status_change(
        partner=partner, status="suspended", reason="Unpaid invoices", actor=admin
    )

    assert selectors.segment_member_count(user=admin, segment=segment) == 1


def test_a_region_and_custom_field_segment_follows_a_profile_change(admin):
    CustomFieldDefinition.objects.create(
        key="certified_staff", label="Certified staff", field_type="number"
    )
    partner = PartnerFactory(region="NA", country="US")
    rule = {
        "all": [
            leaf("region", "eq", "EMEA"),
            leaf("custom:certified_staff", "gte", 5),
        ]
    }
    segment = SegmentFactory(rule=rule)

    partner_services.partner_update(
        partner=partner,
        actor=admin,
        data={
            "country": "DE",
            "region": "EMEA",
            "custom_fields": {"certified_staff": 3},
        },
    )
    assert selectors.segment_member_count(user=admin, segment=segment) == 0

    partner_services.partner_update(
        partner=partner, actor=admin, data={"custom_fields": {"certified_staff": 8}}
    )
    assert selectors.segment_member_count(user=admin, segment=segment) == 1


def test_a_tier_and_programme_segment_follows_a_tier_change(admin):
    programme = programme_with_tiers("Silver", "Gold", slug="reseller")
    silver, gold = programme.tiers.order_by("rank")
    enrolment = EnrolmentFactory(programme=programme, tier=silver)
    gold_rule = leaf("tier", "gte", {"programme": "reseller", "tier": "Gold"})
    gold_segment = SegmentFactory(rule=gold_rule)
    enrolled = SegmentFactory(rule=leaf("programme", "in", ["reseller"]))
    assert selectors.segment_member_count(user=admin, segment=gold_segment) == 0
    assert selectors.segment_member_count(user=admin, segment=enrolled) == 1

    programme_services.enrolment_change_tier(
        actor=admin, enrolment=enrolment, tier=gold, reason="Met the targets"
    )
    assert selectors.segment_member_count(user=admin, segment=gold_segment) == 1

    programme_services.enrolment_end(actor=admin, enrolment=enrolment, reason="Left")
    assert selectors.segment_member_count(user=admin, segment=gold_segment) == 0
    assert selectors.segment_member_count(user=admin, segment=enrolled) == 0


def test_the_segment_api_previews_a_score_rule_and_reports_a_bad_one(client, scored):
    from openprm.segments.tests.test_api import bearer

    headers = bearer(VendorUserFactory(vendor_role="channel_marketing"))
    rule = leaf("score", "between", {"scorecard": scored, "min": 60, "max": 100})

    good = client.post(
        "/api/v1/segments/preview",
        {"rule": rule},
        content_type="application/json",
        headers=headers,
    )
    bad = client.post(
        "/api/v1/segments/preview",
        {"rule": {"all": [{**rule, "value": {**rule["value"], "min": 101}}]}},
        content_type="application/json",
        headers=headers,
    )

    assert good.json() == {"count": 2}
    assert bad.status_code == 422
    assert [error["field"] for error in bad.json()["errors"]] == ["rule.all.0.value"]
