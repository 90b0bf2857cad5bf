"""Tasks of the database queue whose worker died go back to the queue.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it
again: a worker killed by SIGKILL, by the out-of-memory killer or with its machine
leaves the task RUNNING for ever (django-tasks-db issue #5, open). So each
``openprm worker`` holds a lease (``WorkerLease``), renewed from a thread of its
own every quarter of ``OPENPRM_WORKER_LEASE_SECONDS`` for as long as the process
lives, and every worker looks, at each renewal, for running tasks whose worker's
lease has run out: those go back to READY and run again (at least once, as every
task here must bear). A task that has taken down ``MAX_ATTEMPTS`` workers is
marked FAILED instead (``WorkerLost``), so that one poisonous task cannot kill
workers for ever.
"""

import logging
import os
import socket
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from openprm.core.models import WorkerLease

logger = logging.getLogger("openprm.worker")

# Workers a task may take down (one claim each) before it is failed, not retried.
MAX_ATTEMPTS = 3
# Leases that ran out this long ago are deleted: nothing running refers to them.
FORGET_AFTER = timedelta(days=1)


class WorkerLost(Exception):
    """The worker running a task stopped without finishing it."""


def new_worker_id() -> str:
    """A worker id unique across machines and restarts, readable in the admin."""
    host = socket.gethostname()[:32]
    return f"{host}-{os.getpid()}-{get_random_string(8)}"


def lease_duration() -> timedelta:
    return timedelta(seconds=settings.OPENPRM_WORKER_LEASE_SECONDS)


def lease_renew(*, worker_id: str, now: datetime | None = None) -> None:
    """Take or extend ``worker_id``'s lease by one lease duration from now."""
    now = now or timezone.now()
    renewed = WorkerLease.objects.filter(worker_id=worker_id).update(
        expires_at=now + lease_duration()
    )
    if not renewed:
        WorkerLease.objects.create(
            worker_id=worker_id,
            hostname=socket.gethostname()[:255],
            pid=os.getpid(),
            started_at=now,
            expires_at=now + lease_duration(),
        )


def lease_release(*, worker_id: str) -> None:
    """A worker stopping cleanly gives its lease up."""
    WorkerLease.objects.filter(worker_id=worker_id).delete()


def recover_lost_tasks(*, now: datetime | None = None) -> list[str]:
    """Put the running tasks whose worker's lease ran out back in the queue, or
    fail them after ``MAX_ATTEMPTS``; return their ids."""
    now = now or timezone.now()
    live = set(
        WorkerLease.objects.filter(expires_at__gt=now).values_list(
            "worker_id", flat=True
        )
    )
    # A task claimed less than a lease ago is never taken back, whoever runs it.
    running = DBTaskResult.objects.running().filter(
        started_at__lt=now - lease_duration()
    )
    recovered = []
    for task in running.only("id", "worker_ids", "started_at", "task_path"):
        worker_id = task.worker_ids[-1] if task.worker_ids else None
        if worker_id in live:
            continue
        # The claim as it was read: a task claimed again meanwhile is left alone.
        unchanged = DBTaskResult.objects.filter(
            id=task.id, status=TaskResultStatus.RUNNING, started_at=task.started_at
        )
        with transaction.atomic():
            if len(task.worker_ids) >= MAX_ATTEMPTS:
                moved = unchanged.update(
                    status=TaskResultStatus.FAILED,
                    finished_at=now,
                    exception_class_path=f"{__name__}.WorkerLost",
                    traceback=(
                        f"{WorkerLost.__name__}: {len(task.worker_ids)} workers "
                        f"stopped while running this task (last: {worker_id})\n"
                    ),
                )
            else:
                moved = unchanged.update(status=TaskResultStatus.READY, started_at=None)
        if moved:
            logger.warning(
                "Task %s (%s) was running under worker %s, which stopped; %s",
                task.id,
                task.task_path,
                worker_id,
                "failed it"
                if len(task.worker_ids) >= MAX_ATTEMPTS
                else "queued it again",
            )
            recovered.append(str(task.id))
    WorkerLease.objects.filter(expires_at__lt=now - FORGET_AFTER).delete()
    return recovered
