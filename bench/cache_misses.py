"""Warm against cold cached lists, timed in one process.

The warm and ``-cold`` search scenarios of ``bench/scenarios.py`` (16 search terms
against 512 in a cycle, more than a ``core.db.CachedList`` holds) read through
Django's test ``Client`` on the data set the harness built, alternating warm and
cold request by request; prints the mean CPU time (``time.process_time``: on SQLite
the database's work too) and wall time per request, and cold / warm::

    OPENPRM_VAR_DIR=bench/results/sqlite python -m bench.cache_misses --requests 512

Not a test; the harness measures the same pairs over HTTP when the machine lets it.
"""

import argparse
import os
import statistics
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cache_misses")
    parser.add_argument("--requests", type=int, default=512)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprm.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from bench.dataset import BENCH_TOKEN
    from bench.scenarios import SCENARIOS
    from openprm.accounts.models import User

    admin = Client(HTTP_HOST="127.0.0.1")
    admin.force_login(User.objects.get(email="bench.admin@openprm.example"))
    token = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {BENCH_TOKEN}")
    scenarios = {scenario.name: scenario for scenario in SCENARIOS}
    print(
        f"{connection.vendor}, {args.requests} requests each, load average "
        + " / ".join(f"{value:.2f}" for value in os.getloadavg())
    )
    print("| list | warm CPU ms | cold CPU ms | cold / warm CPU | cold / warm wall |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in (
        "api-directory-search-50",
        "console-directory-search-50",
        "api-deals-search-50",
    ):
        client = token if scenarios[name].token else admin
        warm = scenarios[name].paths([1])
        cold = scenarios[f"{name}-cold"].paths([1])
        for path in warm:  # the warm terms cached, as after the harness's warm-up
            client.get(path)
        times = {"warm": ([], []), "cold": ([], [])}
        for index in range(args.requests):
            for kind, paths in (("warm", warm), ("cold", cold)):
                started_cpu, started = time.process_time(), time.perf_counter()
                response = client.get(paths[index % len(paths)])
                times[kind][0].append(time.process_time() - started_cpu)
                times[kind][1].append(time.perf_counter() - started)
                if response.status_code != 200:
                    print(f"{name}: HTTP {response.status_code}", file=sys.stderr)
                    return 1
        warm_cpu, warm_wall = (statistics.mean(values) for values in times["warm"])
        cold_cpu, cold_wall = (statistics.mean(values) for values in times["cold"])
        print(
            f"| `{name}` | {warm_cpu * 1000:.2f} | {cold_cpu * 1000:.2f} | "
            f"{cold_cpu / warm_cpu:.3f} | {cold_wall / warm_wall:.3f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
