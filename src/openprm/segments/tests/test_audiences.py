import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import EnrolmentFactory, programme_with_tiers
from openprm.segments.audiences import AudienceReader, matching_audience_ids
from openprm.segments.models import Audience

pytestmark = pytest.mark.django_db

GOLD_AND_ABOVE_EMEA_RESELLERS = {
    "all": [
        {"field": "tier", "op": "gte", "value": {"programme": "apex", "tier": "Gold"}},
        {"field": "region", "op": "eq", "value": "EMEA"},
        {"field": "partner_type", "op": "eq", "value": "reseller"},
    ]
}


def enrolled(*, tier: str, region: str, programme) -> int:
    partner = PartnerFactory(region=region, partner_type="reseller")
    EnrolmentFactory(
        partner=partner, programme=programme, tier=programme.tiers.get(name=tier)
    )
    return partner.pk


def test_an_audience_holds_the_partners_its_rule_selects_with_the_roles_it_names():
    apex = programme_with_tiers("Silver", "Gold", "Platinum", slug="apex")
    audience = Audience.objects.create(
        name="Gold+ EMEA resellers",
        rule=GOLD_AND_ABOVE_EMEA_RESELLERS,
        partner_roles=["marketing", "partner_admin"],
    )
    everyone = Audience.objects.create(name="Everyone", rule={"all": []})
    gold_emea = enrolled(tier="Gold", region="EMEA", programme=apex)
    silver_emea = enrolled(tier="Silver", region="EMEA", programme=apex)
    gold_na = enrolled(tier="Platinum", region="NA", programme=apex)

    def ids(partner_id, *roles):
        return matching_audience_ids(
            AudienceReader(partner_id=partner_id, roles=frozenset(roles))
        )

    assert ids(gold_emea, "marketing") == [audience.pk, everyone.pk]
    assert ids(gold_emea, "sales") == [everyone.pk]
    assert ids(silver_emea, "marketing") == [everyone.pk]
    assert ids(gold_na, "partner_admin") == [everyone.pk]


def test_matching_costs_three_queries_whatever_the_number_of_audiences():
    partner = PartnerFactory(region="EMEA")
    for index in range(30):
        Audience.objects.create(
            name=f"EMEA {index}", rule={"field": "region", "op": "eq", "value": "EMEA"}
        )
    reader = AudienceReader(partner_id=partner.pk, roles=frozenset({"sales"}))

    with CaptureQueriesContext(connection) as queries:
        matched = matching_audience_ids(reader)

    assert len(matched) == 30
    # The audiences, the custom field types, the partner row.
    assert len(queries) == 3
