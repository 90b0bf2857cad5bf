"""A vendor admin works the CRM sync against a real BottleCRM (see
openprm.testing.bottlecrm): opens the connection, runs a sync, reads the run's
counts and log, resolves an "ask a person" conflict, and re-syncs a record."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.integrations.crm.models import SyncRun
from openprm.integrations.tests.crm import conftest as crm_fixtures
from openprm.integrations.tests.crm.factories import connection_for
from openprm.integrations.tests.crm.test_bottlecrm_sync import account
from openprm.integrations.tests.crm.test_conflicts import ask_about_city, crm_city
from openprm.partners import services as partner_services
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The real BottleCRM of the sync tests: one server for the session.
bottlecrm_server = crm_fixtures.bottlecrm_server
crm = crm_fixtures.crm


def run_now(page) -> None:
    """Click "Run now" (the test settings carry tasks out at once, as the worker
    would: the page it comes back to shows the run done)."""
    page.get_by_role("button", name="Run now").click()
    expect(page.get_by_text("The run is queued")).to_be_visible()
    assert not SyncRun.objects.filter(status__in=["queued", "running"]).exists()
    page.reload()


def test_vendor_admin_runs_a_sync_resolves_a_conflict_and_resyncs(page, crm):
    admin = VendorUserFactory(email="vera@vendor.example", vendor_role="vendor_admin")
    PartnerFactory(name="Alpha Systems", city="Berlin", country="DE")
    beta = PartnerFactory(
        name="Beta Networks", website="https://beta.example", city="Berlin",
        country="DE",
    )  # fmt: skip
    account(crm, "Beta Networks GmbH", website="https://beta.example")
    connection = connection_for(crm, actor=admin, name="Sales CRM")
    ask_about_city(connection)
    # The shared test machine is often loaded (pages have taken over 30 s there).
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(90_000)

    page.goto("/")
    page.get_by_label("Email", exact=True).fill(admin.email)
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(reverse("console:crm_connection_list"))
    page.get_by_role("link", name="Sales CRM").click()
    expect(page.get_by_role("heading", name=re.compile("Sales CRM"))).to_be_visible()
    expect(page.get_by_text("No run yet.")).to_be_visible()

    # Run now: Alpha is created in the CRM, Beta linked to its account
    run_now(page)
    runs = page.get_by_test_id("crm-runs")
    expect(runs).to_contain_text("Done")
    expect(runs.locator("tbody tr").first).to_contain_text("1 / 0 / 1")
    log = page.get_by_test_id("crm-log")
    expect(
        log.get_by_role("row", name=re.compile("Alpha Systems.*Created"))
    ).to_be_visible()
    expect(
        log.get_by_role("row", name=re.compile("Beta Networks.*Linked"))
    ).to_be_visible()

    # Both sides change Beta's city (the CRM first: OpenPRM's change is sent at
    # once, and finds the CRM's): the rule asks a person
    remote_id = str(
        next(a["id"] for a in crm.accounts() if a["name"] == "Beta Networks GmbH")
    )
    crm_city(crm, remote_id, "Bremen")
    partner_services.partner_update(partner=beta, actor=admin, data={"city": "Hamburg"})
    run_now(page)
    conflicts = page.get_by_test_id("crm-conflicts")
    expect(conflicts).to_contain_text("Hamburg")
    expect(conflicts).to_contain_text("Bremen")
    conflicts.get_by_role("button", name="Take the CRM's").click()
    expect(page.get_by_text("No conflict waits")).to_be_visible()
    assert Partner.objects.get(pk=beta.pk).city == "Bremen"

    # Re-sync one record from the log
    page.get_by_test_id("crm-log").get_by_role("button", name="Re-sync").first.click()
    expect(page.get_by_text("The record was sent again.")).to_be_visible()
