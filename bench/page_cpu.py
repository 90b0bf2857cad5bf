"""Pages timed in one process: CPU and wall time per request, page against floor.

On a loaded machine the HTTP harness (``python -m bench``) cannot finish a page that
takes seconds in its rounds (the console pipeline at 100,000 deals completed no
request in 10 s rounds at load average 20-30). This reads the same URLs through
Django's test ``Client`` (the whole middleware stack, no HTTP server), signed in as
the benchmark's users, on the data set the harness built, alternating page and
floor round after round, and prints the median CPU time (``time.process_time``,
which on SQLite includes the database's work, done in this process; on PostgreSQL
it leaves out the server's) and wall time of each, and each page's ratio to the
first URL (its floor)::

    OPENPRM_VAR_DIR=bench/results/sqlite OPENPRM_BENCH_ENDPOINTS=1 \\
        python -m bench.page_cpu --rounds 5 /_bench/floor/console-pipeline/ \\
        /console/pipeline/ portal:/portal/pipeline/

A URL prefixed ``portal:`` is read as the bench partner admin, others as the vendor
admin. Not a test; a yardstick for slow pages, beside the harness.
"""

import argparse
import os
import statistics
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.page_cpu")
    parser.add_argument("urls", nargs="+", help="the floor first, then the pages")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprm.settings")
    os.environ.setdefault("OPENPRM_BENCH_ENDPOINTS", "1")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from bench.dataset import BENCH_PARTNER_EMAIL
    from openprm.accounts.models import User

    clients = {}
    for kind, email in (
        ("console", "bench.admin@openprm.example"),
        ("portal", BENCH_PARTNER_EMAIL),
    ):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(email=email))
        clients[kind] = client
    reads = []
    for url in args.urls:
        kind, path = ("portal", url[7:]) if url.startswith("portal:") else ("", url)
        reads.append((url, clients[kind or "console"], path))
    cpu: dict[str, list[float]] = {url: [] for url, _client, _path in reads}
    wall: dict[str, list[float]] = {url: [] for url, _client, _path in reads}
    for url, client, path in reads:  # warm-up: imports, compiled queries
        response = client.get(path)
        if response.status_code != 200:
            print(f"{url}: HTTP {response.status_code}", file=sys.stderr)
            return 1
    for _round in range(args.rounds):
        for url, client, path in reads:
            started_cpu, started = time.process_time(), time.perf_counter()
            client.get(path)
            cpu[url].append(time.process_time() - started_cpu)
            wall[url].append(time.perf_counter() - started)
    floor = reads[0][0]
    print(
        f"{connection.vendor}, {args.rounds} rounds, load average "
        + " / ".join(f"{value:.2f}" for value in os.getloadavg())
    )
    print("| url | CPU ms | wall ms | floor CPU / CPU | floor wall / wall |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for url, _client, _path in reads:
        cpu_ms = statistics.median(cpu[url]) * 1000
        wall_ms = statistics.median(wall[url]) * 1000
        floor_cpu = statistics.median(cpu[floor]) * 1000
        floor_wall = statistics.median(wall[floor]) * 1000
        print(
            f"| `{url}` | {cpu_ms:,.1f} | {wall_ms:,.1f} | "
            f"{floor_cpu / cpu_ms:.3f} | {floor_wall / wall_ms:.3f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
