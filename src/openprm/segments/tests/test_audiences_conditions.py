"""Which partners each kind of audience condition holds, for the reader API
(``matching_audience_ids``, ``audience_q``), evaluated by the database; roles;
freshness; and the constant query count."""

import pytest

from openprm.content.models import Asset
from openprm.partners.models import CustomFieldDefinition, Partner
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import EnrolmentFactory, programme_with_tiers
from openprm.segments.audiences import (
    AudienceReader,
    audience_q,
    audience_reader,
    matching_audience_ids,
)
from openprm.segments.models import Audience, Segment, StaticListMember
from openprm.segments.tests.factories import (
    AudienceFactory,
    SegmentFactory,
    StaticListFactory,
)
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def reader(partner, *roles) -> AudienceReader:
    return AudienceReader(partner_id=partner.pk, roles=frozenset(roles or ["sales"]))


def holders(rule, partners, **fields) -> list[str]:
    """The names of ``partners`` an audience with ``rule`` holds."""
    audience = AudienceFactory(rule=rule, **fields)
    return sorted(
        partner.name
        for partner in partners
        if audience.pk in matching_audience_ids(reader(partner))
    )


@pytest.fixture
def world():
    """Four partners of different type, region, country and status, enrolled in
    the Apex programme (Silver < Gold < Platinum) or not."""
    apex = programme_with_tiers("Silver", "Gold", "Platinum", slug="apex")
    other = programme_with_tiers("Member", slug="other")

    def make(name, tier=None, programme=apex, **fields):
        partner = PartnerFactory(name=name, **fields)
        if tier:
            EnrolmentFactory(
                partner=partner,
                programme=programme,
                tier=programme.tiers.get(name=tier),
            )
        return partner

    return [
        make("Alpha", "Gold", partner_type="reseller", region="EMEA", country="DE"),
        make("Beta", "Silver", partner_type="reseller", region="EMEA", country="FR"),
        make(
            "Gamma",
            "Platinum",
            partner_type="distributor",
            region="NA",
            country="US",
            status="suspended",
        ),
        make("Delta", "Member", programme=other, partner_type="msp", country="DE"),
    ]


def condition(field, op, value):
    return {"all": [{"field": field, "op": op, "value": value}]}


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"all": []}, ["Alpha", "Beta", "Delta", "Gamma"]),
        (condition("status", "eq", "active"), ["Alpha", "Beta", "Delta"]),
        (condition("programme", "in", ["apex"]), ["Alpha", "Beta", "Gamma"]),
        (condition("programme", "in", ["other"]), ["Delta"]),
        (
            condition("tier", "gte", {"programme": "apex", "tier": "Gold"}),
            ["Alpha", "Gamma"],
        ),
        (condition("tier", "eq", {"programme": "apex", "tier": "Gold"}), ["Alpha"]),
        (
            condition("tier", "lte", {"programme": "apex", "tier": "Silver"}),
            ["Beta"],
        ),
        (condition("partner_type", "eq", "reseller"), ["Alpha", "Beta"]),
        (condition("partner_type", "in", ["msp", "distributor"]), ["Delta", "Gamma"]),
        (condition("region", "eq", "NA"), ["Gamma"]),
        (condition("country", "in", ["DE"]), ["Alpha", "Delta"]),
        (
            {
                "all": [
                    {
                        "field": "tier",
                        "op": "gte",
                        "value": {"programme": "apex", "tier": "Gold"},
                    },
                    {"field": "region", "op": "eq", "value": "EMEA"},
                    {"field": "partner_type", "op": "eq", "value": "reseller"},
                ]
            },
            ["Alpha"],
        ),
        (
            {"not": {"field": "status", "op": "eq", "value": "active"}},
            ["Gamma"],
        ),
    ],
)
def test_each_condition_holds_exactly_its_partners(world, rule, expected):
    assert holders(rule, world) == expected


def test_a_dynamic_segment_holds_the_partners_its_rule_selects_now(world):
    segment = SegmentFactory(rule=condition("country", "eq", "FR"))
    rule = condition("segment", "eq", str(segment.public_id))

    assert holders(rule, world) == ["Beta"]
    Segment.objects.filter(pk=segment.pk).update(rule=condition("country", "eq", "US"))
    assert holders(rule, world) == ["Gamma"]


def test_a_static_list_holds_its_hand_picked_partners(world):
    listed = StaticListFactory()
    StaticListMember.objects.create(segment=listed, partner=world[3])
    dynamic = SegmentFactory(rule=condition("region", "eq", "NA"))
    rule = condition("segment", "in", [str(listed.public_id), str(dynamic.public_id)])

    assert holders(rule, world) == ["Delta", "Gamma"]


def test_an_audience_naming_a_deleted_segment_holds_nobody(world):
    segment = SegmentFactory(rule=condition("country", "eq", "FR"))
    audience = AudienceFactory(
        rule={"not": {"field": "segment", "op": "eq", "value": str(segment.public_id)}}
    )
    assert audience.pk in matching_audience_ids(reader(world[0]))

    segment.delete()

    assert audience.pk not in matching_audience_ids(reader(world[0]))


