"""A throwaway database for a benchmark that runs in processes of its own: a
SQLite file in a temporary folder, or with ``DATABASE_URL`` a PostgreSQL
database ``<its name>_<suffix>`` created next to it and dropped afterwards;
migrated by a separate process (migrating alone lifts a process's peak memory
to about 350 MB)."""

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit


def _postgres_url(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@contextlib.contextmanager
def database(suffix: str, keep: bool = False) -> Iterator[dict[str, str]]:
    """The environment of a child process on a fresh, migrated database.

    With ``keep`` the database is neither dropped before nor after: a later run
    with the same suffix finds what this one left (SQLite: the folder
    ``<temp>/openprm-<suffix>-kept``; PostgreSQL: ``<name>_<suffix>``), so a
    benchmark whose fill takes long can measure newer code without refilling."""
    env = dict(os.environ)
    if keep:
        folder = os.path.join(tempfile.gettempdir(), f"openprm-{suffix}-kept")
        os.makedirs(folder, exist_ok=True)
    else:
        folder = tempfile.mkdtemp(prefix=f"openprm-{suffix}-")
    env["OPENPRM_VAR_DIR"] = folder
    url = os.environ.get("DATABASE_URL", "")
    admin_url = name = None
    if url:
        import psycopg

        name = urlsplit(url).path.lstrip("/") + f"_{suffix}"
        admin_url = _postgres_url(url, "postgres")
        with psycopg.connect(admin_url, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if not (keep and exists):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = _postgres_url(url, name)
        if keep:
            admin_url = None  # not dropped
    try:
        subprocess.run(
            [sys.executable, "-m", "openprm", "migrate", "--verbosity", "0"],
            env={**env, "DEBUG": "0"},
            check=True,
        )
        yield env
    finally:
        if admin_url:
            import psycopg

            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def child_json(env: dict[str, str], module: str, argument: str) -> str:
    """Run ``python -m module --child argument`` and return its last line."""
    output = subprocess.run(
        [sys.executable, "-m", module, "--child", argument],
        env=env,
        check=True,
        stdout=subprocess.PIPE,  # its errors go to ours
        text=True,
    ).stdout
    return output.strip().splitlines()[-1]


def peak_rss_reset() -> None:
    """Start a new peak (``VmHWM``) for this process (Linux)."""
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def peak_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0
