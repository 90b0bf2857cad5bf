"""Writes of scheduled reports, and their sending (by the worker's sweep, or at
once with **Send now**)."""

import logging
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openprm.core import audit, branding
from openprm.core.errors import ApplicationError, NotFound, ValidationFailed
from openprm.notifications.delivery import branded_body
from openprm.notifications.services import absolute_url
from openprm.reports import permissions, registry, rendering, schedule, selectors
from openprm.reports.choices import Frequency, ReportFormat, Weekday
from openprm.reports.models import SavedReport

logger = logging.getLogger(__name__)

AUDITED = (
    "name",
    "kind",
    "filters",
    "file_format",
    "frequency",
    "weekday",
    "day_of_month",
    "next_run_at",
)
MAX_RECIPIENTS = 50
# Reports one sweep sends at most; the next sweep (15 minutes on) sends the rest.
SWEEP_BATCH = 200


def _checked(
    *,
    actor,
    kind: str,
    filters,
    name: str,
    file_format: str,
    frequency: str,
    weekday: int | None,
    day_of_month: int | None,
    recipients: list,
) -> tuple[registry.ReportKind, dict, int | None, int | None]:
    """The report's kind, its kept filters and its schedule day, or every
    problem at once as field errors."""
    errors: dict[str, list[str]] = {}
    found = registry.get_kind(kind)
    if found is None:
        errors["kind"] = [_("Choose one of the reports offered.")]
    elif not found.rule.allows(actor):
        errors["kind"] = [_("Your role cannot read this report.")]
    if not name.strip():
        errors["name"] = [_("Give the report a name.")]
    if file_format not in ReportFormat.values:
        errors["file_format"] = [_("Choose XLSX or PDF.")]
    if frequency == Frequency.WEEKLY:
        day_of_month = None
        if weekday not in Weekday.values:
            errors["weekday"] = [_("Choose the day of the week it is sent.")]
    elif frequency == Frequency.MONTHLY:
        weekday = None
        if day_of_month is None or not 1 <= day_of_month <= 31:
            errors["day_of_month"] = [
                _("Choose a day from 1 to 31 (a shorter month uses its last day).")
            ]
    else:
        errors["frequency"] = [_("Choose weekly or monthly.")]
    if not recipients:
        errors["recipients"] = [_("Choose at least one recipient.")]
    elif len(recipients) > MAX_RECIPIENTS:
        errors["recipients"] = [
            _("At most %(count)s recipients.") % {"count": MAX_RECIPIENTS}
        ]
    elif found is not None:
        refused = [
            user.email
            for user in recipients
            if not user.is_vendor_staff or not found.rule.allows(user)
        ]
        if refused:
            errors["recipients"] = [
                _("These people cannot read this report: %(emails)s.")
                % {"emails": ", ".join(refused)}
            ]
    kept = {}
    if found is not None:
        try:
            kept = registry.clean_filters(found, filters, user=actor)
        except ValidationFailed as error:
            errors.update(error.field_errors)
    if errors:
        raise ValidationFailed(field_errors=errors)
    return found, kept, weekday, day_of_month


@transaction.atomic
def saved_report_create(
    *,
    actor,
    name: str,
    kind: str,
    filters: dict,
    file_format: str,
    frequency: str,
    weekday: int | None = None,
    day_of_month: int | None = None,
    recipients: list,
    now=None,
) -> SavedReport:
    """Save a report with its filters and its schedule; the first sending is the
    first scheduled time from now."""
    permissions.SCHEDULE.ensure(actor)
    _kind, kept, weekday, day_of_month = _checked(
        actor=actor,
        kind=kind,
        filters=filters,
        name=name,
        file_format=file_format,
        frequency=frequency,
        weekday=weekday,
        day_of_month=day_of_month,
        recipients=recipients,
    )
    report = SavedReport.objects.create(
        owner=actor,
        name=name.strip(),
        kind=kind,
        filters=kept,
        file_format=file_format,
        frequency=frequency,
        weekday=weekday,
        day_of_month=day_of_month,
        next_run_at=schedule.next_run_after(
            now or timezone.now(),
            frequency=frequency,
            weekday=weekday,
            day_of_month=day_of_month,
        ),
    )
    report.recipients.set(recipients)
    audit.record_create(
        actor=actor, instance=report, fields=AUDITED, verb="scheduled_report.created"
    )
    return report


def _ensure_may_change(actor, report: SavedReport) -> None:
    permissions.SCHEDULE.ensure(actor)
    # The selector already hides others' schedules; this holds for any caller.
    if report.owner_id != actor.pk and not permissions.MANAGE_ALL.allows(actor):
        raise NotFound


