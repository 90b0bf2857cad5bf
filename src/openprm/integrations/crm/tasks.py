"""Background work of the CRM sync: runs, the sending of outgoing changes, and the
sweep that starts scheduled runs and takes over runs whose worker died."""

import contextlib
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from openprm.core import events, sweeps
from openprm.integrations.crm import engine, services
from openprm.integrations.crm.connectors.base import ConnectorError
from openprm.integrations.crm.models import (
    ChangeStatus,
    CrmConnection,
    Direction,
    Outcome,
    OutgoingChange,
    RunStatus,
    RunTrigger,
    SyncLogEntry,
    SyncRun,
)

logger = logging.getLogger(__name__)

# Attempts of an outgoing change before it is given up (the dead-letter list); the
# delay doubles from FIRST_RETRY up to MAX_RETRY.
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=2)
CLAIM = timedelta(minutes=5)
SEND_BATCH = 100


def stale_after() -> timedelta:
    return timedelta(seconds=settings.OPENPRM_SYNC_RUN_STALE_SECONDS)


@task()
def run_sync(run_id: int) -> None:
    """Carry out (or resume) one sync run."""
    run = services.crm_run_claim(run_id=run_id, stale_after=stale_after())
    if run is not None:
        engine.run_execute(run)


def enqueue_run(run_id: int) -> None:
    transaction.on_commit(lambda: _enqueue(run_sync, run_id))


def _enqueue(task_function, *args) -> None:
    try:
        task_function.enqueue(*args)
    except Exception:  # the sweep picks it up later; the row is safe
        logger.exception("Could not enqueue %s%s", task_function.name, args)


@task()
def send_due_changes() -> None:
    """Send the outgoing changes that are due."""
    send_due()


def enqueue_send_due() -> None:
    transaction.on_commit(lambda: _enqueue(send_due_changes))


def retry_delay(attempts: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), MAX_RETRY)


def _claim(now) -> list[OutgoingChange]:
    due = list(
        OutgoingChange.objects.filter(
            events.claimable(now),
            status=ChangeStatus.PENDING,
            next_attempt_at__lte=now,
            connection__is_active=True,
        )
        .select_related("connection", "connection__run_as")
        .order_by("next_attempt_at", "id")[:SEND_BATCH]
    )
    claimed = []
    for change in due:
        # The conditional update is the claim: one worker per change.
        if OutgoingChange.objects.filter(
            pk=change.pk, status=ChangeStatus.PENDING, locked_until=change.locked_until
        ).update(locked_until=now + CLAIM):
            claimed.append(change)
    return claimed


def send_due(*, now=None) -> int:
    """Send due outgoing changes, connection by connection; return how many were
    handled. A connection whose CRM cannot be reached has its changes retried
    later, with backoff, and the others go on."""
    now = now or timezone.now()
    changes = _claim(now)
    syncs: dict[tuple, engine.ObjectSync | Exception] = {}
    for change in changes:
        key = (change.connection_id, change.object_type)
        if key not in syncs:
            try:
                connector = engine.connector_of(change.connection)
                syncs[key] = engine.ObjectSync(
                    connection=change.connection,
                    connector=connector,
                    object_type=change.object_type,
                )
            except (engine.RunStopped, ConnectorError) as error:
                syncs[key] = error
        sync = syncs[key]
        if isinstance(sync, Exception):
            _failed(change, str(sync), now=now)
            continue
        try:
            in_step = sync.send(change.local_id, raise_stops=True)
        except ConnectorError as error:
            syncs[key] = error  # the CRM is down or refuses us: the rest waits
            _failed(change, error.message, now=now)
            continue
        if in_step:
            OutgoingChange.objects.filter(pk=change.pk).update(
                status=ChangeStatus.DONE, locked_until=None, last_error=""
            )
        else:
            last = (
                SyncLogEntry.objects.filter(
                    connection=change.connection,
                    local_id=change.local_id,
                    outcome=Outcome.ERROR,
                )
                .order_by("-id")
                .values_list("message", flat=True)
                .first()
            )
            _failed(change, last or "", now=now, logged=True)
    return len(changes)


def _failed(change: OutgoingChange, message: str, *, now, logged: bool = False) -> None:
    attempts = change.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        OutgoingChange.objects.filter(pk=change.pk).update(
            status=ChangeStatus.DEAD, attempts=attempts, locked_until=None,
            last_error=message,
        )  # fmt: skip
        if not logged:
            SyncLogEntry.objects.create(
                connection=change.connection, object_type=change.object_type,
                direction=Direction.OUT, outcome=Outcome.ERROR,
                local_id=change.local_id,
                message=f"Given up after {attempts} attempts: {message}",
            )  # fmt: skip
        return
    OutgoingChange.objects.filter(pk=change.pk).update(
        attempts=attempts,
        locked_until=None,
        next_attempt_at=now + retry_delay(attempts),
        last_error=message,
    )


@sweeps.register(every=timedelta(seconds=30), name="integrations.crm_sync")
@task()
def crm_sync_sweep() -> None:
    """Start the scheduled runs that are due, take over runs whose worker died, and
    send the outgoing changes that are due."""
    sweep()


def sweep(*, now=None) -> None:
    now = now or timezone.now()
    for run in SyncRun.objects.filter(
        status=RunStatus.RUNNING, heartbeat_at__lt=now - stale_after()
    ).only("pk"):
        _enqueue(run_sync, run.pk)
    for run in SyncRun.objects.filter(
        status=RunStatus.QUEUED, created_at__lt=now - stale_after()
    ).only("pk"):
        _enqueue(run_sync, run.pk)
    due = CrmConnection.objects.filter(
        is_active=True, schedule_minutes__gt=0, next_run_at__lte=now
    )
    for connection in due:
        claimed = CrmConnection.objects.filter(
            pk=connection.pk, next_run_at=connection.next_run_at
        ).update(next_run_at=now + timedelta(minutes=connection.schedule_minutes))
        if claimed and connection.object_types:
            # A conflict: the previous run is still going.
            with contextlib.suppress(services.Conflict):
                services.crm_run_start(
                    actor=None, connection=connection, trigger=RunTrigger.SCHEDULE
                )
    send_due(now=now)
