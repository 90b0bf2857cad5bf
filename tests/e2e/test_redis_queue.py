"""The Redis-backed queue, chosen by setting alone: same tasks, same sweeps."""

import os
import socket
import subprocess
import sys

import pytest

from openprm.core.sweeps import registered

REDIS_URL = os.environ.get("OPENPRM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(
    not redis_reachable(),
    reason="no Redis on 127.0.0.1:6379 (the embedded default needs none)",
)


def openprm_python(code: str, env: dict[str, str]) -> str:
    completed = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.strip()


def test_the_worker_runs_tasks_from_the_redis_queue(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="openprm.settings",
        OPENPRM_VAR_DIR=str(tmp_path),
        SECRET_KEY="redis-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        TASKS_BACKEND="redis",
        REDIS_URL=REDIS_URL,
    )
    subprocess.run(
        [sys.executable, "-m", "openprm", "migrate", "-v", "0"], env=env, check=True
    )
    openprm_python(f"import redis; redis.Redis.from_url({REDIS_URL!r}).flushdb()", env)
    openprm_python(
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "from openprm.core.tasks import clear_expired_sessions\n"
        "session = SessionStore(); session['x'] = 1; session.set_expiry(-60)\n"
        "session.create(); clear_expired_sessions.enqueue()",
        env,
    )

    subprocess.run(
        [sys.executable, "-m", "openprm", "worker", "--batch"],
        env=env,
        check=True,
        capture_output=True,
    )

    remaining = openprm_python(
        "from django.contrib.sessions.models import Session\n"
        "print(Session.objects.count())",
        env,
    )
    finished = openprm_python(
        "import redis, rq\n"
        f"queue = rq.Queue('default', connection=redis.Redis.from_url({REDIS_URL!r}))\n"
        "print(len(queue), queue.finished_job_registry.count)",
        env,
    )
    assert remaining == "0"
    # The task enqueued above and every registered sweep, all run from Redis.
    assert finished == f"0 {1 + len(registered())}"
