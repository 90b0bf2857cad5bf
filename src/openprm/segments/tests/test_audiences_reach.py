"""The console's reads: an audience's reach (partners and users, now) and the
explanation of what a partner sees and why."""

import datetime

import pytest
from django.utils import timezone

from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.content.models import Announcement, Asset
from openprm.core.errors import NotFound, PermissionDenied, ValidationFailed
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import EnrolmentFactory, programme_with_tiers
from openprm.segments.audiences import selectors
from openprm.segments.audiences.registry import audience_users
from openprm.segments.tests.factories import AudienceFactory, SegmentFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

EMEA = {"all": [{"field": "region", "op": "eq", "value": "EMEA"}]}


@pytest.fixture
def admin():
    return VendorUserFactory()


@pytest.fixture
def world():
    """Two EMEA partners and one NA partner, with users of several roles; one
    user belongs to both EMEA partners, one membership and one user are inactive."""
    alpha = PartnerFactory(name="Alpha", region="EMEA")
    beta = PartnerFactory(name="Beta", region="EMEA", country="FR")
    gamma = PartnerFactory(name="Gamma", region="NA", country="US")
    shared = UserFactory()
    MembershipFactory(partner=alpha, user=shared, roles=["marketing"])
    MembershipFactory(partner=beta, user=shared, roles=["sales"])
    MembershipFactory(partner=alpha, roles=["technical"])
    MembershipFactory(partner=beta, roles=["marketing", "partner_admin"])
    MembershipFactory(partner=beta, roles=["marketing"], is_active=False)
    MembershipFactory(partner=alpha, roles=["marketing"], user__is_active=False)
    MembershipFactory(partner=gamma, roles=["marketing"])
    return alpha, beta, gamma


def test_reach_counts_partners_and_distinct_active_users_holding_the_roles(
    admin, world
):
    emea = AudienceFactory(rule=EMEA)
    marketers = AudienceFactory(rule=EMEA, partner_roles=["marketing"])
    everyone = AudienceFactory(rule={"all": []})

    reach = selectors.audience_reach(user=admin, audiences=[emea, marketers, everyone])

    assert reach[emea.pk] == selectors.Reach(partners=2, users=3)
    assert reach[marketers.pk] == selectors.Reach(partners=2, users=2)
    assert reach[everyone.pk] == selectors.Reach(partners=3, users=4)


@pytest.mark.parametrize("count", [1, 20])
def test_reach_of_many_audiences_costs_the_same_queries(
    admin, world, django_assert_num_queries, count
):
    audiences = [AudienceFactory(rule=EMEA) for _index in range(count)]

    # The custom fields, the partner counts, the user counts.
    with django_assert_num_queries(3):
        reach = selectors.audience_reach(user=admin, audiences=audiences)

    assert {item.partners for item in reach.values()} == {2}


def test_a_channel_manager_counts_only_their_partners(world):
    alpha = world[0]
    manager = VendorUserFactory(vendor_role="channel_manager")
    alpha.channel_manager = manager
    alpha.save(update_fields=["channel_manager"])
    audience = AudienceFactory(rule=EMEA)

    reach = selectors.audience_reach(user=manager, audiences=[audience])

    assert reach[audience.pk] == selectors.Reach(partners=1, users=2)


def test_an_audience_whose_rule_stopped_validating_reaches_nobody(admin, world):
    segment = SegmentFactory()
    audience = AudienceFactory(
        rule={"field": "segment", "op": "eq", "value": str(segment.public_id)}
    )
    segment.delete()

    reach = selectors.audience_reach(user=admin, audiences=[audience])

    assert reach[audience.pk] == selectors.Reach(partners=0, users=0, is_valid=False)


def test_a_draft_rule_is_counted_or_refused_by_path(admin, world):
    assert selectors.rule_reach(
        user=admin, rule=EMEA, partner_roles=["technical"]
    ) == selectors.Reach(partners=2, users=1)

    with pytest.raises(ValidationFailed) as refused:
        selectors.rule_reach(
            user=admin,
            rule={"all": [{"field": "region", "op": "eq", "value": "X"}]},
            partner_roles=[],
        )
    assert set(refused.value.field_errors) == {"rule.all.0.value"}


def test_only_managers_preview(world):
    with pytest.raises(PermissionDenied):
        selectors.rule_reach(
            user=VendorUserFactory(vendor_role="analyst"), rule=EMEA, partner_roles=[]
        )


def live_asset(title, audience, **fields):
    return Asset.objects.create(
        kind="link",
        title=title,
        url="https://example.com",
        audience=audience,
        publish_at=timezone.now() - datetime.timedelta(days=1),
        **fields,
    )


