"""Limits hold across web processes: two `openprm serve` on two ports, one database.

Each server is one web process; requests alternate between them as a load balancer
would send them, with the one host name the load balancer passes on. The documented
limits (docs/operations.md) must hold for the pair, which they do only when the
counts are kept in a cache both processes share.
"""

import contextlib
import http.cookiejar
import json
import re
import sqlite3
import urllib.error
import urllib.parse
import urllib.request

import pytest

from openprm.onboarding.tests.factories import application_data
from openprm.testing.processes import (
    free_port,
    get,
    openprm,
    product_environment,
    start_openprm,
    stop,
    wait_for,
)

PASSWORD = "right-horse-battery-staple"
REFUSED = "Too many failed login attempts"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's cookies on one server."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            _NoRedirect,
        )

    def request(self, path: str, data: bytes | None = None, headers=None):
        request = urllib.request.Request(  # noqa: S310 (a local test server)
            self.base + path,
            data=data,
            headers={"Host": "localhost", **(headers or {})},
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def sign_in(self, email: str, password: str) -> str:
        """``signed in``, ``wrong`` (the password was checked) or ``refused``."""
        _, page = self.request("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        form = {"csrfmiddlewaretoken": token, "login": email, "password": password}
        status, body = self.request(
            "/accounts/login/", urllib.parse.urlencode(form).encode()
        )
        if status == 302:
            return "signed in"
        if REFUSED in body:
            return "refused"
        assert status == 200, status
        return "wrong"


@pytest.fixture(scope="module")
def product(tmp_path_factory):
    """A product installation with one person and one programme."""
    var_dir = tmp_path_factory.mktemp("shared-limits")
    env = product_environment(var_dir)
    openprm("collectstatic", "--no-input", "-v", "0", env=env)
    openprm(
        "shell",
        "-c",
        "from openprm.accounts.models import User;"
        f"User.objects.create_user(email='ada@example.com', password='{PASSWORD}');"
        "from openprm.programs.tests.factories import ProgrammeFactory;"
        "ProgrammeFactory(slug='resellers')",
        env=env,
    )
    return var_dir, env


@pytest.fixture(scope="module")
def servers(product):
    """Two servers of the installation, one web process each."""
    _, env = product
    ports = [free_port(), free_port()]
    processes = [
        start_openprm(
            "serve",
            "--port",
            str(port),
            "--workers",
            "1",
            "--threads",
            "1",
            "--no-worker",
            "--skip-collectstatic",
            env=env,
        )
        for port in ports
    ]
    try:
        for port in ports:
            wait_for(
                lambda port=port: get(f"http://127.0.0.1:{port}/health/")[0] == 200,
                timeout=60,
                what=f"the server on port {port}",
            )
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            stop(process)


@pytest.fixture
def pair(servers, product):
    """A browser on each server, with no count left by an earlier test."""
    var_dir, _ = product
    # No such table when the cache is kept in each process: nothing to clear.
    with (
        sqlite3.connect(var_dir / "openprm.sqlite3") as db,
        contextlib.suppress(sqlite3.OperationalError),
    ):
        db.execute("DELETE FROM openprm_cache")
    return [Browser(base) for base in servers]


def test_five_wrong_passwords_to_one_account_across_two_servers_lock_it(pair):
    first, second = pair

    # Five wrong passwords (the documented 5 per 5 minutes), alternating servers.
    tries = [
        (first, second)[n % 2].sign_in("ada@example.com", "wrong") for n in range(5)
    ]

    assert tries == ["wrong"] * 5
    # The right password is not even checked now, on either server.
    assert second.sign_in("ada@example.com", PASSWORD) == "refused"
    assert first.sign_in("ada@example.com", PASSWORD) == "refused"


def test_ten_failed_sign_ins_from_one_address_across_two_servers_stop_it(pair):
    first, second = pair

    # Ten failures (the documented 10 a minute), each to a different account.
    tries = [
        (first, second)[n % 2].sign_in(f"guess{n}@example.com", "wrong")
        for n in range(10)
    ]

    assert tries == ["wrong"] * 10
    assert second.sign_in("ada@example.com", PASSWORD) == "refused"
    assert first.sign_in("ada@example.com", PASSWORD) == "refused"


def test_the_application_limit_holds_across_two_servers(pair):
    first, second = pair
    # The honeypot filled: counted, answered as received, nothing stored.
    body = json.dumps(application_data(fax_number="555")).encode()
    headers = {"Content-Type": "application/json"}

    def apply(browser):
        return browser.request("/api/v1/applications/apply/resellers", body, headers)[0]

    # The documented 5 an hour per address.
    statuses = [apply((first, second)[n % 2]) for n in range(5)]

    assert statuses == [202] * 5
    assert apply(second) == 429
    assert apply(first) == 429
