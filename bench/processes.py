"""Child processes that are always stopped: server, load generator, helpers.

Every child starts in its own session (so its own process group): Ctrl+C in the
terminal reaches only the runner, which then stops each group it started (SIGTERM,
then SIGKILL after a grace period), including grandchildren such as granian's workers.
"""

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any


class BenchError(Exception):
    """A failure the runner reports in one line (and a log tail) before exiting."""


def _signal_group(process: subprocess.Popen[Any], signum: int) -> None:
    # The group id is the child's pid (start_new_session=True). The kernel does not
    # reuse a pid while a process group of that id still has members, so this can
    # only reach processes this runner started.
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


def stop(process: subprocess.Popen[Any], *, grace: float = 10.0) -> None:
    """Stop a child started by ``start`` and everything in its process group."""
    # A second Ctrl+C while stopping must not leave the child running.
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if in_main_thread else None
    try:
        if process.poll() is None:
            _signal_group(process, signal.SIGTERM)
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(timeout=grace)
        # The leader may be gone while processes it forked linger: stop them too.
        _signal_group(process, signal.SIGKILL)
    finally:
        if in_main_thread:
            signal.signal(signal.SIGINT, previous or signal.default_int_handler)


def start(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    stdout: IO[Any] | int | None = None,
    stderr: IO[Any] | int | None = None,
    cwd: Path | None = None,
) -> subprocess.Popen[Any]:
    return subprocess.Popen(
        list(command),
        env=dict(env) if env is not None else None,
        stdout=stdout,
        stderr=stderr,
        cwd=cwd,
        start_new_session=True,
    )


@contextmanager
def running(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    stdout: IO[Any] | int | None = None,
    stderr: IO[Any] | int | None = None,
) -> Iterator[subprocess.Popen[Any]]:
    """Start a child for the duration of a ``with`` block; stop it however it ends."""
    process = start(command, env=env, stdout=stdout, stderr=stderr)
    try:
        yield process
    finally:
        stop(process)


def run(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    timeout: float,
    what: str,
) -> str:
    """Run a child to completion (bounded in time); return its stdout.

    Raises ``BenchError`` with the child's output when it fails or overruns.
    """
    with running(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise BenchError(f"{what} did not finish within {timeout:.0f} s") from exc
    if process.returncode != 0:
        detail = (err or out or b"").decode(errors="replace").strip()
        raise BenchError(f"{what} failed (exit {process.returncode}):\n{detail}")
    return out.decode(errors="replace")


def install_termination_handlers() -> None:
    """Turn SIGTERM and SIGHUP into SystemExit so ``finally`` blocks stop children."""

    def _exit(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _exit)
    signal.signal(signal.SIGHUP, _exit)


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def measure_in_child(module: str, args: Sequence[str], lines, say) -> dict:
    """Run ``python -m module --json *args`` (a measurement in a process of its
    own), read the JSON figures of its last line, print them with ``lines`` (a
    function of the database and the figures) and return them."""
    output = subprocess.run(
        [sys.executable, "-m", module, "--json", *args],
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(output.stdout.strip().splitlines()[-1])
    for line in lines(result["database"], result):
        say(line)
    return result
