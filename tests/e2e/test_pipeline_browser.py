"""A vendor admin adds an exchange rate, then sees the pipeline converted with it and
drawn as charts; a partner's salesperson sees only their own pipeline."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.deals.models import Deal, Stage
from openprm.deals.tests.factories import make_deal, seller
from openprm.partners.tests.factories import PartnerFactory
from tests.e2e.screens import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def stages():
    """The default stages (a transactional test starts from empty tables)."""
    for name, probability, order, kind in (
        ("Qualification", 10, 10, "open"),
        ("Proposal", 40, 20, "open"),
        ("Negotiation", 70, 30, "open"),
        ("Won", 100, 40, "won"),
        ("Lost", 0, 50, "lost"),
    ):
        Stage.objects.get_or_create(
            name=name,
            defaults={"probability": probability, "order": order, "kind": kind},
        )


def sign_in(page, email: str) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def usd_deal(partner, amount: str) -> None:
    made = make_deal(
        partner=partner,
        amount=Decimal(amount),
        expected_close_date=datetime.date(2026, 6, 15),
        stage=Stage.objects.get(name="Proposal"),
    )
    Deal.objects.filter(pk=made.pk).update(currency="USD")


def test_a_missing_rate_is_reported_until_an_admin_adds_it(page):
    VendorUserFactory(email="alex@vendor.example")
    usd_deal(PartnerFactory(name="Contoso Solutions"), "1000.00")
    sign_in(page, "alex@vendor.example")

    page.goto("/console/pipeline/")
    expect(page.get_by_test_id("unconverted-USD")).to_contain_text("1,000.00 USD")
    expect(page.get_by_test_id("total-amount")).to_have_text("0.00 EUR")

    page.get_by_role("link", name="Exchange rates").first.click()
    page.get_by_role("link", name="New rate").click()
    page.get_by_label("Currency").fill("USD")
    page.get_by_label("Rate").fill("0.9")
    page.get_by_label("Valid from").fill("2026-01-01")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("exchange-rates")).to_contain_text("USD")

    page.goto("/console/pipeline/")
    expect(page.get_by_test_id("total-amount")).to_have_text("900.00 EUR")
    expect(page.get_by_test_id("total-weighted")).to_have_text("360.00 EUR")
    expect(page.get_by_test_id("unconverted")).to_have_count(0)
    drawn = page.evaluate(
        "() => [Chart.getChart('pipeline-stages-chart') !== undefined,"
        " Chart.getChart('pipeline-months-chart') !== undefined]"
    )
    assert drawn == [True, True]


def test_a_salesperson_sees_only_their_organisations_pipeline(page):
    mine = PartnerFactory(name="Contoso Solutions")
    make_deal(partner=mine, amount=Decimal("100.00"))
    make_deal(partner=PartnerFactory(name="Fabrikam Inc"), amount=Decimal("900.00"))
    user = seller(mine)
    sign_in(page, user.email)

    page.goto("/portal/pipeline/")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Pipeline of Contoso Solutions"
    )
    expect(page.get_by_test_id("total-amount")).to_have_text("100.00 EUR")


def test_every_table_downloads_with_the_pages_filters(page):
    VendorUserFactory(email="alex@vendor.example")
    for name, region, amount, month in (
        ("Contoso Solutions", "NA", "1000.00", 3),
        ("Fabrikam Inc", "EMEA", "400.00", 5),
        ("Northwind Traders", "NA", "250.00", 8),
    ):
        make_deal(
            partner=PartnerFactory(name=name, region=region),
            amount=Decimal(amount),
            expected_close_date=datetime.date(2026, month, 10),
            stage=Stage.objects.get(name="Proposal"),
        )
    sign_in(page, "alex@vendor.example")

    page.goto("/console/pipeline/?region=NA")
    page.get_by_test_id("pipeline-months-table").locator("summary").click()
    expect(page.get_by_test_id("pipeline-months")).to_contain_text("2026-08")
    shoot(page, "pipeline-console-exports")
    links = page.locator('a:text-is("CSV")')
    expect(links).to_have_count(5)
    partners_csv = page.locator('a[href="?region=NA&export=csv&table=partners"]')
    with page.expect_download() as download:
        partners_csv.click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Contoso Solutions" in text
    assert "Northwind Traders" in text
    assert "Fabrikam" not in text