@transaction.atomic
def saved_report_update(
    *, actor, report: SavedReport, now=None, **changes
) -> SavedReport:
    """Change a schedule (the fields given); a changed schedule moves the next
    sending to the first new scheduled time from now."""
    _ensure_may_change(actor, report)
    recipients = changes.pop("recipients", None)
    if recipients is None:
        recipients = list(report.recipients.all())
    values = {
        "name": report.name,
        "kind": report.kind,
        "filters": report.filters,
        "file_format": report.file_format,
        "frequency": report.frequency,
        "weekday": report.weekday,
        "day_of_month": report.day_of_month,
    }
    unknown = set(changes) - set(values)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    values.update(changes)
    _kind, kept, weekday, day_of_month = _checked(
        actor=actor, recipients=recipients, **values
    )
    before = audit.snapshot(report, AUDITED)
    rescheduled = (
        values["frequency"],
        weekday,
        day_of_month,
    ) != (report.frequency, report.weekday, report.day_of_month)
    report.name = values["name"].strip()
    report.kind = values["kind"]
    report.filters = kept
    report.file_format = values["file_format"]
    report.frequency = values["frequency"]
    report.weekday = weekday
    report.day_of_month = day_of_month
    if rescheduled:
        report.next_run_at = schedule.next_run_after(
            now or timezone.now(),
            frequency=report.frequency,
            weekday=weekday,
            day_of_month=day_of_month,
        )
    report.save()
    report.recipients.set(recipients)
    audit.record_change(
        actor=actor, instance=report, before=before, verb="scheduled_report.updated"
    )
    return report


@transaction.atomic
def saved_report_delete(*, actor, report: SavedReport) -> None:
    _ensure_may_change(actor, report)
    audit.record_delete(
        actor=actor, instance=report, fields=AUDITED, verb="scheduled_report.deleted"
    )
    report.delete()


# --- sending


def _message(report: SavedReport, kind, recipient) -> EmailMessage:
    """The email of one recipient, with the table read as that recipient may
    see it in the console."""
    table = registry.report_table(kind, report.filters, user=recipient)
    file_name, content, mime = rendering.attachment(
        table, report.file_format, name=f"report-{report.kind}"
    )
    brand = branding.current()
    body = _(
        "Your scheduled report “%(name)s” (%(kind)s): %(subtitle)s.\n"
        "%(rows)s row(s), attached as %(format)s. The figures are those you see "
        "in the console with your access.\n\n"
        "Change or stop it under Insights → Scheduled reports:\n%(url)s"
    ) % {
        "name": report.name,
        "kind": kind.label,
        "subtitle": table.subtitle or table.title,
        "rows": len(table.rows),
        "format": report.file_format.upper(),
        "url": absolute_url(reverse("console:scheduled_reports")),
    }
    message = EmailMessage(
        subject=_("%(name)s: %(title)s") % {"name": report.name, "title": table.title},
        body=branded_body(body, brand),
        from_email=formataddr((brand.name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1])),
        to=[recipient.email],
    )
    message.attach(file_name, content, mime)
    return message


def _deliver(report: SavedReport, *, now) -> int:
    """Send the report to each recipient who may still read it; record when and
    what went wrong. Returns how many emails were sent."""
    kind = registry.get_kind(report.kind)
    problems: list[str] = []
    sent = 0
    if kind is None:
        problems.append(_("This report is no longer offered."))
    else:
        for recipient in report.recipients.all():
            if not kind.rule.allows(recipient):
                problems.append(
                    _("%(email)s can no longer read this report: not sent.")
                    % {"email": recipient.email}
                )
                continue
            try:
                _message(report, kind, recipient).send()
            except ApplicationError as error:
                problems.append(f"{recipient.email}: {error.message}")
            except Exception as error:  # an SMTP refusal, a connection error
                logger.warning(
                    "Scheduled report %s to %s failed: %s",
                    report.pk,
                    recipient.email,
                    error,
                )
                problems.append(f"{recipient.email}: {type(error).__name__}: {error}")
            else:
                sent += 1
    SavedReport.objects.filter(pk=report.pk).update(
        last_run_at=now, last_error="\n".join(problems)[:4000], updated_at=now
    )
    report.last_run_at, report.last_error = now, "\n".join(problems)[:4000]
    return sent


def saved_report_send(*, actor, report: SavedReport, now=None) -> int:
    """**Send now**: the report goes out at once (the schedule stays)."""
    _ensure_may_change(actor, report)
    now = now or timezone.now()
    before = audit.snapshot(report, ["last_run_at"])
    sent = _deliver(report, now=now)
    audit.record_change(
        actor=actor, instance=report, before=before, verb="scheduled_report.sent"
    )
    return sent


def scheduled_reports_send_due(*, now=None) -> int:
    """Send every report whose time has come, once: each is claimed by moving
    its next sending forward (a conditional UPDATE, so two workers never both
    send it), then sent. Returns how many reports were sent."""
    now = now or timezone.now()
    done = 0
    # A list, not a cursor: the loop writes the rows it read (SQLite has no
    # isolation between a connection's queries).
    for report in list(selectors.due(now=now)[:SWEEP_BATCH]):
        following = schedule.next_run_after(
            now,
            frequency=report.frequency,
            weekday=report.weekday,
            day_of_month=report.day_of_month,
        )
        claimed = SavedReport.objects.filter(
            pk=report.pk, next_run_at=report.next_run_at
        ).update(next_run_at=following)
        if not claimed:
            continue
        report.next_run_at = following
        _deliver(report, now=now)
        done += 1
    return done
