"""`openprm serve` as an operator runs it: a real server process and its worker."""

import signal
import socket
import sqlite3
import subprocess
import sys

import pytest

from openprm.core.sweeps import registered
from openprm.testing.processes import free_port, get, product_environment, wait_for


@pytest.fixture
def product_env(tmp_path):
    return product_environment(tmp_path)


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
        wait_for(lambda: get(f"{base}/health/")[0] == 200, timeout=90, what="/health/")
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
        wait_for(sweeps_done, timeout=60, what="the worker to run the sweeps")

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
        timeout=90,
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
