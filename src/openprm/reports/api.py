"""REST endpoints of scheduled reports: the kinds offered, CRUD of the caller's
schedules (a vendor admin's: everyone's) and send now."""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Schema
from ninja.responses import Status

from openprm.core.api import ApiRouter, StrictSchema, as_uuid, lookup
from openprm.core.errors import ValidationFailed
from openprm.reports import permissions, registry, selectors, services
from openprm.reports.models import SavedReport

router = ApiRouter(tags=["scheduled reports"])


class KindOut(Schema):
    code: str
    label: str
    filters: list[str]


class ScheduledReportIn(StrictSchema):
    class Meta:
        model = SavedReport

    name: str
    kind: str
    filters: dict[str, Any] = {}
    file_format: str = "xlsx"
    frequency: str = "weekly"
    weekday: int | None = None
    day_of_month: int | None = None
    recipients: list[str]


class ScheduledReportPatch(StrictSchema):
    class Meta:
        model = SavedReport

    name: str | None = None
    filters: dict[str, Any] | None = None
    file_format: str | None = None
    frequency: str | None = None
    weekday: int | None = None
    day_of_month: int | None = None
    recipients: list[str] | None = None


class ScheduledReportOut(Schema):
    id: UUID
    name: str
    kind: str
    filters: dict[str, Any]
    file_format: str
    frequency: str
    weekday: int | None
    day_of_month: int | None
    recipients: list[str]
    owner: str
    next_run_at: datetime
    last_run_at: datetime | None
    last_error: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: SavedReport) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_owner(obj: SavedReport) -> str:
        return obj.owner.email

    @staticmethod
    def resolve_recipients(obj: SavedReport) -> list[str]:
        return [user.email for user in obj.recipients.all()]


class SentOut(Schema):
    sent: int
    report: ScheduledReportOut


def _recipients(emails: list[str]) -> list:
    users, unknown = selectors.recipients_by_email(emails)
    if unknown:
        raise ValidationFailed(
            field_errors={
                "recipients": [
                    f"No active vendor user has these addresses: {', '.join(unknown)}."
                ]
            }
        )
    return users


def _report(request, report_id) -> SavedReport:
    return lookup(
        request,
        selectors.saved_report_get,
        rule=permissions.SCHEDULE,
        public_id=as_uuid(report_id),
    )


def _fresh(request, report: SavedReport) -> SavedReport:
    return selectors.saved_report_get(user=request.user, public_id=report.public_id)


@router.get(
    "/scheduled-reports/kinds",
    response=list[KindOut],
    summary="The reports that can be scheduled, with their filters",
)
def kind_list(request):
    """The kinds the caller's role may read; ``filters`` names each kind's
    filter fields (the query string of its console page). A list, not paged: the
    kinds are defined in code."""
    permissions.SCHEDULE.ensure(request.user)
    return [
        {
            "code": kind.code,
            "label": str(kind.label),
            "filters": list(kind.form(None, user=request.user).fields),
        }
        for kind in registry.kinds()
        if kind.rule.allows(request.user)
    ]


@router.list(
    "/scheduled-reports",
    response=ScheduledReportOut,
    summary="List scheduled reports",
)
def report_list(request):
    """The caller's own schedules, by name (a vendor admin's: everyone's)."""
    permissions.SCHEDULE.ensure(request.user)
    return selectors.saved_report_list(user=request.user)


@router.post(
    "/scheduled-reports",
    response={201: ScheduledReportOut},
    summary="Schedule a report",
)
def report_create(request, payload: ScheduledReportIn):
    """``filters`` are validated by the kind's form (errors on
    ``filters.<field>``); ``recipients`` are vendor users' email addresses;
    weekly reports need ``weekday`` (0 = Monday), monthly ones ``day_of_month``
    (1-31, a shorter month uses its last day)."""
    permissions.SCHEDULE.ensure(request.user)
    data = payload.model_dump()
    data["recipients"] = _recipients(data["recipients"])
    report = services.saved_report_create(actor=request.user, **data)
    return Status(201, _fresh(request, report))


@router.get(
    "/scheduled-reports/{report_id}",
    response=ScheduledReportOut,
    summary="Get a scheduled report",
)
def report_get(request, report_id: str):
    return _report(request, report_id)


@router.patch(
    "/scheduled-reports/{report_id}",
    response=ScheduledReportOut,
    summary="Change a scheduled report",
)
def report_update(request, report_id: str, payload: ScheduledReportPatch):
    report = _report(request, report_id)
    changes = payload.model_dump(exclude_unset=True)
    if changes.get("recipients") is not None:
        changes["recipients"] = _recipients(changes["recipients"])
    elif "recipients" in changes:
        del changes["recipients"]
    report = services.saved_report_update(actor=request.user, report=report, **changes)
    return _fresh(request, report)


@router.delete(
    "/scheduled-reports/{report_id}",
    response={204: None},
    summary="Delete a scheduled report",
)
def report_delete(request, report_id: str):
    services.saved_report_delete(actor=request.user, report=_report(request, report_id))
    return Status(204, None)


@router.post(
    "/scheduled-reports/{report_id}/send",
    response=SentOut,
    summary="Send a scheduled report now",
)
def report_send(request, report_id: str):
    """Sends it at once to each recipient (the schedule stays); ``sent`` counts
    the emails, ``report.last_error`` says who was not sent it and why."""
    report = _report(request, report_id)
    sent = services.saved_report_send(actor=request.user, report=report)
    return {"sent": sent, "report": _fresh(request, report)}
