"""A real BottleCRM (the open-source CRM published on PyPI as ``django-crm``) for the
CRM sync tests and benchmarks: installed in a virtual environment of its own under
``var/bottlecrm/`` (never the project's), with settings of ours (SQLite in that folder,
no Celery broker, no email), migrated, with an API user, served on a loopback port.

Run by hand::

    python -m openprm.testing.bottlecrm [--port 8765]

What BottleCRM 0.9.0 needs, found by running it (see docs/crm-sync.md):

- Django 3.2 and the packages of its era, named here because its wheel declares none;
  a Python it runs on (3.11 is the newest that Django 3.2 supports).
- ``settings.Domain``, which its views read after every create and update: Django keeps
  upper-case settings only, so its own settings module cannot set it (every create
  answers 500 after saving); the server script sets it once Django is set up.
- Celery tasks queued with ``.delay()`` on every write: ``CELERY_BROKER_URL=memory://``
  keeps them in memory, where nothing runs them.
"""

import argparse
import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

VERSION = "0.9.0"
REQUIREMENTS = [
    f"django-crm=={VERSION}",
    "Django>=3.2,<3.3",
    "djangorestframework==3.12.4",
    "drf-yasg==1.20.0",
    "django-cors-headers==3.7.0",
    "django-phonenumber-field==5.2.0",
    "phonenumbers",
    "djangorestframework-jwt==1.11.0",
    "PyJWT==1.7.1",
    "celery==5.2.7",
    "arrow",
    "python-dotenv",
    "pytz",
    "six",
]
EMAIL = "sync@bottlecrm.test"
PASSWORD = "sync-password-0123"  # noqa: S105 (a throw-away local test server)
# Tables emptied between tests (the users stay).
DATA_TABLE_PREFIXES = ("accounts_", "contacts_", "leads_", "opportunity_", "common_")
KEPT_TABLES = {"common_user", "common_user_groups", "common_user_user_permissions"}

SETTINGS = """
import datetime, os
SECRET_KEY = "bottlecrm-local-test-server-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.messages",
    "django.contrib.sessions", "common", "accounts", "cases", "contacts", "emails",
    "leads", "opportunity", "planner", "phonenumber_field", "tasks", "invoices",
    "events", "teams", "rest_framework",
]
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "bottlecrm_urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates",
              "APP_DIRS": True, "OPTIONS": {}}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": os.environ["BOTTLECRM_DB"]}}
AUTH_USER_MODEL = "common.User"
USE_TZ = True
TIME_ZONE = "UTC"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DOMAIN_NAME = "localhost"
REST_FRAMEWORK = {
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 10,
}
JWT_AUTH = {"JWT_EXPIRATION_DELTA": datetime.timedelta(hours=12)}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
STATIC_URL = "/static/"
MEDIA_ROOT = os.path.join(os.path.dirname(os.environ["BOTTLECRM_DB"]), "media")
MEDIA_URL = "/media/"
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"log": {"class": "logging.StreamHandler"}},
           "loggers": {"django.request": {"handlers": ["log"], "level": "ERROR"}}}
"""

URLS = """
from django.urls import include, path
urlpatterns = [path("api/", include("common.app_urls", namespace="common_urls"))]
"""

SERVE = """
import sys
import django
django.setup()
from django.conf import settings
settings.Domain = "localhost"  # read by every create and update view
from django.core.management import call_command
call_command("runserver", sys.argv[1], use_reloader=False)
"""

CREATE_USER = """
import sys
import django
django.setup()
from common.models import User
user = User.objects.create_superuser(email=sys.argv[1], password=sys.argv[2],
                                     username="sync")
user.role = "ADMIN"
user.save()
"""


class Unavailable(Exception):
    """BottleCRM cannot be set up on this machine; the message says why."""


def base_dir() -> Path:
    default = Path(__file__).resolve().parents[3] / "var" / "bottlecrm"
    return Path(os.environ.get("OPENPRM_BOTTLECRM_DIR", default))


