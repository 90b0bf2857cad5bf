"""Reads of the CRM sync: vendor admins only, others see none."""

from datetime import timedelta
from statistics import median
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from openprm.core.errors import NotFound
from openprm.integrations.crm.models import (
    ChangeStatus,
    ConflictStatus,
    CrmConnection,
    DecisionStatus,
    MatchDecision,
    Outcome,
    OutgoingChange,
    RunStatus,
    SyncConflict,
    SyncLogEntry,
    SyncMapping,
    SyncRun,
)
from openprm.integrations.permissions import MANAGE_CRM_SYNC

HEALTH_WINDOW = timedelta(hours=24)


def crm_connection_list_visible_to(*, user) -> QuerySet[CrmConnection]:
    if not MANAGE_CRM_SYNC.allows(user):
        return CrmConnection.objects.none()
    return CrmConnection.objects.annotate(
        pending_decisions=Count(
            "decisions", filter=Q(decisions__status=DecisionStatus.PENDING)
        ),
    ).order_by("name", "id")


def crm_connection_get(*, user, public_id: UUID | str) -> CrmConnection:
    found = (
        crm_connection_list_visible_to(user=user).filter(public_id=public_id).first()
    )
    if found is None:
        raise NotFound
    return found


def crm_connection_by_name(*, user, name: str) -> CrmConnection:
    found = crm_connection_list_visible_to(user=user).filter(name__iexact=name).first()
    if found is None:
        raise NotFound
    return found


def crm_run_list_visible_to(
    *, user, connection: CrmConnection | None = None
) -> QuerySet[SyncRun]:
    if not MANAGE_CRM_SYNC.allows(user):
        return SyncRun.objects.none()
    runs = SyncRun.objects.select_related("connection")
    if connection is not None:
        runs = runs.filter(connection=connection)
    return runs.order_by("-created_at", "-id")


def crm_run_get(*, user, public_id: UUID | str) -> SyncRun:
    found = crm_run_list_visible_to(user=user).filter(public_id=public_id).first()
    if found is None:
        raise NotFound
    return found


def crm_log_visible_to(
    *,
    user,
    connection: CrmConnection | None = None,
    outcome: str = "",
    local_id: int | None = None,
) -> QuerySet[SyncLogEntry]:
    if not MANAGE_CRM_SYNC.allows(user):
        return SyncLogEntry.objects.none()
    entries = SyncLogEntry.objects.select_related("connection", "run")
    if connection is not None:
        entries = entries.filter(connection=connection)
    if outcome:
        entries = entries.filter(outcome=outcome)
    if local_id is not None:
        entries = entries.filter(local_id=local_id)
    return entries.order_by("-created_at", "-id")


def crm_decision_list_visible_to(
    *, user, connection: CrmConnection | None = None, pending_only: bool = True
) -> QuerySet[MatchDecision]:
    if not MANAGE_CRM_SYNC.allows(user):
        return MatchDecision.objects.none()
    decisions = MatchDecision.objects.select_related("connection")
    if connection is not None:
        decisions = decisions.filter(connection=connection)
    if pending_only:
        decisions = decisions.filter(status=DecisionStatus.PENDING)
    return decisions.order_by("-created_at", "-id")


def crm_decision_get(*, user, public_id: UUID | str) -> MatchDecision:
    found = (
        crm_decision_list_visible_to(user=user, pending_only=False)
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise NotFound
    return found


def crm_dead_letters(*, user, connection: CrmConnection) -> QuerySet[OutgoingChange]:
    if not MANAGE_CRM_SYNC.allows(user):
        return OutgoingChange.objects.none()
    return OutgoingChange.objects.filter(
        connection=connection, status=ChangeStatus.DEAD
    ).order_by("-updated_at", "-id")


def crm_dead_letter_get(*, user, connection: CrmConnection, pk: int) -> OutgoingChange:
    found = crm_dead_letters(user=user, connection=connection).filter(pk=pk).first()
    if found is None:
        raise NotFound
    return found


def crm_mappings(*, connection: CrmConnection) -> list[SyncMapping]:
    """The current version of each kind of record's mapping."""
    latest: dict[str, SyncMapping] = {}
    for found in connection.mappings.order_by("object_type", "-version"):
        latest.setdefault(found.object_type, found)
    return list(latest.values())


def crm_health(*, connection: CrmConnection, now=None) -> dict:
    """The connection's health over the last day: runs, error rate, records
    waiting, outgoing lag (median and worst of the changes sent)."""
    now = now or timezone.now()
    since = now - HEALTH_WINDOW
    outcomes = dict(
        SyncLogEntry.objects.filter(connection=connection, created_at__gte=since)
        .values("outcome")
        .annotate(total=Count("id"))
        .values_list("outcome", "total")
    )
    handled = sum(outcomes.values())
    runs = dict(
        SyncRun.objects.filter(connection=connection, created_at__gte=since)
        .values("status")
        .annotate(total=Count("id"))
        .values_list("status", "total")
    )
    sent = list(
        OutgoingChange.objects.filter(
            connection=connection, status=ChangeStatus.DONE, updated_at__gte=since
        )
        .order_by("-updated_at")
        .values_list("created_at", "updated_at")[:200]
    )
    lags = sorted((done - queued).total_seconds() for queued, done in sent)
    pending = OutgoingChange.objects.filter(
        connection=connection, status=ChangeStatus.PENDING
    )
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    return {
        "runs_done": runs.get(RunStatus.DONE, 0),
        "runs_failed": runs.get(RunStatus.FAILED, 0),
        "records": handled,
        "errors": outcomes.get(Outcome.ERROR, 0),
        "error_rate": round(100 * outcomes.get(Outcome.ERROR, 0) / handled, 1)
        if handled
        else 0.0,
        "conflicts": outcomes.get(Outcome.CONFLICT, 0),
        "pending_changes": pending.count(),
        "dead_letters": OutgoingChange.objects.filter(
            connection=connection, status=ChangeStatus.DEAD
        ).count(),
        "lag_median_seconds": round(median(lags), 1) if lags else None,
        "lag_max_seconds": round(lags[-1], 1) if lags else None,
        "oldest_pending_seconds": round((now - oldest).total_seconds())
        if oldest
        else None,
    }


def crm_connection_named(*, name: str) -> CrmConnection | None:
    """A connection by its name, for the command line (run by the operator)."""
    return CrmConnection.objects.filter(name__iexact=name).first()


def crm_conflict_list_visible_to(
    *, user, connection: CrmConnection | None = None, pending_only: bool = True
) -> QuerySet[SyncConflict]:
    """The "ask a person" conflicts, both values side by side."""
    if not MANAGE_CRM_SYNC.allows(user):
        return SyncConflict.objects.none()
    conflicts = SyncConflict.objects.select_related("connection")
    if connection is not None:
        conflicts = conflicts.filter(connection=connection)
    if pending_only:
        conflicts = conflicts.filter(status=ConflictStatus.PENDING)
    return conflicts.order_by("-created_at", "-id")


def crm_conflict_get(*, user, public_id: UUID | str) -> SyncConflict:
    found = (
        crm_conflict_list_visible_to(user=user, pending_only=False)
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise NotFound
    return found
