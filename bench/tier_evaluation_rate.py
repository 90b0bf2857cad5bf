"""The tier evaluation's rate (partners/s) and whether its cost per partner stays
flat as partners grow (issue 17).

Not an HTTP scenario. ``python -m bench.tier_evaluation_rate 1000 10000`` runs it
alone (``--months`` of rollup per partner, default 12). ``DATABASE_URL`` picks
PostgreSQL: a throwaway database ``<its name>_tiers`` is created next to it and
dropped afterwards; otherwise a SQLite file in a temporary folder.

One fresh database, migrated by another process, with one programme of three
tiers: Gold needs 100,000 of won revenue and 5 deals won over the last 12 months,
Platinum 500,000, 20 deals won and 200,000 of reported sales. Partners are added
to reach each size, each enrolled and given 12 months of month rollup
(``MonthlyValue``: won revenue, deals won and lost, reported sales): a third at
Silver with Gold's figures (promote), a third at Gold with them (keep), a third at
Gold without them (demote). Then, for each size:

1. **first**: no recommendation exists; two partners in three get one, with its
   audit entry and ``tier.recommended`` event;
2. **again**: the same figures; the open recommendations stay as they are;
3. **withdrawn**: the tiers' requirements deleted, every partner keeps its tier
   and every open recommendation is withdrawn (requirements restored after).

Each is ``metrics.tiers.tiers_evaluate()`` over every active enrolment, the
function the daily sweep runs. It reports partners/s, µs per partner (wall and
this process's CPU) and the SQL statements per partner; the cost per partner at
the largest size over the smallest is about 1 when it is flat.
"""

import argparse
import json
import os
import sys
import time
from decimal import Decimal

from bench.report import per_partner_flatness

PHASES = ("first", "again", "withdrawn")
REQUIREMENTS = {  # tier rank: (metric, threshold)
    2: (("won_revenue", 100_000), ("deals_won", 5)),
    3: (("won_revenue", 500_000), ("deals_won", 20), ("trailing_12m_sales", 200_000)),
}
# Per month, by partner kind (n % 3): promote and keep meet Gold, demote misses it.
MONTHLY = {
    0: {"won_revenue": 12_000, "deals_won": 1, "deals_lost": 1, "reported_sales": 900},
    1: {"won_revenue": 15_000, "deals_won": 2, "deals_lost": 1, "reported_sales": 800},
    2: {"won_revenue": 2_000, "deals_won": 0, "deals_lost": 2, "reported_sales": 300},
}


def _add(partners_from: int, partners_to: int, months: int, programme, tiers) -> None:
    """Partners ``partners_from``..``partners_to - 1``, enrolled, with ``months``
    months of rollup each (the current month last)."""
    from django.utils import timezone

    from openprm.metrics.models import MonthlyValue
    from openprm.metrics.selectors import Period
    from openprm.partners.models import Partner
    from openprm.programs.models import Enrolment

    silver, gold = tiers[1], tiers[2]
    month_days = Period.trailing(months, today=timezone.localdate()).months()
    chunk = 1000
    for start in range(partners_from, partners_to, chunk):
        stop = min(start + chunk, partners_to)
        partners = Partner.objects.bulk_create(
            [
                Partner(name=f"Bench tiers {n}", status="active")
                for n in range(start, stop)
            ]
        )
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    partner=partner,
                    programme=programme,
                    tier=silver if n % 3 == 0 else gold,
                )
                for n, partner in zip(range(start, stop), partners, strict=True)
            ]
        )
        MonthlyValue.objects.bulk_create(
            [
                MonthlyValue(
                    partner=partner, month=month, series=series, value=Decimal(value)
                )
                for n, partner in zip(range(start, stop), partners, strict=True)
                for month in month_days
                for series, value in MONTHLY[n % 3].items()
            ],
            batch_size=5000,
        )


