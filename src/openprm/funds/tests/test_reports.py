"""Fund reports: the ledger's figures and the attributed return by partner, tier,
region and activity type, scoped, in a fixed number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.deals.choices import DealStatus
from openprm.deals.tests.factories import make_deal
from openprm.funds import reports, services
from openprm.funds.tests import factories as f
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db


def paid_activity(partner, *, claimed="800.00", deal_amount=None):
    """An approved 1,000 request from an allocation of 5,000, a claim approved and
    paid, and (with ``deal_amount``) a won deal attributed to it."""
    request = f.approved_request(partner=partner, amount="1000.00", allocated="5000")
    claim = f.make_claim(request, amount=claimed, is_final=True)
    claim = services.claim_review(actor=f.reviewer(), claim=claim, approve=True)
    claim = services.payout_approve(actor=f.finance(), claim=claim)
    services.payout_record(actor=f.finance(), claim=claim, reference="TR-1")
    if deal_amount is not None:
        deal = make_deal(
            partner=partner, status=DealStatus.WON, amount=Decimal(deal_amount)
        )
        attribution = services.attribution_propose(
            actor=f.marketer(partner), request=request, deal=deal
        )
        services.attribution_decide(
            actor=f.reviewer(), attribution=attribution, approve=True
        )
    return request


@pytest.fixture
def world():
    emea = PartnerFactory(name="Alpha", region="EMEA")
    apac = PartnerFactory(name="Beta", region="APAC")
    EnrolmentFactory(partner=emea)
    paid_activity(emea, deal_amount="4000.00")
    paid_activity(apac, claimed="500.00")
    return emea, apac


def test_by_partner_the_figures_are_the_ledgers_and_roi_counts_won_deals(world):
    report = reports.fund_report(user=VendorUserFactory(), by="partner", currency="EUR")

    alpha, beta = report.rows
    assert alpha.label == "Alpha"
    assert (alpha.allocated, alpha.committed, alpha.claimed, alpha.paid) == (
        Decimal("5000.00"),
        Decimal("0.00"),
        Decimal("800.00"),
        Decimal("800.00"),
    )
    assert (alpha.won, alpha.roi_percent) == (Decimal("4000.00"), Decimal("400.0"))
    assert (beta.label, beta.claimed, beta.won, beta.roi_percent) == (
        "Beta",
        Decimal("500.00"),
        Decimal("0.00"),
        Decimal("-100.0"),
    )
    assert report.totals().claimed == Decimal("1300.00")


def test_by_region_tier_and_activity_type_the_groups_are_named(world):
    user = VendorUserFactory()
    regions = reports.fund_report(user=user, by="region", currency="EUR")
    tiers = reports.fund_report(user=user, by="tier", currency="EUR")
    activities = reports.fund_report(user=user, by="activity", currency="EUR")

    assert sorted(row.label for row in regions.rows) == [
        "Asia-Pacific",
        "Europe, Middle East and Africa",
    ]
    assert "No tier" in [row.label for row in tiers.rows]
    assert len(tiers.rows) == 2
    by_activity = {row.label: row for row in activities.rows}
    assert by_activity["Webinar"].claimed == Decimal("1300.00")
    assert by_activity["Webinar"].won == Decimal("4000.00")
    # The allocations themselves belong to no activity.
    assert by_activity["Not tied to an activity"].allocated == Decimal("10000.00")


def test_a_partner_user_and_another_currency_see_nothing(world):
    assert (
        reports.fund_report(user=VendorUserFactory(), by="partner", currency="USD").rows
        == []
    )
    partner_user = f.marketer(PartnerFactory())
    assert (
        reports.fund_report(user=partner_user, by="partner", currency="EUR").rows == []
    )


def _count(user, by: str) -> int:
    with CaptureQueriesContext(connection) as context:
        reports.fund_report(user=user, by=by, currency="EUR")
    return len(context.captured_queries)


@pytest.mark.parametrize("by", list(reports.GROUPINGS))
def test_a_report_reads_two_queries_whatever_the_number_of_partners(by):
    user = VendorUserFactory()
    paid_activity(PartnerFactory(), deal_amount="100.00")
    few = _count(user, by)
    for _ in range(3):
        paid_activity(PartnerFactory(), deal_amount="100.00")

    assert _count(user, by) == few == 2


def test_the_page_shows_charts_and_tables_in_a_fixed_number_of_queries(client, world):
    client.force_login(VendorUserFactory(vendor_role="analyst"))
    url = reverse("console:fund_reports")
    paid_activity(PartnerFactory(region="NA"))
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"by": "region"})
    for _ in range(3):
        paid_activity(PartnerFactory(region="LATAM"))
    with CaptureQueriesContext(connection) as many:
        again = client.get(url, {"by": "region"})

    assert again.status_code == 200
    assert len(few.captured_queries) == len(many.captured_queries)
    body = again.content.decode()
    assert 'id="fund-chart-money"' in body
    assert 'id="metrics-chart-data"' in body
    assert "vendor/chartjs/chart.umd.min.js" in body
    assert "Latin America" in body
    assert 'data-testid="fund-return-table"' in body


def test_the_export_has_every_row_as_csv_or_xlsx(client, world):
    client.force_login(VendorUserFactory(vendor_role="finance"))
    url = reverse("console:fund_reports_export")

    csv = client.get(url, {"by": "partner", "currency": "EUR"})
    xlsx = client.get(url, {"by": "partner", "format": "xlsx"})

    text = b"".join(csv.streaming_content).decode()
    lines = text.strip().splitlines()
    assert lines[0].startswith("group,currency,allocated")
    assert lines[1].startswith(
        "Alpha,EUR,5000.00,0.00,800.00,800.00,0,0.00,4000.00,400.0"
    )
    assert len(lines) == 3
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_empty_page_says_what_to_do(client):
    client.force_login(VendorUserFactory())
    page = client.get(reverse("console:fund_reports"))
    assert "Create a fund and a budget" in page.content.decode()


def test_the_api_answers_the_report_and_refuses_a_bad_grouping(client, world):
    client.force_login(VendorUserFactory())

    found = client.get("/api/v1/fund-reports", {"by": "tier", "currency": "EUR"})
    bad = client.get("/api/v1/fund-reports", {"by": "colour"})
    money = client.get("/api/v1/fund-reports", {"currency": "XYZ"})

    assert found.status_code == 200
    assert found.json()["by"] == "tier"
    assert len(found.json()["rows"]) == 2
    assert bad.status_code == money.status_code == 422
    assert "by" in str(bad.json()) and "currency" in str(money.json())