def test_roles_narrow_an_audience_to_users_holding_one_of_them(world):
    alpha = world[0]
    audience = AudienceFactory(
        rule={"all": []}, partner_roles=["marketing", "technical"]
    )
    everyone = AudienceFactory(rule={"all": []})

    assert matching_audience_ids(reader(alpha, "technical")) == [
        audience.pk,
        everyone.pk,
    ]
    assert matching_audience_ids(reader(alpha, "sales", "marketing")) == [
        audience.pk,
        everyone.pk,
    ]
    assert matching_audience_ids(reader(alpha, "sales")) == [everyone.pk]
    assert matching_audience_ids(AudienceReader(alpha.pk, frozenset())) == [everyone.pk]


def test_the_reader_of_a_portal_request_is_its_membership(world):
    membership = MembershipFactory(partner=world[0], roles=["technical"])
    audience = AudienceFactory(rule={"all": []}, partner_roles=["technical"])

    assert matching_audience_ids(audience_reader(membership=membership)) == [
        audience.pk
    ]


def test_audience_q_filters_a_list_by_its_audience_field(world):
    emea = AudienceFactory(rule=condition("region", "eq", "EMEA"))
    na = AudienceFactory(rule=condition("region", "eq", "NA"))
    for audience in (emea, na):
        Asset.objects.create(
            kind="link",
            title=audience.name,
            url="https://example.com",
            audience=audience,
        )

    seen = Asset.objects.filter(audience_q(reader(world[0])))

    assert [asset.title for asset in seen] == [emea.name]


def test_a_change_shows_on_the_next_call_without_any_cache(world):
    alpha = world[0]
    audience = AudienceFactory(rule=condition("region", "eq", "EMEA"))
    assert matching_audience_ids(reader(alpha)) == [audience.pk]

    Audience.objects.filter(pk=audience.pk).update(rule=condition("region", "eq", "NA"))
    assert matching_audience_ids(reader(alpha)) == []

    Partner.objects.filter(pk=alpha.pk).update(region="NA")
    assert matching_audience_ids(reader(alpha)) == [audience.pk]

    Audience.objects.filter(pk=audience.pk).update(partner_roles=["technical"])
    assert matching_audience_ids(reader(alpha)) == []

    Audience.objects.filter(pk=audience.pk).update(partner_roles=[], is_active=False)
    assert matching_audience_ids(reader(alpha)) == []


@pytest.mark.parametrize("count", [1, 50])
def test_matching_runs_three_queries_whatever_the_number_of_audiences(
    django_assert_num_queries, count
):
    partner = PartnerFactory(region="EMEA")
    programme_with_tiers("Silver", "Gold", slug="apex")
    for index in range(count):
        AudienceFactory(
            rule={
                "any": [
                    {"field": "region", "op": "in", "value": ["EMEA", "NA"]},
                    {
                        "field": "tier",
                        "op": "gte",
                        "value": {"programme": "apex", "tier": "Gold"},
                    },
                ]
            },
            partner_roles=["sales"] if index % 2 else [],
        )
    AudienceFactory(rule={"all": []}, partner_roles=["finance"])  # not this reader's

    # The audiences open to the reader's roles, the custom fields, the partner row.
    with django_assert_num_queries(3):
        matched = matching_audience_ids(reader(partner, "sales"))

    assert len(matched) == count


@pytest.mark.parametrize("count", [1, 50])
def test_naming_segments_adds_one_query_whatever_their_number(
    django_assert_num_queries, count
):
    partner = PartnerFactory(region="EMEA")
    for _index in range(count):
        segment = SegmentFactory(rule=condition("region", "eq", "EMEA"))
        AudienceFactory(rule=condition("segment", "eq", str(segment.public_id)))

    with django_assert_num_queries(4):
        matched = matching_audience_ids(reader(partner))

    assert len(matched) == count


def test_a_deactivated_custom_field_makes_its_audience_hold_nobody_next_call():
    definition = CustomFieldDefinition.objects.create(
        key="gold_club", label="Gold club", field_type="boolean"
    )
    partner = PartnerFactory()
    Partner.objects.filter(pk=partner.pk).update(custom_fields={"gold_club": True})
    audience = AudienceFactory(
        rule={"not": {"field": "custom:gold_club", "op": "is", "value": False}}
    )
    assert matching_audience_ids(reader(partner)) == [audience.pk]

    CustomFieldDefinition.objects.filter(pk=definition.pk).update(is_active=False)

    assert matching_audience_ids(reader(partner)) == []


def test_audiences_sharing_a_rule_are_each_held():
    partner = PartnerFactory(region="EMEA")
    rule = condition("region", "eq", "EMEA")
    first, second = AudienceFactory(rule=rule), AudienceFactory(rule=rule)
    AudienceFactory(rule=condition("region", "eq", "NA"))

    assert matching_audience_ids(reader(partner)) == [first.pk, second.pk]


def test_a_segment_whose_own_rule_broke_holds_nobody_and_spoils_no_other():
    CustomFieldDefinition.objects.create(
        key="tier_note", label="Note", field_type="text", is_active=False
    )
    partner = PartnerFactory(region="EMEA")
    broken = SegmentFactory(
        rule={"field": "custom:tier_note", "op": "eq", "value": "x"}
    )
    naming = AudienceFactory(rule=condition("segment", "eq", str(broken.public_id)))
    emea = AudienceFactory(rule=condition("region", "eq", "EMEA"))
    everyone = AudienceFactory(rule={"all": []})

    assert naming.pk not in matching_audience_ids(reader(partner))
    assert matching_audience_ids(reader(partner)) == [emea.pk, everyone.pk]
