"""The console pipeline's figures timed in one process, without the page around them.

``pipeline_summary`` as the console page calls it (the ecosystem by stage, month,
quarter and region, and the 20 largest partners), for the benchmark's vendor admin,
on the data set the harness built; beside it the floor's per-partner ``GROUP BY``
(``floor-console-pipeline``'s third query). Median CPU time (``time.process_time``:
on SQLite the database's work too) and wall time::

    OPENPRM_VAR_DIR=bench/results/sqlite python -m bench.pipeline_cpu --rounds 3

Not a test; a yardstick for the pipeline's scaling (100,000 against 1,000,000 deals)
on a machine too loaded for the HTTP harness to finish the page in its rounds.
"""

import argparse
import os
import statistics
import sys
import time

PARTNER_FLOOR_SQL = (
    "SELECT partner_id, SUM(amount_minor) AS amount FROM deals_pipelinecell "
    "WHERE deal_count > 0 AND stage_id IN "
    "(SELECT id FROM deals_stage WHERE kind = 'open') "
    "GROUP BY partner_id ORDER BY amount DESC LIMIT 20"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pipeline_cpu")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprm.settings")
    import django

    django.setup()
    from django.db import connection

    from openprm.accounts.models import User
    from openprm.deals.models import Deal, PipelineCell
    from openprm.deals.pipeline.selectors import pipeline_summary

    admin = User.objects.get(email="bench.admin@openprm.example")

    def summary():
        return pipeline_summary(user=admin, regions=True, partners=20)

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(PARTNER_FLOOR_SQL)
            return cursor.fetchall()

    results = {}
    for name, read in (("pipeline_summary", summary), ("partner GROUP BY", floor)):
        read()  # warm-up
        cpu, wall = [], []
        for _round in range(args.rounds):
            started_cpu, started = time.process_time(), time.perf_counter()
            read()
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started)
        results[name] = (statistics.median(cpu), statistics.median(wall))
    top = summary().partners[:3]
    print(
        f"{connection.vendor}: {Deal.objects.count():,} deals, "
        f"{PipelineCell.objects.count():,} cells; load average "
        + " / ".join(f"{value:.2f}" for value in os.getloadavg())
    )
    for name, (cpu, wall) in results.items():
        print(f"  {name}: CPU {cpu * 1000:,.0f} ms, wall {wall * 1000:,.0f} ms")
    largest = ", ".join(f"{line.key} {line.figures.weighted}" for line in top)
    print(f"  largest: {largest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
