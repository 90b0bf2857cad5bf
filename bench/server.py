"""The server under test (what ``openprm serve`` runs) and small HTTP helpers."""

import http.client
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import processes
from bench.environment import BenchDatabase
from bench.processes import BenchError

HOST = "127.0.0.1"
READY_TIMEOUT_SECONDS = 60.0
SETTLE_TIMEOUT_SECONDS = 300.0
SETTLE_PATH = "/_bench/ceiling/"
# A server with nothing queued answers the ceiling in well under this.
SETTLE_LATENCY_SECONDS = 0.25


@dataclass(frozen=True)
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def cookies(self) -> dict[str, str]:
        jar: SimpleCookie = SimpleCookie()
        for name, value in self.headers:
            if name.lower() == "set-cookie":
                jar.load(value)
        return {key: morsel.value for key, morsel in jar.items()}

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")


def request(
    port: int,
    path: str,
    *,
    method: str = "GET",
    cookies: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    timeout: float = 10.0,
    extra_headers: dict[str, str] | None = None,
) -> Response:
    """One HTTP/1.1 request to the server on 127.0.0.1 (redirects are not followed)."""
    headers = {"Host": f"{HOST}:{port}", **(extra_headers or {})}
    if cookies:
        headers["Cookie"] = cookie_header(cookies)
    body = None
    if form is not None:
        body = urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Response(response.status, response.getheaders(), response.read())
    finally:
        connection.close()


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        return sock.connect_ex((HOST, port)) == 0


def server_command(*, port: int, workers: int, threads: int) -> list[str]:
    from openprm.core.management.commands.serve import granian_command

    return granian_command(host=HOST, port=port, workers=workers, threads=threads)


@contextmanager
def serving(
    database: BenchDatabase, *, port: int, workers: int, threads: int, log_path: Path
) -> Iterator[subprocess.Popen[Any]]:
    """Run the server for a ``with`` block; on entry ``/health/`` answers 200."""
    if port_in_use(port):
        raise BenchError(
            f"Port {port} on {HOST} is already in use; pick another --port"
        )
    command = server_command(port=port, workers=workers, threads=threads)
    with (
        log_path.open("wb") as log,
        processes.running(
            command, env=database.env(), stdout=log, stderr=subprocess.STDOUT
        ) as server,
    ):
        _wait_ready(server, port, log_path)
        yield server


def _wait_ready(server: subprocess.Popen[Any], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    last = "no answer"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(
                f"The server exited with code {server.returncode} while starting; "
                f"{log_path}:\n{processes.log_tail(log_path)}"
            )
        try:
            response = request(port, "/health/", timeout=2.0)
        except OSError as exc:
            last = str(exc)
        else:
            if response.status == 200:
                return
            last = f"HTTP {response.status}"
        time.sleep(0.2)
    raise BenchError(
        f"The server was not ready within {READY_TIMEOUT_SECONDS:.0f} s ({last}); "
        f"{log_path}:\n{processes.log_tail(log_path)}"
    )


def settle(port: int, *, probes: int) -> float:
    """Wait until the server has worked off what the last load left queued.

    When a load run ends, the server still runs the requests it had accepted (with
    slow pages, seconds of work); the next measurement must not pay for them. Sends
    ``probes`` concurrent requests to the ceiling, again and again, until all answer
    quickly. Returns the seconds waited; raises ``BenchError`` after a long time.
    """
    started = time.monotonic()
    deadline = started + SETTLE_TIMEOUT_SECONDS

    def probe(_: int) -> float:
        began = time.monotonic()
        remaining = max(deadline - began, 1.0)
        if request(port, SETTLE_PATH, timeout=remaining).status != 200:
            return float("inf")
        return time.monotonic() - began

    with ThreadPoolExecutor(max_workers=probes) as pool:
        while time.monotonic() < deadline:
            try:
                slowest = max(pool.map(probe, range(probes)))
            except OSError:
                slowest = float("inf")
                time.sleep(0.5)
            if slowest < SETTLE_LATENCY_SECONDS:
                return time.monotonic() - started
    raise BenchError(
        f"The server did not become idle within {SETTLE_TIMEOUT_SECONDS:.0f} s"
    )


CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def sign_in(port: int, *, email: str, password: str) -> dict[str, str]:
    """Sign in through the real allauth form; return the browser's cookies."""
    form_page = request(port, "/accounts/login/")
    if form_page.status != 200:
        raise BenchError(f"GET /accounts/login/ answered HTTP {form_page.status}")
    cookies = form_page.cookies()
    match = CSRF_INPUT.search(form_page.body)
    token = match.group(1).decode() if match else cookies.get("csrftoken", "")
    if not token or "csrftoken" not in cookies:
        raise BenchError("The sign-in page gave no CSRF token")
    answer = request(
        port,
        "/accounts/login/",
        method="POST",
        cookies=cookies,
        form={"login": email, "password": password, "csrfmiddlewaretoken": token},
    )
    cookies.update(answer.cookies())
    if answer.status != 302 or "sessionid" not in cookies:
        raise BenchError(
            f"Signing in as {email} failed: HTTP {answer.status}, "
            f"cookies {sorted(cookies)}"
        )
    return cookies
