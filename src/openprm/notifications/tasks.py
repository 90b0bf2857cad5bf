"""Worker jobs of notifications: sending queued emails."""

from datetime import timedelta

from django_tasks import task

from openprm.core import sweeps


@task()
def send_outgoing_emails(email_ids: list[int]) -> None:
    """Send emails that were just committed."""
    from openprm.notifications.delivery import send_one

    for email_id in email_ids:
        send_one(email_id)


@sweeps.register(every=timedelta(minutes=1), name="notifications.send_stale_emails")
@task()
def send_stale_emails() -> None:
    """Send emails whose enqueue failed when they were written."""
    from openprm.notifications.delivery import send_stale

    send_stale()


@sweeps.register(every=timedelta(hours=6), name="notifications.prune_emails")
@task()
def prune_emails() -> None:
    """Delete sent and failed emails after thirty days."""
    from openprm.notifications.delivery import prune

    prune()
