"""Background work of the integrations: sending webhooks, importing partners.

The task functions keep their dotted paths (queued tasks name them); each calls the
module that does the work, and those modules queue a task through this one.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django_tasks import task

from openprm.core import events, sweeps, worker_loops
from openprm.core.models import OutboxEvent
from openprm.integrations.imports import services as services_imports
from openprm.integrations.webhooks import dispatch
from openprm.integrations.webhooks.dispatcher import dispatcher

logger = logging.getLogger(__name__)

worker_loops.register(dispatcher)


@task()
def send_webhook(delivery_id: int) -> None:
    """Send one freshly created (or retried) webhook delivery."""
    dispatch.attempt(delivery_id)


def enqueue_send(delivery_id: int) -> None:
    """Send the delivery once the current transaction commits: the worker's
    dispatcher finds it due by itself; with the immediate backend, a task."""
    if not settings.OPENPRM_OUTBOX_RELAY:
        transaction.on_commit(lambda: _enqueue_send(delivery_id))


def _enqueue_send(delivery_id: int) -> None:
    try:
        send_webhook.enqueue(delivery_id)
    except Exception:  # the sweep sends it later; the delivery row is safe
        logger.exception("Could not enqueue webhook delivery %s", delivery_id)


@sweeps.register(every=timedelta(seconds=15), name="integrations.send_due_webhooks")
@task()
def send_due_webhooks() -> None:
    """Send retries that are due, and deliveries whose task or worker was lost
    (with the worker's dispatcher: fail those to disabled endpoints)."""
    dispatch.send_due()


@task()
def preview_import(job_id: int) -> None:
    """Check every row of an uploaded partner import."""
    services_imports.import_preview(job_id=job_id)


@task()
def run_import(job_id: int) -> None:
    """Write the rows of a confirmed partner import."""
    services_imports.import_run(job_id=job_id)


def id_ranges(ids: list[int]) -> list[list[int]]:
    """Sorted ids as ``[first, last]`` runs of consecutive ids: a batch's events
    have consecutive ids, and a task's arguments are checked and stored value by
    value (a thousand ids cost the import more than the rest of enqueuing)."""
    ranges: list[list[int]] = []
    for pk in sorted(ids):
        if ranges and pk == ranges[-1][1] + 1:
            ranges[-1][1] = pk
        else:
            ranges.append([pk, pk])
    return ranges


@task()
def deliver_import_events(event_ids: list) -> None:
    """Hand a batch of an import's events to their subscribers (one task per batch
    rather than one per event). ``event_ids``: ``[first, last]`` runs of ids
    (``id_ranges``), or ids (tasks queued before runs were used)."""
    wanted = Q(pk__in=[item for item in event_ids if isinstance(item, int)])
    for item in event_ids:
        if not isinstance(item, int):
            wanted |= Q(pk__range=item)
    for event in OutboxEvent.objects.filter(wanted).order_by("pk"):
        events.deliver(event)


from openprm.integrations.crm import tasks as crm_tasks  # noqa: E402, F401 (its tasks and sweep)