def _python() -> str:
    """A Python that Django 3.2 runs on: 3.11 at the newest."""
    if sys.version_info[:2] <= (3, 11):
        return sys.executable
    found = shutil.which("python3.11") or shutil.which("python3.10")
    if not found:
        raise Unavailable("BottleCRM needs Python 3.11 or older (Django 3.2).")
    return found


def _run(args: list[str], *, env=None, timeout: float = 600) -> None:
    try:
        done = subprocess.run(
            args, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise Unavailable(f"{' '.join(args[:3])}…: {error}") from error
    if done.returncode:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise Unavailable(f"{' '.join(args[:4])}… failed: {' | '.join(tail)}")


def install(root: Path | None = None) -> Path:
    """The virtual environment with BottleCRM and its dependencies (installed from
    PyPI by name the first time; reused while the requirements are unchanged)."""
    root = root or base_dir()
    venv = root / "venv"
    stamp = venv / ".requirements"
    wanted = hashlib.sha256(json.dumps(REQUIREMENTS).encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)
    _run([_python(), "-m", "venv", str(venv)])
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *REQUIREMENTS])
    stamp.write_text(wanted)
    return venv


def _write_app(root: Path) -> Path:
    app = root / "app"
    app.mkdir(parents=True, exist_ok=True)
    for name, text in {
        "bottlecrm_settings.py": SETTINGS,
        "bottlecrm_urls.py": URLS,
        "serve.py": SERVE,
        "create_user.py": CREATE_USER,
    }.items():
        (app / name).write_text(text.lstrip())
    return app


