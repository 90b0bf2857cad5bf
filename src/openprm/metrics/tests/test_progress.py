import pytest

from openprm.metrics import tiers
from openprm.metrics.tests.test_api import figures
from openprm.metrics.tests.test_tiers import enrol
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
