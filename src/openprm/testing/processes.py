"""The product as an operator runs it, for tests: its own database in a folder,
real `openprm` processes, and waiting for them."""

import atexit
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest

# A test's own settings must not leak into the processes it starts.
TEST_ONLY_VARIABLES = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "TASKS_BACKEND"}
# The product's database in its var folder (settings.py).
DATABASE_FILE = "openprm.sqlite3"
# A database migrated by this test run, which every installation copies.
_migrated_template: Path | None = None


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


def product_environment(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a product installation in ``var_dir`` (SQLite there),
    migrated."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in TEST_ONLY_VARIABLES
    }
    env.update(
        OPENPRM_VAR_DIR=str(var_dir),
        SECRET_KEY="serve-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",  # noqa: S106
        OPENPRM_SWEEP_POLL_SECONDS="0.5",
        **extra,
    )
    migrated(env)
    return env


def migrated(env: dict[str, str]) -> None:
    """Puts a migrated product database in ``env``'s var folder. Migrating every
    app takes a minute of CPU, several on a loaded machine, and a browser run
    installs the product a dozen times: the first call of a test run migrates a
    template, every call copies it (SQLite's backup, so the copy is whole)."""
    global _migrated_template
    if _migrated_template is None:
        folder = Path(tempfile.mkdtemp(prefix="openprm-migrated-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        openprm(
            "migrate", "--no-input", "-v", "0",
            env={**env, "OPENPRM_VAR_DIR": str(folder)},
        )  # fmt: skip
        _migrated_template = folder / DATABASE_FILE
    target = Path(env["OPENPRM_VAR_DIR"]) / DATABASE_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        closing(sqlite3.connect(_migrated_template)) as source,
        closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)


def openprm(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run an `openprm` command to its end; fail on a non-zero exit."""
    return subprocess.run(
        [sys.executable, "-m", "openprm", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


def start_openprm(*args: str, env: dict[str, str]) -> subprocess.Popen:
    """Start a long-running `openprm` command (serve, worker)."""
    return subprocess.Popen(
        [sys.executable, "-m", "openprm", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
