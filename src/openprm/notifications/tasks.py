"""Worker jobs of notifications: sending queued emails."""

import logging
from datetime import timedelta

from django.db import transaction
from django_tasks import task

from openprm.core import sweeps
from openprm.notifications import delivery

logger = logging.getLogger(__name__)


@task()
def send_outgoing_emails(email_ids: list[int]) -> None:
    """Send emails that were just committed."""
    for email_id in email_ids:
        delivery.send_one(email_id)


def enqueue_after_commit(email_ids: list[int]) -> None:
    """Hand the emails to the worker once the transaction that wrote them commits."""
    if not email_ids:
        return

    def enqueue() -> None:
        try:
            send_outgoing_emails.enqueue(email_ids)
        except Exception:  # the sweep sends them later; they are safe in the table
            logger.exception("Could not enqueue emails %s", email_ids)

    transaction.on_commit(enqueue)


@sweeps.register(every=timedelta(minutes=1), name="notifications.send_stale_emails")
@task()
def send_stale_emails() -> None:
    """Send emails whose enqueue failed when they were written."""
    delivery.send_stale()


@sweeps.register(every=timedelta(hours=6), name="notifications.prune_emails")
@task()
def prune_emails() -> None:
    """Delete sent and failed emails after thirty days."""
    delivery.prune()
