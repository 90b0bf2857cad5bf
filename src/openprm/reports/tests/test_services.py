"""Saving, validating and sending scheduled reports."""

import datetime
import io

import pytest
from django.core import mail
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.errors import NotFound, ValidationFailed
from openprm.core.models import AuditEntry
from openprm.funds.tests.factories import allocate, budget
from openprm.reports import services
from openprm.reports.models import SavedReport
from openprm.reports.tests.factories import hours_ago, scheduled_report
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user
from openprm.testing.smtp import body_text

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def pdf_text(content: bytes) -> str:
    return "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(content)).pages
    )


def create(actor, **fields):
    values = {
        "name": "Funds by tier",
        "kind": "funds",
        "filters": {"by": "tier", "currency": "EUR"},
        "file_format": "xlsx",
        "frequency": "weekly",
        "weekday": 0,
        "recipients": [actor],
    }
    values.update(fields)
    return services.saved_report_create(actor=actor, **values)


# --- saving


def test_a_report_is_saved_with_its_filters_and_first_sending(ecosystem):
    admin = VendorUserFactory()
    budget()  # a fund in EUR
    now = timezone.make_aware(datetime.datetime(2026, 12, 2, 9))  # a Wednesday

    report = create(admin, frequency="monthly", day_of_month=31, weekday=3, now=now)

    assert report.filters == {"by": "tier", "currency": "EUR"}
    assert report.weekday is None  # a monthly report has no weekday
    assert report.next_run_at == timezone.make_aware(datetime.datetime(2026, 12, 31, 6))
    assert list(report.recipients.all()) == [admin]
    assert AuditEntry.objects.filter(verb="scheduled_report.created").count() == 1


def test_bad_filters_are_refused_field_by_field_and_nothing_is_saved():
    admin = VendorUserFactory()
    budget()

    with pytest.raises(ValidationFailed) as refused:
        create(admin, filters={"by": "colour", "currency": "XXX", "shade": "red"})

    assert set(refused.value.field_errors) == {
        "filters.by",
        "filters.currency",
        "filters.shade",
    }
    assert SavedReport.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_a_metrics_window_longer_than_36_months_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        scheduled_report(filters={"table": "partners", "months": "48"})

    assert list(refused.value.field_errors) == ["filters.months"]


def test_a_schedule_needs_its_day_format_and_recipients():
    admin = VendorUserFactory()
    budget()

    with pytest.raises(ValidationFailed) as refused:
        create(
            admin,
            frequency="monthly",
            day_of_month=32,
            file_format="csv",
            recipients=[],
        )

    assert set(refused.value.field_errors) == {
        "day_of_month",
        "file_format",
        "recipients",
    }


def test_a_partner_user_cannot_receive_a_scheduled_report():
    admin = VendorUserFactory()
    budget()
    outsider = partner_user(roles=[PartnerRole.PARTNER_ADMIN])

    with pytest.raises(ValidationFailed) as refused:
        create(admin, recipients=[admin, outsider])

    assert list(refused.value.field_errors) == ["recipients"]
    assert outsider.email in str(refused.value.field_errors["recipients"][0])


def test_another_users_schedule_cannot_be_changed_but_an_admin_can():
    report = scheduled_report()
    colleague = VendorUserFactory(vendor_role="analyst")

    with pytest.raises(NotFound):
        services.saved_report_update(actor=colleague, report=report, name="Mine")
    with pytest.raises(NotFound):
        services.saved_report_delete(actor=colleague, report=report)

    services.saved_report_update(actor=VendorUserFactory(), report=report, name="Ok")
    report.refresh_from_db()
    assert report.name == "Ok"


def test_changing_the_schedule_moves_the_next_sending():
    report = scheduled_report(weekday=0)
    now = timezone.make_aware(datetime.datetime(2026, 12, 7, 12))  # a Monday noon

    services.saved_report_update(
        actor=report.owner, report=report, frequency="monthly", day_of_month=10, now=now
    )

    report.refresh_from_db()
    assert report.next_run_at == timezone.make_aware(datetime.datetime(2026, 12, 10, 6))
    entry = AuditEntry.objects.get(verb="scheduled_report.updated")
    assert set(entry.changes) == {"frequency", "weekday", "day_of_month", "next_run_at"}


# --- sending


