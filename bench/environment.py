"""Where the benchmark's data lives and the environment its processes run with.

SQLite (the default): a database file in ``bench/results/sqlite/``, which is also the
``OPENPRM_VAR_DIR`` (secret key, collected static files). PostgreSQL: when
``DATABASE_URL`` is set; that database is dropped and recreated, so it must be a
throwaway one (its name must contain "bench").
"""

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.processes import BenchError, run

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
POSTGRES_SCHEMES = ("postgres", "postgresql")


@dataclass(frozen=True)
class BenchDatabase:
    vendor: str  # "sqlite" or "postgresql"
    url: str  # the DATABASE_URL given, or "" for the SQLite file
    var_dir: Path

    @property
    def sqlite_path(self) -> Path:
        return self.var_dir / "openprm.sqlite3"

    @property
    def label(self) -> str:
        """The database for display, without any password."""
        if self.vendor == "sqlite":
            return str(self.sqlite_path)
        parts = urlsplit(self.url)
        netloc = parts.netloc
        if "@" in netloc:
            credentials, host = netloc.rsplit("@", 1)
            user = credentials.split(":", 1)[0]
            netloc = f"{user}@{host}"
        return urlunsplit(parts._replace(netloc=netloc))

    def env(self) -> dict[str, str]:
        """Environment for every process of the run (the server, migrate, ...)."""
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "openprm.settings",
                "OPENPRM_VAR_DIR": str(self.var_dir),
                "OPENPRM_BENCH_ENDPOINTS": "1",
                "DEBUG": "0",
            }
        )
        if self.vendor == "sqlite":
            env.pop("DATABASE_URL", None)
        else:
            env["DATABASE_URL"] = self.url
        return env


def bench_database() -> BenchDatabase:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return BenchDatabase(vendor="sqlite", url="", var_dir=RESULTS_DIR / "sqlite")
    scheme = urlsplit(url).scheme
    if scheme not in POSTGRES_SCHEMES:
        raise BenchError(
            f"DATABASE_URL scheme {scheme!r} is not supported by the benchmark; "
            "unset it for SQLite or give a postgres:// URL"
        )
    name = postgres_database_name(url)
    if "bench" not in name:
        raise BenchError(
            f"DATABASE_URL names database {name!r}: the benchmark drops and recreates "
            "its database, so it must be a throwaway one whose name contains 'bench' "
            "(e.g. postgres://postgres@127.0.0.1:5432/openprm_bench)"
        )
    return BenchDatabase(
        vendor="postgresql", url=url, var_dir=RESULTS_DIR / "postgresql"
    )


def postgres_database_name(url: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    return str(conninfo_to_dict(url).get("dbname") or "")


def configure_django(database: BenchDatabase) -> None:
    """Point this process's Django at the benchmark database and set it up."""
    database.var_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(database.env())
    if database.vendor == "sqlite":
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


def openprm(database: BenchDatabase, *args: str, timeout: float = 600) -> str:
    """Run an ``openprm`` management command against the benchmark database."""
    return run(
        [sys.executable, "-m", "openprm", *args],
        env=database.env(),
        timeout=timeout,
        what=f"openprm {' '.join(args)}",
    )


def _postgres_url(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def throwaway_database(label: str) -> tuple[str, str | None]:
    """A database of its own for a measurement outside the HTTP scenarios: SQLite in a
    temporary folder, or with ``DATABASE_URL`` (its name must contain "bench") a
    PostgreSQL database ``<its name>_<label>`` created next to it. Returns (vendor,
    the PostgreSQL database to drop afterwards with :func:`drop_database`); sets
    ``DATABASE_URL`` and ``OPENPRM_VAR_DIR`` (the temporary folder) for Django."""
    folder = tempfile.mkdtemp(prefix=f"openprm-{label}-")
    os.environ["OPENPRM_VAR_DIR"] = folder
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return "sqlite", None
    import psycopg

    base = urlsplit(url).path.lstrip("/")
    if "bench" not in base:
        raise SystemExit(f"Refusing a database whose name lacks 'bench': {base!r}")
    name = f"{base}_{label}"
    with psycopg.connect(_postgres_url(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = _postgres_url(url, name)
    return "postgresql", name


def drop_database(name: str | None, url: str) -> None:
    """Drop a database made by :func:`throwaway_database` (``url``: the original)."""
    if name is None:
        return
    import psycopg

    with psycopg.connect(_postgres_url(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
