"""The console's scheduled report pages."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.funds.tests.factories import budget
from openprm.reports.models import SavedReport
from openprm.reports.tests.factories import scheduled_report

pytestmark = pytest.mark.django_db

LIST = "/console/insights/scheduled-reports/"
NEW = "/console/insights/scheduled-reports/new/"
QUERIES_LIST_PAGE = 4  # session and user, the schedules, their recipients


@pytest.fixture
def analyst(client):
    user = VendorUserFactory(vendor_role="analyst", email="ana@example.com")
    client.force_login(user)
    return user


def test_the_fund_report_page_links_its_filters_to_a_new_schedule(client, analyst):
    the_budget = budget()
    page = client.get(
        f"/console/funds/reports/?by=tier&currency=EUR&period={the_budget.period_id}"
    ).content.decode()
    assert (
        f"{NEW}?kind=funds&amp;by=tier&amp;currency=EUR&amp;period="
        f"{the_budget.period_id}" in page
    )

    form = client.get(f"{NEW}?kind=funds&by=tier&currency=EUR").content.decode()

    assert 'value="tier" selected' in form
    assert "Save as scheduled report" not in form


def test_the_performance_page_links_to_a_new_schedule(client, analyst):
    page = client.get("/console/insights/?region=EMEA").content.decode()

    assert f"{NEW}?kind=metrics&amp;months=12&amp;region=EMEA" in page


def test_the_deal_list_links_its_filters_to_a_new_schedule(client, analyst):
    page = client.get("/console/deals/?status=approved&q=acme").content.decode()

    assert f"{NEW}?kind=deals&amp;status=approved&amp;q=acme" in page


def test_the_pipeline_links_its_valid_filters_to_a_new_schedule(client, analyst):
    page = client.get(
        "/console/pipeline/?region=EMEA&close_from=2026-03-01&close_to=bad"
    ).content.decode()

    assert (
        f"{NEW}?kind=pipeline&amp;table=stages&amp;region=EMEA"
        "&amp;close_from=2026-03-01" in page
    )

    form = client.get(f"{NEW}?kind=pipeline&table=months&region=EMEA")

    assert form.status_code == 200
    assert 'value="months" selected' in form.content.decode()


def test_saving_the_form_schedules_the_report(client, analyst):
    budget()

    response = client.post(
        f"{NEW}?kind=funds",
        {
            "name": "Funds by region",
            "filter_by": "region",
            "filter_currency": "EUR",
            "filter_period": "",
            "file_format": "pdf",
            "frequency": "monthly",
            "weekday": "0",
            "day_of_month": "31",
            "recipients": [str(analyst.public_id)],
        },
    )

    assert response.status_code == 302
    report = SavedReport.objects.get()
    assert report.filters == {"by": "region", "currency": "EUR"}
    assert (report.file_format, report.frequency, report.day_of_month) == (
        "pdf",
        "monthly",
        31,
    )
    assert report.weekday is None


def test_bad_filters_show_on_their_fields_and_nothing_is_saved(client, analyst):
    response = client.post(
        f"{NEW}?kind=metrics",
        {
            "name": "Too long",
            "filter_table": "partners",
            "filter_months": "99",
            "file_format": "xlsx",
            "frequency": "weekly",
            "weekday": "0",
            "recipients": [str(analyst.public_id)],
        },
    )

    assert response.status_code == 200
    assert "filter_months" in response.context["form"].errors
    assert SavedReport.objects.count() == 0


def test_an_unknown_kind_is_not_found(client, analyst):
    assert client.get(f"{NEW}?kind=horoscope").status_code == 404


def test_the_list_shows_the_schedules_with_a_fixed_number_of_queries(client, analyst):
    scheduled_report(owner=analyst, name="First")
    client.get(LIST)
    with CaptureQueriesContext(connection) as one:
        response = client.get(LIST)
    assert response.status_code == 200
    for number in range(4):
        colleague = VendorUserFactory(vendor_role="finance")
        scheduled_report(
            owner=analyst, recipients=[analyst, colleague], name=f"More {number}"
        )

    with CaptureQueriesContext(connection) as many:
        page = client.get(LIST).content.decode()

    assert len(many) == len(one) == QUERIES_LIST_PAGE
    assert page.count('data-testid="scheduled-reports"') == 1
    assert "More 3" in page
    assert "Weekly, Monday" in page


def test_the_empty_list_says_how_to_start(client, analyst):
    page = client.get(LIST).content.decode()

    assert "No scheduled reports yet" in page
    assert "Save as scheduled report" in page


def test_edit_changes_the_schedule(client, analyst, ecosystem):
    report = scheduled_report(owner=analyst)
    url = f"{LIST}{report.public_id}/"
    assert 'value="partners" selected' in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "name": "Renamed",
            "filter_table": "region",
            "filter_months": "3",
            "file_format": "xlsx",
            "frequency": "weekly",
            "weekday": "4",
            "recipients": [str(analyst.public_id)],
        },
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.name, report.weekday) == ("Renamed", 4)
    assert report.filters == {"table": "region", "months": "3"}


def test_send_now_and_delete(client, analyst, ecosystem):
    report = scheduled_report(owner=analyst)

    client.post(f"{LIST}{report.public_id}/send/")
    assert len(mail.outbox) == 1
    client.post(f"{LIST}{report.public_id}/delete/")
    assert SavedReport.objects.count() == 0


def test_someone_elses_schedule_is_not_found(client, analyst):
    report = scheduled_report()

    assert client.get(f"{LIST}{report.public_id}/").status_code == 404
    assert client.post(f"{LIST}{report.public_id}/delete/").status_code == 404
    assert SavedReport.objects.count() == 1
