"""A vendor user sets up a SPIFF paying a percentage of the amount, in money; a
partner uploads sales; "My SPIFFs" shows the progress, the money statement the
earning; the rebate sweep runs and the partner's rebate statement shows."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.accruals import tasks
from openprm.accruals.tests.factories import RebateProgrammeFactory
from openprm.incentives.tests.factories import ProductFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user
from tests.e2e.screens import shoot
from tests.e2e.test_fulfilment_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_spiff_set_up_earned_from_uploaded_sales_and_a_rebate_statement(
    page, live_server, tmp_path
):
    today = timezone.localdate()
    product = ProductFactory(sku="NAS-4", name="NAS 4-bay", prices={"EUR": "500.00"})
    partner = PartnerFactory(name="Contoso")
    seller = partner_user(partner=partner, roles=[PartnerRole.SALES])
    marketing = VendorUserFactory(
        email="maya@vendor.example", vendor_role="channel_marketing"
    )
    RebateProgrammeFactory(
        name="Volume rebate", starts_on=today - datetime.timedelta(days=200)
    )
    sales_file = tmp_path / "sales.csv"
    sales_file.write_text(
        "invoice_number,invoice_date,end_customer,sku,quantity,amount,currency\n"
        f"INV-1,{today.isoformat()},Fabrikam,NAS-4,1,500.00,EUR\n"
        f"INV-2,{today.isoformat()},Tailspin,NAS-4,1,500.00,EUR\n"
    )
    page.set_default_timeout(30_000)  # the shared test machine is often loaded
    page.set_default_navigation_timeout(90_000)  # the first page warms the server

    sign_in(page, marketing.email)
    page.goto("/console/spiffs/new/")
    form = page.get_by_test_id("spiff-form")
    form.get_by_label("Name").fill("NAS push")
    form.get_by_label("Product", exact=True).select_option(str(product.public_id))
    form.get_by_label("Starts on").fill(today.replace(day=1).isoformat())
    form.get_by_label("Ends on").fill((today + datetime.timedelta(days=30)).isoformat())
    form.get_by_label("Paid in").select_option("money")
    form.get_by_label("Pays").select_option("percent")
    form.get_by_label("Rate").fill("10")
    form.get_by_label("Budget").fill("5000")
    shoot(page, "spiffs-1-console-form")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("rate")).to_contain_text("10 % of the amount")
    expect(page.get_by_test_id("spent")).to_contain_text("0.00")

    sign_in(page, seller.email)
    page.get_by_test_id("portal-nav").get_by_role("link", name="Sales data").click()
    page.get_by_label("File").set_input_files(str(sales_file))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_test_id("upload-counts")).to_contain_text("2 imported")

    page.get_by_test_id("portal-nav").get_by_role("link", name="My SPIFFs").click()
    spiff = page.get_by_test_id("spiff")
    expect(spiff).to_contain_text("NAS push")
    expect(spiff.get_by_test_id("units")).to_have_text("2")
    expect(spiff.get_by_test_id("earned")).to_contain_text("100.00")
    shoot(page, "spiffs-2-portal-my-spiffs")

    tasks.rebates_sweep.call()  # what the worker's sweep runs

    page.get_by_test_id("portal-nav").get_by_role(
        "link", name="Money and rebates"
    ).click()
    entries = page.get_by_test_id("money-entries")
    expect(entries.get_by_text("SPIFF: NAS push")).to_have_count(2)
    expect(entries).to_contain_text("Rebate: Volume rebate")
    expect(page.get_by_test_id("closing")).to_contain_text("110.00")
    statements = page.get_by_test_id("statements")
    expect(statements).to_contain_text("Volume rebate")
    expect(statements.get_by_test_id("rebate")).to_contain_text("10.00")
    shoot(page, "spiffs-3-portal-money")
