"""Housekeeping sweeps of the kernel itself."""

from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django_tasks import task

from openprm.core import events, sweeps, worker_loops

FINISHED_TASK_RETENTION_DAYS = 14

worker_loops.register(events.OutboxRelay())


@sweeps.register(every=timedelta(hours=6), name="core.clear_expired_sessions")
@task()
def clear_expired_sessions() -> None:
    """Delete expired web sessions so the session table does not grow forever."""
    call_command("clearsessions")


@sweeps.register(every=timedelta(hours=6), name="core.prune_finished_tasks")
@task()
def prune_finished_tasks() -> None:
    """Delete finished task results of the database queue after two weeks."""
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return
    call_command(
        "prune_db_task_results",
        queue_name="*",
        min_age_days=FINISHED_TASK_RETENTION_DAYS,
        verbosity=0,
    )


@task()
def deliver_event(event_id: int) -> None:
    """Hand a freshly committed event to its subscribers."""
    from openprm.core import events
    from openprm.core.models import OutboxEvent

    event = OutboxEvent.objects.filter(pk=event_id).first()
    if event is not None:
        events.deliver(event)


@sweeps.register(every=timedelta(seconds=15), name="core.deliver_due_events")
@task()
def deliver_due_events() -> None:
    """Retry event deliveries that failed or were cut short by a dying worker."""
    from openprm.core import events

    events.deliver_due()
