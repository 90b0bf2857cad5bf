"""The deal list and the pipeline as scheduled reports: the pages' filters,
checked again at sending, and each recipient's own access."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.errors import ValidationFailed
from openprm.deals.choices import DealStatus
from openprm.deals.tests.factories import make_deal
from openprm.reports import kinds, services
from openprm.reports.models import SavedReport
from openprm.reports.tests.factories import hours_ago, scheduled_report
from openprm.reports.tests.test_services import workbook_rows

pytestmark = pytest.mark.django_db

CLOSE = datetime.date(2026, 3, 15)


@pytest.fixture
def deals(ecosystem):
    mine, theirs = ecosystem
    make_deal(partner=mine, title="Nordlicht firewall", amount=Decimal("100.00"))
    make_deal(
        partner=mine,
        title="Nordlicht switches",
        status=DealStatus.APPROVED,
        amount=Decimal("300.00"),
        expected_close_date=CLOSE,
    )
    make_deal(partner=theirs, title="Sakura routers", amount=Decimal("900.00"))
    return mine, theirs


def sent_rows(recipient_email: str) -> list[tuple]:
    message = next(item for item in mail.outbox if item.to == [recipient_email])
    return workbook_rows(message.attachments[0][1])


def test_each_recipient_receives_only_the_deals_they_may_see(deals, manager):
    admin = VendorUserFactory(email="admin@example.com")
    scheduled_report(
        owner=admin,
        recipients=[admin, manager],
        kind="deals",
        filters={},
        due_at=hours_ago(1),
    )

    services.scheduled_reports_send_due()

    assert sorted(row[0] for row in sent_rows("admin@example.com")[1:]) == [
        "Nordlicht firewall",
        "Nordlicht switches",
        "Sakura routers",
    ]
    assert sorted(row[0] for row in sent_rows("cm@example.com")[1:]) == [
        "Nordlicht firewall",
        "Nordlicht switches",
    ]


def test_a_deal_report_keeps_the_lists_status_and_search(deals):
    admin = VendorUserFactory(email="admin@example.com")
    report = scheduled_report(
        owner=admin,
        kind="deals",
        filters={"status": "approved", "q": "Nordlicht"},
    )

    assert report.filters == {"status": "approved", "q": "Nordlicht"}
    assert services.saved_report_send(actor=admin, report=report) == 1

    header, *rows = sent_rows("admin@example.com")
    assert header[:3] == ("Opportunity", "Customer", "Partner")
    assert [(row[0], row[2], row[5], row[7], row[8].date()) for row in rows] == [
        ("Nordlicht switches", "Nordlicht", 300, "Approved", CLOSE)
    ]


def test_an_unknown_deal_status_is_refused_and_nothing_is_saved():
    admin = VendorUserFactory()

    with pytest.raises(ValidationFailed) as raised:
        scheduled_report(owner=admin, kind="deals", filters={"status": "lucky"})

    assert list(raised.value.field_errors) == ["filters.status"]
    assert SavedReport.objects.count() == 0


def test_a_deal_report_over_its_row_limit_says_it_holds_the_newest(deals, monkeypatch):
    monkeypatch.setattr(kinds, "MAX_DEAL_ROWS", 2)
    admin = VendorUserFactory(email="admin@example.com")
    report = scheduled_report(owner=admin, kind="deals", filters={})

    services.saved_report_send(actor=admin, report=report)

    assert len(sent_rows("admin@example.com")) == 1 + 2
    assert "the newest 2" in mail.outbox[0].body


def test_each_recipient_receives_only_the_pipeline_of_their_partners(deals, manager):
    admin = VendorUserFactory(email="admin@example.com")
    scheduled_report(
        owner=admin,
        recipients=[admin, manager],
        kind="pipeline",
        filters={"table": "partners"},
        due_at=hours_ago(1),
    )

    services.scheduled_reports_send_due()

    header, *rows = sent_rows("admin@example.com")
    assert header == ("Partner", "Deals", "Amount (EUR)", "Weighted (EUR)")
    assert sorted((row[0], row[1], row[2]) for row in rows) == [
        ("Nordlicht", 2, 400),
        ("Sakura", 1, 900),
    ]
    assert [(row[0], row[2]) for row in sent_rows("cm@example.com")[1:]] == [
        ("Nordlicht", 400)
    ]


def test_a_pipeline_forecast_keeps_the_pages_close_dates(deals):
    admin = VendorUserFactory(email="admin@example.com")
    report = scheduled_report(
        owner=admin,
        kind="pipeline",
        filters={
            "table": "months",
            "close_from": "2026-03-01",
            "close_to": "2026-03-31",
        },
    )

    services.saved_report_send(actor=admin, report=report)

    assert [(row[0], row[1], row[2]) for row in sent_rows("admin@example.com")[1:]] == [
        ("2026-03", 1, 300)
    ]


def test_pipeline_dates_in_the_wrong_order_are_refused():
    admin = VendorUserFactory()

    with pytest.raises(ValidationFailed) as raised:
        scheduled_report(
            owner=admin,
            kind="pipeline",
            filters={
                "table": "months",
                "close_from": "2026-04-01",
                "close_to": "2026-03-01",
            },
        )

    assert list(raised.value.field_errors) == ["filters.close_to"]
    assert SavedReport.objects.count() == 0


def test_a_pipeline_narrowed_to_a_partner_a_recipient_cannot_see_is_not_sent_to_them(
    deals, manager
):
    _mine, theirs = deals
    admin = VendorUserFactory(email="admin@example.com")
    report = scheduled_report(
        owner=admin,
        recipients=[admin, manager],
        kind="pipeline",
        filters={"table": "stages", "partner": str(theirs.pk)},
    )

    assert services.saved_report_send(actor=admin, report=report) == 1

    assert [message.to for message in mail.outbox] == [["admin@example.com"]]
    report.refresh_from_db()
    assert "cm@example.com: The saved filters are no longer valid." in (
        report.last_error
    )
