"""`openprm serve` as an operator runs it: a real server process and its worker."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from openprm.core.sweeps import registered


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if result := condition():
                return result
        except (OSError, sqlite3.Error):
            pass
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def product_env(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "TASKS_BACKEND"}
    }
    env.update(
        OPENPRM_VAR_DIR=str(tmp_path),
        SECRET_KEY="serve-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        OPENPRM_SWEEP_POLL_SECONDS="0.5",
    )
    subprocess.run(
        [sys.executable, "-m", "openprm", "migrate", "--no-input", "-v", "0"],
        env=env,
        check=True,
    )
    return env


def test_serve_runs_the_web_server_and_the_worker_and_stops_both(product_env, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "openprm",
            "serve",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        env=product_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: get(f"{base}/health/")[0] == 200, timeout=30, what="/health/")
        status, body = get(f"{base}/static/vendor/htmx/htmx.min.js")
        assert status == 200
        assert b"htmx" in body

        def sweeps_done():
            with sqlite3.connect(tmp_path / "openprm.sqlite3") as db:
                rows = db.execute(
                    "SELECT task_path FROM django_tasks_database_dbtaskresult "
                    "WHERE status = 'SUCCESSFUL'"
                ).fetchall()
            # Every registered sweep ran (some, like event delivery, run again).
            return {path for (path,) in rows} == {
                sweep.task.module_path for sweep in registered()
            }

        # The worker under serve's supervision enqueued the sweeps and ran them.
        wait_for(sweeps_done, timeout=30, what="the worker to run the sweeps")

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
    finally:
        if server.poll() is None:
            server.kill()


def test_killing_serve_stops_its_web_server_and_worker_too(product_env):
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "openprm",
            "serve",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        env=product_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(
        lambda: get(f"http://127.0.0.1:{port}/health/")[0] == 200,
        timeout=30,
        what="/health/",
    )

    server.kill()  # SIGKILL: serve gets no chance to clean up
    server.wait(timeout=10)

    def port_closed():
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return True
        return False

    wait_for(port_closed, timeout=15, what="the orphaned web server to stop")
