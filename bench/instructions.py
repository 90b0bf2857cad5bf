"""Instructions per request of a scenario and of its floor, counted by valgrind.

Every timed figure moves with what else the machine runs: on a loaded machine a
page and its floor lose throughput unevenly, and a ratio under load says little.
Callgrind counts the instructions a request executes (Python, Django, the database
driver and SQLite itself), which do not depend on the load: the same code and data
give the same count. It is the figure to compare a change with while the machine is
busy; the timed ratio of ``make bench`` stays the one the targets are stated in.

Requests run in this process through Django's test client (no HTTP server, no
load generator), signed in as the scenario signs in, over the scenario's own
pages of the data set ``make bench`` built last (migrated first, so tables
newer than the data set are there, empty).
Each figure is the difference between two runs, ``--requests`` requests and
none, so start-up and the first requests' compilation are left out.

    python -m bench.instructions portal-library-24 [--requests 20]

needs ``valgrind`` (Debian's package). SQLite by default; with ``DATABASE_URL`` the
benchmark's PostgreSQL database (the server's own instructions are not counted).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

from bench.environment import bench_database, configure_django, openprm
from bench.scenarios import by_name, pages_for

WARM_UP = 8


def _requests(name: str, count: int) -> None:
    """The child: ``WARM_UP`` then ``count`` requests of scenario ``name``."""
    configure_django(bench_database())
    from django.conf import settings
    from django.test import Client

    from bench.dataset import (
        BENCH_PARTNER_EMAIL,
        BENCH_TOKEN,
        BENCH_USER_EMAIL,
        bench_partner_id,
        row_counts,
    )
    from openprm.accounts.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    scenario = by_name()[name]
    client = Client()
    headers = {}
    if scenario.portal or scenario.auth:
        email = BENCH_PARTNER_EMAIL if scenario.portal else BENCH_USER_EMAIL
        client.force_login(User.objects.get(email=email))
    if scenario.token:
        headers["Authorization"] = f"Bearer {BENCH_TOKEN}"
    rows = scenario.rows
    pages = pages_for(
        row_counts()[rows.removesuffix(":deep")], deep=rows.endswith(":deep")
    )
    paths = scenario.paths(pages, partner=bench_partner_id())
    for index in range(WARM_UP + count):
        response = client.get(paths[index % len(paths)], headers=headers)
        if response.status_code != 200:
            raise SystemExit(
                f"{name}: {paths[index % len(paths)]} answered {response.status_code}"
            )


def _instructions(name: str, count: int) -> int:
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-m",
        "bench.instructions",
        "--child",
        name,
        "--requests",
        str(count),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"{name}: valgrind failed\n{done.stderr[-2000:]}")
    return int(found.group(1))


def per_request(name: str, count: int) -> float:
    """Instructions of one request of ``name``, start-up left out."""
    return (_instructions(name, count) - _instructions(name, 0)) / count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.instructions", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("scenario", help="a scenario's name (--list-scenarios)")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _requests(args.scenario, args.requests)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian's package 'valgrind').")
    scenario = by_name().get(args.scenario)
    if scenario is None:
        raise SystemExit(f"No scenario named {args.scenario!r}")
    os.environ.setdefault("PYTHONHASHSEED", "0")
    # The data set may predate this code's newest tables: add them (empty).
    openprm(bench_database(), "migrate", "--no-input", "--verbosity", "0")
    page = per_request(scenario.name, args.requests)
    floor = per_request(scenario.floor, args.requests)
    print(f"{scenario.name:28s} {page / 1e6:8.2f} M instructions per request")
    print(f"{scenario.floor:28s} {floor / 1e6:8.2f} M instructions per request")
    print(f"{'floor / page':28s} {floor / page:8.3f}")


if __name__ == "__main__":
    main()
