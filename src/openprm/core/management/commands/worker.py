import logging
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from openprm.core import task_recovery, worker_loops
from openprm.core.sweeps import enqueue_due_sweeps, registered

logger = logging.getLogger("openprm.worker")


def run_sweep_scheduler(*, poll_seconds: float, stop: threading.Event) -> None:
    """Enqueue due sweeps until ``stop`` is set; survive database hiccups."""
    while not stop.is_set():
        try:
            for name in enqueue_due_sweeps():
                logger.info("Enqueued sweep %s", name)
        except Exception:
            logger.exception("Could not enqueue due sweeps; trying again")
        finally:
            close_old_connections()
        stop.wait(poll_seconds)


def run_lease_keeper(*, worker_id: str, stop: threading.Event) -> None:
    """Renew the worker's lease and take back the tasks of dead workers, every
    quarter of a lease, until ``stop`` is set; survive database hiccups."""
    period = settings.OPENPRM_WORKER_LEASE_SECONDS / 4
    while not stop.wait(period):
        try:
            task_recovery.lease_renew(worker_id=worker_id)
            task_recovery.recover_lost_tasks()
        except Exception:
            logger.exception("Could not renew the worker's lease; trying again")
        finally:
            close_old_connections()


class Command(BaseCommand):
    help = (
        "Run the background worker: execute queued tasks and enqueue the periodic "
        "sweeps (SLAs, expiries, re-evaluations) when they are due. Uses the queue "
        "chosen by TASKS_BACKEND (database by default, or redis)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait when the queue is empty (database queue).",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Enqueue due sweeps once, run every queued task, then exit.",
        )

    def handle(self, *args, interval: float, batch: bool, verbosity: int, **options):
        backend = settings.TASKS["default"]["BACKEND"]
        names = ", ".join(sweep.name for sweep in registered()) or "none"
        self.stdout.write(f"OpenPRM worker: queue {backend}; sweeps: {names}")
        # The outbox relay and webhook sending (core.worker_loops), with a real queue.
        loops = settings.OPENPRM_OUTBOX_RELAY
        if batch:
            enqueue_due_sweeps()
            if loops:
                worker_loops.run_once()
            self._run_tasks(backend, interval=interval, batch=True, verbosity=verbosity)
            if loops:
                worker_loops.run_once()
            return
        stop = threading.Event()
        scheduler = threading.Thread(
            target=run_sweep_scheduler,
            kwargs={"poll_seconds": settings.OPENPRM_SWEEP_POLL_SECONDS, "stop": stop},
            name="sweep-scheduler",
            daemon=True,
        )
        scheduler.start()
        threads = worker_loops.start(stop) if loops else []
        try:
            self._run_tasks(
                backend, interval=interval, batch=False, verbosity=verbosity
            )
        finally:
            stop.set()
            worker_loops.join(threads, timeout=15)

    def _run_tasks(self, backend: str, *, interval: float, batch: bool, verbosity: int):
        if backend == "django_tasks_db.DatabaseBackend":
            self._run_database_queue(
                interval=interval, batch=batch, verbosity=verbosity
            )
        elif backend == "django_tasks_rq.RQBackend":
            rq_args = ["--job-class", "django_tasks_rq.Job", "default"]
            if batch:
                rq_args.append("--burst")
            call_command("rqworker", *rq_args)
        elif not batch:
            # The immediate backend runs tasks where they are enqueued; only the
            # sweep scheduler has work to do here.
            while True:
                time.sleep(3600)

    def _run_database_queue(self, *, interval: float, batch: bool, verbosity: int):
        """django-tasks-db's worker, under a lease renewed while this process lives
        (core/task_recovery.py)."""
        worker_id = task_recovery.new_worker_id()
        # Before the first claim: a task of ours is never without a live lease.
        task_recovery.lease_renew(worker_id=worker_id)
        task_recovery.recover_lost_tasks()
        stop = threading.Event()
        keeper = threading.Thread(
            target=run_lease_keeper,
            kwargs={"worker_id": worker_id, "stop": stop},
            name="lease-keeper",
            daemon=True,
        )
        keeper.start()
        try:
            call_command(
                "db_worker",
                queue_name="*",
                interval=interval,
                batch=batch,
                reload=False,
                startup_delay=not batch,
                worker_id=worker_id,
                verbosity=verbosity,
            )
        finally:
            stop.set()
            keeper.join(timeout=5)
            task_recovery.lease_release(worker_id=worker_id)
