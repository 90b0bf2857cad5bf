import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.metrics import tiers
from openprm.metrics.tests.test_api import figures
from openprm.metrics.tests.test_tiers import enrol
from openprm.programs.tests.factories import TierRequirementFactory
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


def test_the_partner_sees_each_requirement_its_figure_and_what_is_left(
    client,
    programme,
):
    enrolment = enrol(programme, 2, 300)
    client.force_login(partner_user(partner=enrolment.partner, roles=["sales"]))

    page = client.get("/portal/tier/progress/").content.decode()

    assert "Requirements of Gold" in page
    assert "Requirements of Platinum" in page
    assert "1,000" in page and "300" in page and "700" in page
    assert "Next evaluation:" in page


def test_a_demotion_under_way_is_on_the_home_work_list_with_its_date(
    client,
    programme,
):
    enrolment = enrol(programme, 2, 300)
    tiers.tiers_evaluate()
    client.force_login(partner_user(partner=enrolment.partner, roles=["sales"]))

    home = client.get("/portal/").content.decode()
    fragment = client.get("/portal/tier/progress/").content.decode()

    assert "Keep your Gold tier" in home
    assert "at least 1,000 is not met" in home
    assert "unless they recover, you move to Silver" in fragment


def test_a_partner_without_a_programme_is_told_so(client):
    from openprm.partners.tests.factories import PartnerFactory

    partner = PartnerFactory()
    figures(partner, won_revenue="5")
    client.force_login(partner_user(partner=partner))

    page = client.get("/portal/tier/progress/").content.decode()

    assert "not enrolled in a programme yet" in page


def _card_sql(client) -> tuple[str, str]:
    client.get("/portal/tier/progress/")  # warm the session and navigation
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/portal/tier/progress/").content.decode()
    return page, " ".join(query["sql"] for query in queries.captured_queries)


def test_the_card_asks_no_provider_of_a_metric_no_requirement_names(client, programme):
    enrolment = enrol(programme, 2, 300)
    client.force_login(partner_user(partner=enrolment.partner, roles=["sales"]))

    page, sql = _card_sql(client)

    assert "Requirements of Platinum" in page
    assert "certifications_usercertification" not in sql
    assert "certifications_partneraccreditation" not in sql
    assert "scoring_partnerscore" not in sql


def test_the_card_asks_the_provider_of_a_metric_the_next_tier_names(client, programme):
    enrolment = enrol(programme, 2, 300)
    platinum = programme.tiers.get(name="Platinum")
    TierRequirementFactory(tier=platinum, metric="certified_people", threshold=2)
    client.force_login(partner_user(partner=enrolment.partner, roles=["sales"]))

    page, sql = _card_sql(client)

    assert "Certified people" in page
    assert "certifications_usercertification" in sql
    assert "scoring_partnerscore" not in sql