class _Counter:
    """Counts the SQL statements run (``connection.execute_wrapper``)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _timed(label: str, partners: int) -> dict:
    from django.db import connection

    from openprm.metrics.tiers import tiers_evaluate

    counter = _Counter()
    started, cpu_started = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(counter):
        counts = tiers_evaluate()
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    return {
        "phase": label,
        "seconds": round(seconds, 3),
        "partners_per_s": round(partners / seconds),
        "us_per_partner": round(seconds / partners * 1e6, 1),
        # This process's CPU alone: the steadier figure on a loaded machine; on
        # SQLite it is all the work, on PostgreSQL the server's share is left out.
        "cpu_us_per_partner": round(cpu_seconds / partners * 1e6, 1),
        "queries": counter.count,
        "queries_per_partner": round(counter.count / partners, 3),
        **counts,
    }


def _require(tiers) -> None:
    from openprm.programs.models import TierRequirement

    TierRequirement.objects.bulk_create(
        [
            TierRequirement(tier=tiers[rank], metric=metric, threshold=threshold)
            for rank, rules in REQUIREMENTS.items()
            for metric, threshold in rules
        ]
    )


def child(sizes: list[int], months: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprm.settings")
    os.environ["DEBUG"] = "0"
    os.environ["TASKS_BACKEND"] = "database"
    import django

    django.setup()
    from django.db import connection

    from openprm.metrics.models import MonthlyValue, TierRecommendation
    from openprm.programs.models import Programme, Tier, TierRequirement

    programme = Programme.objects.create(name="Bench tiers", slug="bench-tiers")
    tiers = {
        rank: Tier.objects.create(programme=programme, name=name, rank=rank)
        for rank, name in ((1, "Silver"), (2, "Gold"), (3, "Platinum"))
    }
    _require(tiers)
    results = []
    made = 0
    for size in sorted(sizes):
        _add(made, size, months, programme, tiers)
        made = size
        TierRecommendation.objects.all().delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        phases = [_timed("first", size), _timed("again", size)]
        TierRequirement.objects.all().delete()
        phases.append(_timed("withdrawn", size))
        _require(tiers)
        results.append(
            {
                "partners": size,
                "rollup_rows": MonthlyValue.objects.count(),
                "phases": phases,
            }
        )
    return {
        "database": connection.vendor,
        "months": months,
        "sizes": results,
        "plan": _plan(),
    }


def _plan() -> list[str]:
    """The database's plan of the rollup read (EXPLAIN QUERY PLAN on SQLite,
    EXPLAIN on PostgreSQL) for every partner."""
    from django.db import connection

    from openprm.metrics.models import MonthlyValue
    from openprm.metrics.selectors import REQUIREMENT_MONTHS, Period
    from openprm.partners.models import Partner

    period = Period.trailing(REQUIREMENT_MONTHS)
    ids = list(Partner.objects.values_list("pk", flat=True))
    query = (
        MonthlyValue.objects.filter(
            partner_id__in=ids, month__gte=period.first, month__lte=period.last
        )
        .order_by()
        .values_list("partner_id", "month", "series", "value")
    )
    sql, params = query.query.sql_with_params()
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(explain + sql, params)
        return [
            " ".join(str(value) for value in row)[:160] for row in cursor.fetchall()
        ]


def run(sizes: list[int], months: int) -> dict:
    from bench import throwaway

    with throwaway.database("tiers") as env:
        argument = json.dumps({"sizes": sizes, "months": months})
        return json.loads(
            throwaway.child_json(env, "bench.tier_evaluation_rate", argument)
        )


def lines(result: dict) -> list[str]:
    out = [
        f"Tier evaluation ({result['database']}, {result['months']} months of "
        "rollup per partner):"
    ]
    for size in result["sizes"]:
        out.append(
            f"  {size['partners']:>6,} partners, {size['rollup_rows']:>7,} rollup rows:"
        )
        for phase in size["phases"]:
            out.append(
                f"    {phase['phase']:<9} {phase['partners_per_s']:>6,}/s "
                f"({phase['us_per_partner']} µs each, CPU "
                f"{phase['cpu_us_per_partner']} µs, "
                f"{phase['queries_per_partner']} queries each; promote "
                f"{phase['promote']}, keep {phase['keep']}, demote {phase['demote']})"
            )
    out.append("  plan of the rollup read:")
    out += [f"    {line}" for line in result.get("plan", [])]
    out += per_partner_flatness(result["sizes"], PHASES)
    return out


def report(sizes=(1000, 10_000), months: int = 12, say=print) -> dict:
    """Measure the sizes in one fresh database and print the figures (``make
    bench``)."""
    say(f"Tier evaluation: {', '.join(f'{n:,}' for n in sizes)} partners ...")
    result = run(list(sizes), months)
    for line in lines(result):
        say(line)
    return result


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        arguments = json.loads(sys.argv[2])
        print(json.dumps(child(arguments["sizes"], arguments["months"])))
    else:
        parser = argparse.ArgumentParser(
            prog="python -m bench.tier_evaluation_rate",
            description="The tier evaluation's rate and its cost per partner for "
            "each number of partners given (DATABASE_URL picks PostgreSQL: <its "
            "name>_tiers is created and dropped).",
        )
        parser.add_argument(
            "partners",
            nargs="*",
            type=int,
            default=[1000, 10_000],
            help="default: 1000 10000",
        )
        parser.add_argument("--months", type=int, default=12)
        arguments = parser.parse_args()
        for line in lines(run(arguments.partners, arguments.months)):
            print(line)
