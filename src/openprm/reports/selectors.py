"""Reads of scheduled reports, scoped to the reader."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from openprm.core.errors import NotFound
from openprm.reports.models import SavedReport


def saved_report_list(*, user) -> QuerySet[SavedReport]:
    """The schedules the user may see (a vendor admin's: everyone's), by name,
    with their owners and recipients for the list."""
    return (
        SavedReport.objects.visible_to(user)
        .select_related("owner")
        .prefetch_related("recipients")
    )


def saved_report_get(*, user, public_id) -> SavedReport:
    found = saved_report_list(user=user).filter(public_id=public_id).first()
    if found is None:
        raise NotFound
    return found


def recipient_choices() -> QuerySet:
    """Who may receive a scheduled report: active vendor staff, by email."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(vendor_role="")
        .order_by("email")
    )


def recipients_by_email(emails: list[str]) -> tuple[list, list[str]]:
    """The vendor users with these addresses, and the addresses that are none."""
    wanted = {email.strip().lower() for email in emails}
    found = list(recipient_choices().filter(email__in=wanted))
    known = {user.email.lower() for user in found}
    return found, sorted(wanted - known)


def due(*, now) -> QuerySet[SavedReport]:
    """The schedules whose sending time has come, oldest first."""
    return SavedReport.objects.filter(next_run_at__lte=now).order_by(
        "next_run_at", "id"
    )
