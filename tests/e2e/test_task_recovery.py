"""A worker killed mid-task: the task goes back to the queue and another worker
runs it (core/task_recovery.py)."""

import json
import signal
import sqlite3

from openprm.testing.processes import (
    openprm,
    product_environment,
    start_openprm,
    stop,
    wait_for,
)


def task_row(database) -> tuple[str, list[str]]:
    with sqlite3.connect(database) as db:
        status, worker_ids = db.execute(
            "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
            "WHERE task_path = 'openprm.testing.tasks.record_attempt'"
        ).fetchone()
    return status, json.loads(worker_ids)


def test_a_task_whose_worker_is_killed_is_run_again_by_another_worker(tmp_path):
    env = product_environment(tmp_path / "var", WORKER_LEASE_SECONDS="2")
    database = tmp_path / "var" / "openprm.sqlite3"
    attempts = tmp_path / "attempts"
    openprm(
        "shell",
        "-c",
        "from openprm.testing.tasks import record_attempt;"
        f"record_attempt.enqueue({str(attempts)!r})",
        env=env,
    )
    first = start_openprm("worker", env=env)
    second = None
    try:
        wait_for(attempts.exists, timeout=60, what="the first worker to start the task")
        assert attempts.read_text().split() == [str(first.pid)]

        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        status, worker_ids = task_row(database)
        assert status == "RUNNING"  # and would stay so, with no one to run it
        assert len(worker_ids) == 1

        second = start_openprm("worker", env=env)
        wait_for(
            lambda: task_row(database)[0] == "SUCCESSFUL",
            timeout=60,
            what="another worker to run the task again",
        )
        assert attempts.read_text().split() == [str(first.pid), str(second.pid)]
        status, worker_ids = task_row(database)
        assert len(worker_ids) == 2
        assert worker_ids[0] != worker_ids[1]
    finally:
        for process in (first, second):
            if process is not None:
                stop(process)