def _environment(app: Path, database: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH", "DATABASE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bottlecrm_settings",
        PYTHONPATH=str(app),
        BOTTLECRM_DB=str(database),
        CELERY_BROKER_URL="memory://",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def _template_database(root: Path, venv: Path, app: Path) -> Path:
    """A migrated database with the API user, made once and copied per server."""
    template = root / "template.sqlite3"
    stamp = root / "template.version"
    if template.exists() and stamp.exists() and stamp.read_text() == VERSION:
        return template
    template.unlink(missing_ok=True)
    env = _environment(app, template)
    python = str(venv / "bin" / "python")
    _run([python, "-m", "django", "migrate", "--no-input", "-v", "0"], env=env)
    _run([python, str(app / "create_user.py"), EMAIL, PASSWORD], env=env)
    stamp.write_text(VERSION)
    return template


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class BottleCRM:
    """A running BottleCRM server and the API user's credentials."""

    url: str
    email: str
    password: str
    database: Path
    process: subprocess.Popen
    setup_seconds: float = 0.0
    _token: str = field(default="", repr=False)

    @property
    def credentials(self) -> dict[str, str]:
        return {"email": self.email, "password": self.password}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def reset(self) -> None:
        """Empty the CRM's business data (accounts, contacts, leads, opportunities,
        comments…); the API user stays."""
        with sqlite3.connect(self.database, timeout=30) as db:
            tables = [
                name
                for (name,) in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
                if name.startswith(DATA_TABLE_PREFIXES) and name not in KEPT_TABLES
            ]
            db.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                db.execute(f'DELETE FROM "{table}"')  # noqa: S608 (names from the schema)

    def add_accounts(self, rows: list[dict]) -> None:
        """Write accounts straight into the CRM's database, as its create view
        would (open, made by the API user): for benchmarks, which need thousands
        and whose API takes a request each. ``rows``: ``name`` and the
        ``billing_*`` fields, optionally ``email`` and ``website``."""
        now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
        columns = (
            "billing_address_line", "billing_street", "billing_city", "billing_state",
            "billing_postcode", "billing_country", "website",
        )  # fmt: skip
        with sqlite3.connect(self.database, timeout=30) as db:
            (user_id,) = db.execute(
                "SELECT id FROM common_user WHERE email = ?", (self.email,)
            ).fetchone()
            db.executemany(
                "INSERT INTO accounts_account (name, email, created_on, is_active, "
                "created_by_id, status, contact_name, " + ", ".join(columns) + ") "
                "VALUES (?, ?, ?, 1, ?, 'open', ''" + ", ?" * len(columns) + ")",
                [
                    (
                        row["name"], row.get("email") or "info@example.com", now,
                        user_id,
                        *(row.get(name) or "-" for name in columns[:-1]),
                        row.get("website") or None,
                    )
                    for row in rows
                ],
            )  # fmt: skip

    def requests_served(self) -> list[str]:
        """The requests the server answered so far, as its log shows them
        (``"GET /api/accounts/?limit=100&offset=0 HTTP/1.1" 200 …``)."""
        log = self.database.with_name(
            self.database.name.replace("crm-", "server-").replace(".sqlite3", ".log")
        )
        return [
            line.split('"')[1]
            for line in log.read_text(errors="replace").splitlines()
            if line.count('"') >= 2 and " HTTP/1." in line
        ]

    # A small client for the tests' own look at the CRM (the connector is the
    # product's; this only seeds and checks).
    def request(self, method: str, path: str, data: dict | None = None) -> dict:
        if not self._token:
            self._token = self._login()
        body = urllib.parse.urlencode(data or {}).encode() if data else None
        request = urllib.request.Request(  # noqa: S310 (loopback)
            self.url + path,
            data=body,
            method=method,
            headers={"Authorization": f"JWT {self._token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.loads(response.read())

    def _login(self) -> str:
        body = urllib.parse.urlencode(self.credentials).encode()
        with urllib.request.urlopen(  # noqa: S310 (loopback)
            self.url + "/api/auth/login/", data=body, timeout=30
        ) as response:
            return json.loads(response.read())["token"]

    def accounts(self) -> list[dict]:
        """Every account, open and closed."""
        found = []
        offset = 0
        while True:
            page = self.request("GET", f"/api/accounts/?limit=100&offset={offset}")
            chunk = (
                page["active_accounts"]["open_accounts"]
                + page["closed_accounts"]["close_accounts"]
            )
            found.extend(chunk)
            if not chunk:
                return found
            offset += 100


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Unavailable(f"the BottleCRM server exited ({process.returncode})")
        try:
            urllib.request.urlopen(url + "/api/auth/login/", timeout=2)  # noqa: S310
        except urllib.error.HTTPError:
            return  # it answers (405 to a GET): it is up
        except OSError:
            time.sleep(0.2)
        else:
            return
    raise Unavailable("the BottleCRM server did not answer in time")


def start(*, port: int | None = None, root: Path | None = None) -> BottleCRM:
    """Install if needed, then serve a fresh copy of the migrated database."""
    began = time.monotonic()
    root = root or base_dir()
    venv = install(root)
    app = _write_app(root)
    template = _template_database(root, venv, app)
    port = port or _free_port()
    database = root / f"crm-{port}.sqlite3"
    shutil.copyfile(template, database)
    log = open(root / f"server-{port}.log", "w")  # noqa: SIM115 (the server's life)
    process = subprocess.Popen(
        [str(venv / "bin" / "python"), str(app / "serve.py"), f"127.0.0.1:{port}"],
        env=_environment(app, database),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, timeout=60)
    except Unavailable:
        process.kill()
        raise
    return BottleCRM(
        url=url,
        email=EMAIL,
        password=PASSWORD,
        database=database,
        process=process,
        setup_seconds=time.monotonic() - began,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--prepare",
        action="store_true",
        help="Install and migrate only (for CI), then exit; fail when impossible.",
    )
    arguments = parser.parse_args()
    if arguments.prepare:
        try:
            root = base_dir()
            venv = install(root)
            _template_database(root, venv, _write_app(root))
        except Unavailable as error:
            sys.exit(f"BottleCRM cannot be set up: {error}")
        print(f"BottleCRM {VERSION} is ready in {root}")
        return
    crm = start(port=arguments.port)
    print(f"BottleCRM at {crm.url}  user {crm.email} / {crm.password}")
    try:
        crm.process.wait()
    except KeyboardInterrupt:
        crm.stop()


if __name__ == "__main__":
    main()
