"""The pages that read the rollups (the portal home with its tier progress card,
the executive dashboard) read a fixed number of queries whatever the facts and
months behind them, and never the facts or the day rollup themselves (see
bench/rollup_pages.py for their cost at 10,000,000 facts)."""

import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.metrics.selectors import add_months
from openprm.metrics.tests.test_api import THIS_MONTH, figures
from openprm.metrics.tests.test_tiers import enrol
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import EnrolmentFactory
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db

# Tables a page over the rollups must not read: the day rollup and the facts.
RAW = ("metrics_dailyvalue", "incentives_salesline", "deals_deal", "deals_dealrevenue")
# The portal home's work list reads the partner's deals waiting on it (the deals
# app's work items, not figures); its figures come from the rollups.
HOME_RAW = ("metrics_dailyvalue", "incentives_salesline", "deals_dealrevenue")


def _a_year_of_figures(partner, *, months=12):
    month = THIS_MONTH
    for _ in range(months):
        figures(
            partner,
            month=month,
            won_revenue="1500",
            deals_won="2",
            deals_lost="1",
            pipeline_registered="9000",
            reported_sales="700",
        )
        month = add_months(month, -1)


def _read(client, path, django_assert_num_queries, expected, raw=RAW):
    client.get(path)  # warm the caches (navigation, session)
    with django_assert_num_queries(expected) as counted:
        response = client.get(path)
    assert response.status_code == 200
    sql = " ".join(query["sql"].lower() for query in counted.captured_queries)
    assert not [table for table in raw if table in sql]
    return response


@pytest.mark.parametrize(
    # The card reads 10 (since home17c): session, user, memberships; the
    # enrolments, their tiers and requirements (no benefits); the rollup figures
    # (no certification or scorecard provider: no requirement names them); the
    # open recommendations, the next evaluation, the health scores. The home
    # reads 15: session, user, memberships (roles come from them), the work list
    # a salesperson has (leads 2, deals 2, journeys 2, tier demotions 1), the
    # audiences, what the partner has earned as a salesperson may see it (won
    # revenue, points, discount: 3).
    ("path", "queries"),
    [("/portal/tier/progress/", 10), ("/portal/", 15)],
)
def test_the_portal_home_reads_as_many_queries_for_a_year_of_figures_as_for_one(
    client, programme, django_assert_num_queries, path, queries
):
    enrolment = enrol(programme, 2, 300)
    client.force_login(partner_user(partner=enrolment.partner, roles=["sales"]))
    raw = HOME_RAW if path == "/portal/" else RAW
    _read(client, path, django_assert_num_queries, queries, raw)

    _a_year_of_figures(enrolment.partner)
    for number in range(5):  # other partners' figures and enrolments
        other = PartnerFactory(name=f"Other {number}")
        _a_year_of_figures(other, months=3)
        EnrolmentFactory(partner=other, programme=programme)

    response = _read(client, path, django_assert_num_queries, queries, raw)
    if path == "/portal/tier/progress/":
        assert "18,000" in response.content.decode()  # 12 months x 1,500


def test_the_dashboard_reads_as_many_queries_for_years_of_figures_as_for_one_month(
    client, django_assert_num_queries
):
    first = PartnerFactory(name="Nordlicht", region="EMEA")
    figures(first, won_revenue="10")
    EnrolmentFactory(partner=first)
    client.force_login(VendorUserFactory(vendor_role="analyst"))
    _read(client, "/console/insights/", django_assert_num_queries, 10)

    for number in range(6):
        partner = PartnerFactory(name=f"More {number}", region="APAC")
        _a_year_of_figures(partner, months=14)
        EnrolmentFactory(partner=partner)
    _a_year_of_figures(first, months=24)

    response = _read(client, "/console/insights/", django_assert_num_queries, 10)
    # The last 12 months only: 18,000 for each of the seven partners.
    assert "126,000.00 EUR" in response.content.decode()


def test_a_dashboard_period_in_the_past_reads_its_months_only(client):
    partner = PartnerFactory(name="Nordlicht")
    _a_year_of_figures(partner, months=24)
    client.force_login(VendorUserFactory(vendor_role="analyst"))
    last = add_months(THIS_MONTH, -12)
    first = add_months(last, -2)

    page = client.get(
        f"/console/insights/?first_month={first:%Y-%m}&last_month={last:%Y-%m}"
    ).content.decode()

    assert "4,500.00 EUR" in page  # three months of 1,500
