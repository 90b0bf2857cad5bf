"""Scheduled reports made through the service, and the ecosystem they read."""

import datetime

from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.reports import services


def scheduled_report(
    *,
    owner=None,
    recipients=None,
    kind="metrics",
    filters=None,
    file_format="xlsx",
    frequency="weekly",
    weekday=0,
    day_of_month=None,
    name="Weekly performance",
    due_at=None,
):
    """A saved report (through the service); ``due_at`` moves its next sending."""
    owner = owner or VendorUserFactory(vendor_role="analyst")
    report = services.saved_report_create(
        actor=owner,
        name=name,
        kind=kind,
        filters={"table": "partners"} if filters is None else filters,
        file_format=file_format,
        frequency=frequency,
        weekday=weekday if frequency == "weekly" else None,
        day_of_month=day_of_month,
        recipients=recipients or [owner],
    )
    if due_at is not None:
        report.next_run_at = due_at
        report.save(update_fields=["next_run_at"])
    return report


def hours_ago(hours: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=hours)
