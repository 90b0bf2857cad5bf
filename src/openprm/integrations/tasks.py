"""Background work of the integrations: sending webhooks, importing partners."""

from datetime import timedelta

from django_tasks import task

from openprm.core import sweeps


@task()
def send_webhook(delivery_id: int) -> None:
    """Send one freshly created (or retried) webhook delivery."""
    from openprm.integrations import dispatch

    dispatch.attempt(delivery_id)


@sweeps.register(every=timedelta(seconds=15), name="integrations.send_due_webhooks")
@task()
def send_due_webhooks() -> None:
    """Send retries that are due, and deliveries whose task or worker was lost."""
    from openprm.integrations import dispatch

    dispatch.send_due()


@task()
def preview_import(job_id: int) -> None:
    """Check every row of an uploaded partner import."""
    from openprm.integrations import services_imports

    services_imports.import_preview(job_id=job_id)


@task()
def run_import(job_id: int) -> None:
    """Write the rows of a confirmed partner import."""
    from openprm.integrations import services_imports

    services_imports.import_run(job_id=job_id)


@task()
def deliver_import_events(event_ids: list[int]) -> None:
    """Hand a batch of an import's events to their subscribers (one task per batch
    rather than one per event)."""
    from openprm.core import events
    from openprm.core.models import OutboxEvent

    for event in OutboxEvent.objects.filter(pk__in=event_ids).order_by("pk"):
        events.deliver(event)
