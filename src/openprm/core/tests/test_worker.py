from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from openprm.core.models import SweepRun
from openprm.core.sweeps import registered
from openprm.core.tasks import clear_expired_sessions

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}
}


@pytest.fixture
def database_queue():
    # django_tasks rebuilds its backends when the TASKS setting changes.
    with override_settings(TASKS=DATABASE_QUEUE):
        yield


def expired_session() -> str:
    session = SessionStore()
    session["who"] = "nobody"
    session.set_expiry(-60)
    session.create()
    return session.session_key


@pytest.mark.django_db(transaction=True)
def test_worker_batch_runs_the_tasks_waiting_in_the_database_queue(database_queue):
    key = expired_session()
    clear_expired_sessions.enqueue()
    SweepRun.objects.all().delete()

    call_command("worker", batch=True, verbosity=0)

    assert not Session.objects.filter(session_key=key).exists()
    statuses = set(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)
def test_worker_enqueues_due_sweeps_and_runs_them(database_queue):
    key = expired_session()

    call_command("worker", batch=True, verbosity=0)

    assert not Session.objects.filter(session_key=key).exists()
    swept = set(DBTaskResult.objects.values_list("task_path", flat=True))
    # The kernel's sweeps, and those that apps register.
    assert swept == {sweep.task.module_path for sweep in registered()}
    assert {
        "openprm.core.tasks.clear_expired_sessions",
        "openprm.core.tasks.prune_finished_tasks",
        "openprm.core.tasks.deliver_due_events",
    } <= swept
    next_run = SweepRun.objects.get(name="core.clear_expired_sessions").next_run_at
    assert next_run > timezone.now() + timedelta(hours=5)
