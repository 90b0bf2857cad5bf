"""Tasks whose worker died go back to the queue; others are left alone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from openprm.core import task_recovery
from openprm.core.models import WorkerLease

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def lease(settings):
    settings.OPENPRM_WORKER_LEASE_SECONDS = 60


def running_task(*, worker_ids: list[str], started_ago: timedelta) -> DBTaskResult:
    now = timezone.now()
    return DBTaskResult.objects.create(
        status="RUNNING",
        started_at=now - started_ago,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="openprm.core.tasks.deliver_due_events",
        backend_name="default",
        run_after=now,
        worker_ids=worker_ids,
    )


def test_a_task_of_a_worker_whose_lease_ran_out_is_queued_again():
    task_recovery.lease_renew(
        worker_id="dead", now=timezone.now() - timedelta(minutes=5)
    )
    task = running_task(worker_ids=["dead"], started_ago=timedelta(minutes=5))

    recovered = task_recovery.recover_lost_tasks()

    task.refresh_from_db()
    assert recovered == [str(task.id)]
    assert (task.status, task.started_at) == ("READY", None)


def test_a_task_of_a_worker_without_any_lease_is_queued_again():
    task = running_task(worker_ids=["gone"], started_ago=timedelta(minutes=2))

    task_recovery.recover_lost_tasks()

    task.refresh_from_db()
    assert task.status == "READY"


def test_a_task_of_a_live_worker_is_left_running():
    task_recovery.lease_renew(worker_id="alive")
    task = running_task(worker_ids=["alive"], started_ago=timedelta(hours=3))

    recovered = task_recovery.recover_lost_tasks()

    task.refresh_from_db()
    assert recovered == []
    assert task.status == "RUNNING"


def test_a_task_claimed_less_than_a_lease_ago_is_left_running():
    task = running_task(worker_ids=["unknown"], started_ago=timedelta(seconds=30))

    task_recovery.recover_lost_tasks()

    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_a_task_that_took_down_three_workers_fails_instead_of_running_again():
    task = running_task(worker_ids=["a", "b", "c"], started_ago=timedelta(minutes=5))

    task_recovery.recover_lost_tasks()

    task.refresh_from_db()
    assert task.status == "FAILED"
    assert task.exception_class_path == "openprm.core.task_recovery.WorkerLost"
    assert task.finished_at is not None


def test_a_renewed_lease_is_extended_and_a_released_one_is_gone():
    start = timezone.now()
    task_recovery.lease_renew(worker_id="w", now=start)
    task_recovery.lease_renew(worker_id="w", now=start + timedelta(seconds=15))

    lease = WorkerLease.objects.get()
    assert lease.started_at == start
    assert lease.expires_at == start + timedelta(seconds=75)

    task_recovery.lease_release(worker_id="w")
    assert not WorkerLease.objects.exists()


def test_leases_that_ran_out_a_day_ago_are_forgotten():
    task_recovery.lease_renew(worker_id="old", now=timezone.now() - timedelta(days=2))
    task_recovery.lease_renew(worker_id="new")

    task_recovery.recover_lost_tasks()

    assert list(WorkerLease.objects.values_list("worker_id", flat=True)) == ["new"]