def test_the_explanation_says_which_audiences_hold_a_partner_and_why(admin):
    apex = programme_with_tiers("Silver", "Gold", "Platinum", slug="apex")
    partner = PartnerFactory(name="Alpha", region="EMEA", partner_type="reseller")
    EnrolmentFactory(partner=partner, programme=apex, tier=apex.tiers.get(name="Gold"))
    MembershipFactory(partner=partner, roles=["marketing"])
    MembershipFactory(partner=partner, roles=["sales"])
    gold = AudienceFactory(
        name="Gold+ EMEA resellers",
        rule={
            "all": [
                {
                    "field": "tier",
                    "op": "gte",
                    "value": {"programme": "apex", "tier": "Gold"},
                },
                {"field": "region", "op": "eq", "value": "EMEA"},
                {
                    "any": [
                        {"field": "partner_type", "op": "eq", "value": "reseller"},
                        {"field": "country", "op": "eq", "value": "US"},
                    ]
                },
            ]
        },
        partner_roles=["marketing"],
    )
    AudienceFactory(name="NA", rule={"field": "region", "op": "eq", "value": "NA"})
    AudienceFactory(name="Off", rule={"all": []}, is_active=False)
    segment = SegmentFactory(name="Big EMEA", rule=EMEA)
    listed = AudienceFactory(
        name="Not in the NA segment",
        rule={"not": {"field": "segment", "op": "eq", "value": str(segment.public_id)}},
    )

    explanation = selectors.audience_explanation(user=admin, partner=partner)

    holding = {match.audience.name: match for match in explanation.holding}
    assert list(holding) == ["Gold+ EMEA resellers"]
    assert holding["Gold+ EMEA resellers"].reasons == [
        "Tier at least Gold (apex)",
        "Region is EMEA",
        "Primary partner type is reseller",
    ]
    assert holding["Gold+ EMEA resellers"].role_labels == ["Marketing"]
    assert holding["Gold+ EMEA resellers"].users == 1
    not_holding = {match.audience.name: match for match in explanation.not_holding}
    assert not_holding["NA"].rule_text == "Region is NA"
    assert not_holding[listed.name].rule_text == "not Segment is Big EMEA"
    assert "Off" not in not_holding
    assert gold.pk in [match.audience.pk for match in explanation.matches]


def test_the_explanation_lists_the_live_items_the_partner_sees(admin):
    partner = PartnerFactory(region="EMEA")
    emea = AudienceFactory(name="EMEA", rule=EMEA)
    na = AudienceFactory(name="NA", rule={"field": "region", "op": "eq", "value": "NA"})
    live_asset("EMEA price list", emea)
    live_asset("NA price list", na)
    live_asset("Expired", emea, expires_at=timezone.now())
    Asset.objects.create(kind="link", title="Draft", url="https://x.org", audience=emea)
    Announcement.objects.create(
        title="EMEA news",
        body="<p>Hi</p>",
        audience=emea,
        publish_at=timezone.now(),
    )

    explanation = selectors.audience_explanation(user=admin, partner=partner)

    groups = {group.key: group for group in explanation.groups}
    assets = groups["content.asset"]
    assert (assets.total, [(str(i), a.name) for i, a, _r in assets.items]) == (
        1,
        [("EMEA price list", "EMEA")],
    )
    assert groups["content.announcement"].total == 1


def test_a_partner_outside_the_scope_cannot_be_explained(world):
    manager = VendorUserFactory(vendor_role="channel_manager")

    with pytest.raises(NotFound):
        selectors.explain_partner_get(user=manager, public_id=world[0].public_id)
    assert selectors.explain_partner_search(user=manager, search="Alpha") == []


@pytest.mark.parametrize("count", [1, 10])
def test_the_explanation_costs_the_same_queries_for_one_or_many_audiences(
    admin, django_assert_num_queries, count
):
    partner = PartnerFactory(region="EMEA")
    MembershipFactory(partner=partner, roles=["sales"])
    for index in range(count):
        audience = AudienceFactory(
            rule={"any": [EMEA, {"field": "country", "op": "eq", "value": "FR"}]},
            partner_roles=["sales"] if index % 2 else [],
        )
        live_asset(f"Asset {index}", audience)

    # Audiences, custom fields, the partner row, the users per audience, then
    # per registered model (assets, announcements, courses, ...) its first items
    # and a count.
    with django_assert_num_queries(4 + 2 * len(audience_users())):
        explanation = selectors.audience_explanation(user=admin, partner=partner)

    assert len(explanation.holding) == count
    assert explanation.holding[0].reasons == ["Region is EMEA"]
