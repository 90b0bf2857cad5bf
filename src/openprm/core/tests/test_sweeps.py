from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import task

from openprm.core import sweeps
from openprm.core.models import SweepRun

runs: list[str] = []


@task()
def record_run() -> None:
    runs.append("ran")


@pytest.fixture
def hourly_sweep():
    runs.clear()
    return sweeps.Sweep(name="test.hourly", every=timedelta(hours=1), task=record_run)


@pytest.mark.django_db
def test_a_new_sweep_runs_at_once_and_schedules_its_next_run(hourly_sweep):
    now = timezone.now()

    enqueued = sweeps.enqueue_due_sweeps(now=now, candidates=[hourly_sweep])

    assert enqueued == ["test.hourly"]
    assert runs == ["ran"]
    assert SweepRun.objects.get(name="test.hourly").next_run_at == now + timedelta(
        hours=1
    )


@pytest.mark.django_db
def test_a_sweep_is_not_enqueued_again_before_its_period_ends(hourly_sweep):
    now = timezone.now()
    sweeps.enqueue_due_sweeps(now=now, candidates=[hourly_sweep])

    enqueued = sweeps.enqueue_due_sweeps(
        now=now + timedelta(minutes=59), candidates=[hourly_sweep]
    )

    assert enqueued == []
    assert runs == ["ran"]


@pytest.mark.django_db
def test_a_sweep_is_enqueued_again_once_its_period_has_passed(hourly_sweep):
    now = timezone.now()
    sweeps.enqueue_due_sweeps(now=now, candidates=[hourly_sweep])

    enqueued = sweeps.enqueue_due_sweeps(
        now=now + timedelta(hours=1), candidates=[hourly_sweep]
    )

    assert enqueued == ["test.hourly"]
    assert runs == ["ran", "ran"]


@pytest.mark.django_db
def test_two_workers_polling_at_the_same_moment_enqueue_a_sweep_once(hourly_sweep):
    now = timezone.now()

    first = sweeps.enqueue_due_sweeps(now=now, candidates=[hourly_sweep])
    second = sweeps.enqueue_due_sweeps(now=now, candidates=[hourly_sweep])

    assert (first, second) == (["test.hourly"], [])
    assert runs == ["ran"]


def test_the_kernel_registers_its_housekeeping_sweeps():
    names = [sweep.name for sweep in sweeps.registered()]

    assert "core.clear_expired_sessions" in names
    assert "core.prune_finished_tasks" in names


def test_registering_a_different_task_under_a_taken_name_is_refused():
    with pytest.raises(ValueError, match="registered twice"):
        sweeps.register(every=timedelta(hours=1), name="core.clear_expired_sessions")(
            record_run
        )
