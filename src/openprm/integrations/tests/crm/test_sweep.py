"""The worker's sweep: scheduled runs start themselves, and a run whose worker died
is taken over."""

import csv
from datetime import timedelta

import pytest
from django.utils import timezone

from openprm.integrations.crm import tasks
from openprm.integrations.crm.models import RunStatus, RunTrigger, SyncRun
from openprm.integrations.tests.crm.factories import connection_for
from openprm.partners.models import Partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder(tmp_path):
    with (tmp_path / "accounts.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "billing_country"])
        writer.writerow(["A-1", "Sweep Account", "NL"])
    return tmp_path


def test_due_connection_runs_on_schedule_and_not_twice(
    folder, django_capture_on_commit_callbacks
):
    connection = connection_for(folder=folder, schedule_minutes=15)
    now = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep(now=now)
        tasks.sweep(now=now)  # a second worker's sweep at the same moment

    run = SyncRun.objects.get()
    assert (run.trigger, run.status) == (RunTrigger.SCHEDULE, RunStatus.DONE)
    assert Partner.objects.get().name == "Sweep Account"
    connection.refresh_from_db()
    assert connection.next_run_at == now + timedelta(minutes=15)


def test_run_whose_worker_died_is_taken_over(
    folder, settings, django_capture_on_commit_callbacks
):
    connection = connection_for(folder=folder, schedule_minutes=0)
    silent_since = timezone.now() - timedelta(
        seconds=settings.OPENPRM_SYNC_RUN_STALE_SECONDS + 1
    )
    run = SyncRun.objects.create(
        connection=connection,
        object_types=["partners"],
        status=RunStatus.RUNNING,
        started_at=silent_since,
        heartbeat_at=silent_since,
    )

    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep()

    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert Partner.objects.filter(name="Sweep Account").count() == 1