def test_the_sweep_sends_exactly_the_due_reports_once(ecosystem):
    due = scheduled_report(name="Due", due_at=hours_ago(1))
    also_due = scheduled_report(name="Long overdue", due_at=hours_ago(24 * 40))
    later = scheduled_report(name="Later")
    now = timezone.now()

    assert services.scheduled_reports_send_due(now=now) == 2
    assert services.scheduled_reports_send_due(now=now) == 0

    assert sorted(message.subject for message in mail.outbox) == [
        "Due: Partner performance",
        "Long overdue: Partner performance",
    ]
    for report in (due, also_due):
        report.refresh_from_db()
        assert report.last_run_at == now
        assert report.last_error == ""
        # Once, then the next scheduled time after now (no catching up).
        assert now < report.next_run_at <= now + datetime.timedelta(days=7)
    later.refresh_from_db()
    assert later.last_run_at is None


def test_the_xlsx_attachment_opens_with_the_reports_table(ecosystem):
    scheduled_report(due_at=hours_ago(1))

    services.scheduled_reports_send_due()

    (message,) = mail.outbox
    ((file_name, content, mime),) = message.attachments
    assert file_name.startswith("report-metrics-")
    assert file_name.endswith(".xlsx")
    assert mime == XLSX
    rows = workbook_rows(content)
    assert rows[0][0] == "Partner"
    assert "Won revenue" in rows[0]
    won = rows[0].index("Won revenue")
    assert [(row[0], row[won]) for row in rows[1:]] == [
        ("Nordlicht", 1200),
        ("Sakura", 800),
    ]


def test_the_pdf_attachment_opens_with_the_reports_table(ecosystem):
    admin = VendorUserFactory()
    the_budget = budget()
    allocate(ecosystem[0], the_budget, "2500.00")
    create(admin, file_format="pdf", filters={"by": "partner", "currency": "EUR"})
    SavedReport.objects.update(next_run_at=hours_ago(1))

    services.scheduled_reports_send_due()

    (message,) = mail.outbox
    ((file_name, content, mime),) = message.attachments
    assert file_name.endswith(".pdf")
    assert mime == "application/pdf"
    text = pdf_text(content)
    assert "Fund report" in text
    assert "Nordlicht" in text
    assert "2,500.00" in text


def test_each_recipient_receives_only_the_rows_they_may_see(ecosystem, manager):
    admin = VendorUserFactory(email="admin@example.com")
    scheduled_report(owner=admin, recipients=[admin, manager], due_at=hours_ago(1))

    services.scheduled_reports_send_due()

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"admin@example.com", "cm@example.com"}

    def partners(message):
        return [row[0] for row in workbook_rows(message.attachments[0][1])[1:]]

    assert partners(by_recipient["admin@example.com"]) == ["Nordlicht", "Sakura"]
    # The channel manager sees only their own partner in the console; so here.
    assert partners(by_recipient["cm@example.com"]) == ["Nordlicht"]


def test_a_recipient_who_lost_access_is_not_sent_it_and_the_report_says_so(
    ecosystem,
):
    owner = VendorUserFactory(vendor_role="analyst")
    gone = VendorUserFactory(vendor_role="analyst", email="gone@example.com")
    report = scheduled_report(
        owner=owner, recipients=[owner, gone], due_at=hours_ago(1)
    )
    gone.is_active = False
    gone.save()

    services.scheduled_reports_send_due()

    assert [message.to for message in mail.outbox] == [[owner.email]]
    report.refresh_from_db()
    assert "gone@example.com can no longer read this report" in report.last_error


def test_filters_that_are_no_longer_valid_are_reported_not_sent():
    admin = VendorUserFactory()
    the_budget = budget()
    report = create(
        admin,
        filters={"by": "partner", "currency": "EUR", "period": the_budget.period_id},
    )
    the_budget.delete()  # neither the currency nor the period is offered any more
    type(the_budget.period).objects.all().delete()

    assert services.saved_report_send(actor=admin, report=report) == 0

    assert mail.outbox == []
    report.refresh_from_db()
    assert "The saved filters are no longer valid." in report.last_error


def test_send_now_sends_at_once_and_keeps_the_schedule(ecosystem):
    report = scheduled_report()
    next_run = report.next_run_at

    assert services.saved_report_send(actor=report.owner, report=report) == 1

    report.refresh_from_db()
    assert report.next_run_at == next_run
    assert report.last_run_at is not None
    assert AuditEntry.objects.filter(verb="scheduled_report.sent").count() == 1
    (message,) = mail.outbox
    assert "Weekly performance" in message.body
    assert "/console/insights/scheduled-reports/" in message.body


def test_the_report_travels_through_a_real_smtp_server(ecosystem, smtp_server):
    scheduled_report(file_format="pdf", due_at=hours_ago(1))

    services.scheduled_reports_send_due()

    (received,) = smtp_server.messages
    assert "Partner performance" in received["Subject"]
    assert "attached as PDF" in body_text(received)
    (attached,) = list(received.iter_attachments())
    assert attached.get_content_type() == "application/pdf"
    assert "Nordlicht" in pdf_text(attached.get_content())
