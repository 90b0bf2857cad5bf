"""A partner's balance and history page ("What I have earned", the portal's
``/portal/earnings/``) as the points ledger grows: its cost per request and its
queries with 100,000 entries in the table and with 10 times more.

Not an HTTP scenario. ``python -m bench.earnings_page 100000 1000000 [--requests
40] [--own 5000]`` runs it alone, on a throwaway database (``bench.throwaway``:
SQLite in a temporary folder, or ``<DATABASE_URL's name>_earnings``). For each
size, the ledger is filled up to that many entries: the first ``--own`` entries
(earn entries of its sales, each with its open lot) belong to the bench
partner's company account, written through ``core.bulk_sql``; the rest belong to
10,000 other partners' accounts in turn (four earn entries by the bench rule, a
sales line each, then a redeem, and a lot per earn entry, a third of them still
open), written set-based: one ``INSERT ... SELECT`` per million entries over a
recursive CTE (SQLite) or ``generate_series`` (PostgreSQL, foreign-key triggers
off for the fill), with the entries' and lots' secondary indexes dropped first and
built again after, as a restore does. Then ``ANALYZE``, and ``--requests``
requests of the page (first page and pages 2 to 5 in turn) run in this process
through Django's test client, signed in as the bench partner's admin. It reports
CPU time per request (median of five runs) and the query count; the last line
divides the cost at the largest size by the smallest: 1 is flat.

``python -m bench.earnings_page 100000 1000000 10000000`` measures the issue's
range (10,000,000 entries take about 4.5 GB of disk); ``make bench`` measures 100,000
and 1,000,000.
"""

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

OTHER_PARTNERS = 10_000
CHUNK = 1_000_000  # entries a statement (and a transaction) of the set-based fill
START = datetime(2023, 1, 1, tzinfo=UTC)
STEP_SECONDS = 37  # entry n happens n * 37 s after START (10M entries: ~12 years)
TABLES = ("incentives_pointsentry", "incentives_pointslot")


def _setup() -> dict:
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from openprm.accounts.models import User
    from openprm.incentives.choices import RuleBasis
    from openprm.incentives.models import EarningRule, PointsAccount
    from openprm.partners.models import Partner
    from openprm.tenancy.models import Membership

    partners = Partner.objects.bulk_create(
        [
            Partner(name=f"Bench earnings {n}", status="active")
            for n in range(OTHER_PARTNERS + 1)
        ],
        batch_size=2000,
    )
    bench = partners[0]
    user = User.objects.create(
        email="bench.earnings@openprm.example", password=make_password(None)
    )
    Membership.objects.create(user=user, partner=bench, roles=["partner_admin"])
    accounts = PointsAccount.objects.bulk_create(
        [PointsAccount(partner=partner) for partner in partners], batch_size=2000
    )
    rule = EarningRule.objects.create(
        name="Bench rule: 10 points per unit", basis=RuleBasis.PER_UNIT, points=10
    )
    # The other accounts by slot (entry n >= own belongs to slot n % OTHERS),
    # for the set-based fill to join on.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_slot (slot integer PRIMARY KEY, "
            "account_id bigint NOT NULL, partner_id bigint NOT NULL)"
        )
        cursor.executemany(
            "INSERT INTO bench_slot VALUES (%s, %s, %s)",
            [
                (slot, account.pk, partner.pk)
                for slot, (account, partner) in enumerate(
                    zip(accounts[1:], partners[1:], strict=True)
                )
            ],
        )
    return {
        "user": user.pk,
        "rule": rule.pk,
        "bench_account": accounts[0].pk,
        "bench_partner": bench.pk,
    }


def _own(first: int, last: int, ids: dict) -> None:
    """The bench account's entries ``first``..``last - 1``: earn entries of its
    sales, each with its open lot (through ``core.bulk_sql``, as the import)."""
    from django.db import connection

    from openprm.core import bulk_sql
    from openprm.incentives.models import PointsEntry, PointsLot

    adapt = connection.ops.adapt_datetimefield_value
    native = connection.features.has_native_uuid_field
    expires = adapt(START + timedelta(days=5 * 365))
    entries, lots = [], []
    for number in range(first, last):
        when = adapt(START + timedelta(seconds=number * STEP_SECONDS))
        public_id = uuid.UUID(int=(0xBE << 120) | (number + 1))
        points = 10 + number % 90
        entries.append(
            (
                number + 1,
                public_id if native else public_id.hex,
                ids["bench_account"],
                ids["bench_partner"],
                "earn",
                points,
                "Bench rule: 10 points per unit",
                ids["rule"],
                "sales_line",
                str(number + 1),
                f"Invoice INV-{number + 1}: SKU-1",
                None,
                None,
                when,
            )
        )
        lots.append((ids["bench_account"], number + 1, points, points, when, expires))
    bulk_sql.copy_rows(PointsEntry, PointsEntry.BULK_FIELDS, entries)
    bulk_sql.copy_rows(PointsLot, PointsLot.BULK_FIELDS, lots)


# Entries first..last-1 of the other accounts, in one INSERT ... SELECT over a
# generated series: four earn entries (points 10-99, the bench rule, a sales
# line each) then a redeem of 5 points, in turn; and a lot per earn entry, a
# third of them still open (the rest spent), expiring two years after.
_SQLITE_ENTRIES = """
WITH RECURSIVE seq(n) AS (
    SELECT %(first)s UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < %(last)s
)
INSERT INTO incentives_pointsentry (
    id, public_id, account_id, partner_id, kind, points, reason, rule_id,
    source_type, source_id, source_label, reverses_id, actor_id, occurred_at
)
SELECT n + 1, printf('be%%030x', n + 1), s.account_id, s.partner_id,
    CASE WHEN n %% 5 = 4 THEN 'redeem' ELSE 'earn' END,
    CASE WHEN n %% 5 = 4 THEN -5 ELSE 10 + n %% 90 END,
    CASE WHEN n %% 5 = 4 THEN 'Redeemed: bench reward'
        ELSE 'Bench rule: 10 points per unit' END,
    CASE WHEN n %% 5 = 4 THEN NULL ELSE %(rule)s END,
    CASE WHEN n %% 5 = 4 THEN 'order' ELSE 'sales_line' END,
    CAST(n + 1 AS text),
    CASE WHEN n %% 5 = 4 THEN 'Order ' || (n + 1)
        ELSE 'Invoice INV-' || (n + 1) || ': SKU-1' END,
    NULL, NULL,
    datetime('2023-01-01', '+' || (n * 37) || ' seconds')
FROM seq JOIN bench_slot s ON s.slot = n %% %(others)s
"""
_POSTGRES_ENTRIES = """
INSERT INTO incentives_pointsentry (
    id, public_id, account_id, partner_id, kind, points, reason, rule_id,
    source_type, source_id, source_label, reverses_id, actor_id, occurred_at
)
SELECT n + 1, ('be' || lpad(to_hex(n + 1), 30, '0'))::uuid, s.account_id,
    s.partner_id,
    CASE WHEN n %% 5 = 4 THEN 'redeem' ELSE 'earn' END,
    CASE WHEN n %% 5 = 4 THEN -5 ELSE 10 + n %% 90 END,
    CASE WHEN n %% 5 = 4 THEN 'Redeemed: bench reward'
        ELSE 'Bench rule: 10 points per unit' END,
    CASE WHEN n %% 5 = 4 THEN NULL ELSE %(rule)s END,
    CASE WHEN n %% 5 = 4 THEN 'order' ELSE 'sales_line' END,
    (n + 1)::text,
    CASE WHEN n %% 5 = 4 THEN 'Order ' || (n + 1)
        ELSE 'Invoice INV-' || (n + 1) || ': SKU-1' END,
    NULL, NULL,
    timestamptz '2023-01-01 00:00:00+00' + n * interval '37 seconds'
FROM generate_series(%(first)s::bigint, %(last)s::bigint - 1) AS n
JOIN bench_slot s ON s.slot = n %% %(others)s
"""
_SQLITE_LOTS = """
INSERT INTO incentives_pointslot (
    account_id, entry_id, amount, remaining, earned_at, expires_at
)
SELECT account_id, id, points, CASE WHEN id %% 3 = 0 THEN points ELSE 0 END,
    occurred_at, datetime(occurred_at, '+730 days')
FROM incentives_pointsentry
WHERE id > %(first)s AND id <= %(last)s AND kind = 'earn'
"""
_POSTGRES_LOTS = """
INSERT INTO incentives_pointslot (
    account_id, entry_id, amount, remaining, earned_at, expires_at
)
SELECT account_id, id, points, CASE WHEN id %% 3 = 0 THEN points ELSE 0 END,
    occurred_at, occurred_at + interval '730 days'
FROM incentives_pointsentry
WHERE id > %(first)s AND id <= %(last)s AND kind = 'earn'
"""


def _secondary_indexes(cursor) -> list[tuple[str, str]]:
    """The entries' and lots' indexes (name, definition) that no constraint
    owns: dropped during the fill and built again after it, as a restore does
    (building an index by sorting instead of row by row)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM "
            "pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass)",
            [list(TABLES)],
        )
    else:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name IN (%s, %s) AND sql IS NOT NULL",
            list(TABLES),
        )
    return list(cursor.fetchall())


def _fill(made: int, size: int, own: int, ids: dict) -> None:
    """Entries ``made``..``size - 1``: the bench account's first (``own`` in
    all, in Python), then the other accounts' (set-based SQL); lots for every
    earn entry; the secondary indexes built after."""
    from django.db import connection, transaction

    postgres = connection.vendor == "postgresql"
    entries_sql = _POSTGRES_ENTRIES if postgres else _SQLITE_ENTRIES
    lots_sql = _POSTGRES_LOTS if postgres else _SQLITE_LOTS
    with connection.cursor() as cursor:
        indexes = _secondary_indexes(cursor)
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    if made < min(own, size):
        with transaction.atomic():
            _own(made, min(own, size), ids)
    for first in range(max(made, own), size, CHUNK):
        last = min(first + CHUNK, size)
        bounds = {
            "first": first,
            "last": last,
            "rule": ids["rule"],
            "others": OTHER_PARTNERS,
        }
        with transaction.atomic(), connection.cursor() as cursor:
            if postgres:
                # The rows refer to accounts, partners, the rule and entries that
                # exist (made above): no foreign-key trigger per row, as
                # pg_restore --disable-triggers (the bench connects as a superuser).
                cursor.execute("SET LOCAL session_replication_role = replica")
            # Integers only, formatted into the statement.
            cursor.execute(entries_sql % bounds)
            cursor.execute(lots_sql % bounds)
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        if postgres:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('incentives_pointsentry', "
                "'id'), %s)",
                [size],
            )
        cursor.execute("ANALYZE")


def _database_ms(statements: list[tuple[str, object]]) -> float | None:
    """What the page's reads cost inside PostgreSQL (the server's own time,
    which this process's CPU time does not include): the sum of their
    ``EXPLAIN (ANALYZE)`` execution times, run again warm. None on SQLite, where
    the database runs in this process and its time is in the CPU figure."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    total = 0.0
    with connection.cursor() as cursor:
        for sql, params in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            total += plan[0]["Execution Time"]
    return round(total, 3)


def _measure(client, requests: int) -> tuple[float, float, int, float | None]:
    from django.db import connection

    paths = [
        "/portal/earnings/",
        *(f"/portal/earnings/?page={n}" for n in (2, 3, 4, 5)),
    ]
    for path in paths:  # warm
        assert client.get(path).status_code == 200
    queries = []

    def counted(execute, sql, params, many, context):
        queries.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):  # kept across reconnections
        client.get(paths[0])
    database_ms = _database_ms(queries)
    runs, walls = [], []
    for _ in range(5):
        started, wall = time.process_time(), time.perf_counter()
        for index in range(requests):
            response = client.get(paths[index % len(paths)])
            assert response.status_code == 200
        runs.append((time.process_time() - started) / requests)
        walls.append((time.perf_counter() - wall) / requests)
    return statistics.median(runs), statistics.median(walls), len(queries), database_ms


def child(sizes: list[int], own: int, requests: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprm.settings")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from openprm.accounts.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # No collectstatic in the throwaway folder: plain static URLs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    ids = _setup()
    client = Client()
    client.force_login(User.objects.get(pk=ids["user"]))
    results, made = [], 0
    for size in sorted(sizes):
        started = time.perf_counter()
        _fill(made, size, own, ids)
        made = size
        fill_seconds = time.perf_counter() - started
        seconds, wall, queries, database_ms = _measure(client, requests)
        results.append(
            {
                "entries": size,
                "own_entries": min(own, size),
                "fill_seconds": round(fill_seconds, 1),
                "ms_per_request": round(seconds * 1000, 2),
                "wall_ms_per_request": round(wall * 1000, 2),
                "database_ms_first_page": database_ms,
                "queries": queries,
            }
        )
        # Each size as it is measured (a long run's smaller sizes are not lost).
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    return {"database": connection.vendor, "sizes": results}


def run(sizes: list[int], own: int = 5000, requests: int = 40) -> dict:
    from bench import throwaway

    with throwaway.database("earnings") as env:
        argument = json.dumps({"sizes": sizes, "own": own, "requests": requests})
        return json.loads(throwaway.child_json(env, "bench.earnings_page", argument))


def lines(result: dict) -> list[str]:
    out = [f"Balance and history page ({result['database']}):"]
    for size in result["sizes"]:
        out.append(
            f"  {size['entries']:>10,} entries ({size['own_entries']:,} the "
            f"partner's): {size['ms_per_request']} ms of CPU per request, "
            f"{size['queries']} queries (filled in {size['fill_seconds']} s); "
            f"wall {size['wall_ms_per_request']} ms"
            + (
                f"; the first page's reads {size['database_ms_first_page']} ms "
                "inside PostgreSQL"
                if size["database_ms_first_page"] is not None
                else ""
            )
        )
    first, last = result["sizes"][0], result["sizes"][-1]
    out.append(
        f"  cost per request, {last['entries']:,} over {first['entries']:,} "
        f"entries = {last['ms_per_request'] / first['ms_per_request']:.2f} "
        "(1 is flat)"
    )
    return out


def report(sizes=(100_000, 1_000_000), say=print) -> dict:
    say(f"Balance and history page: {', '.join(f'{n:,}' for n in sizes)} entries ...")
    result = run(list(sizes))
    for line in lines(result):
        say(line)
    return result


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        arguments = json.loads(sys.argv[2])
        print(json.dumps(child(**arguments)))
    else:
        parser = argparse.ArgumentParser(
            prog="python -m bench.earnings_page",
            description=__doc__.split("\n\n")[0],
        )
        parser.add_argument(
            "entries", nargs="*", type=int, default=[100_000, 1_000_000]
        )
        parser.add_argument("--own", type=int, default=5000)
        parser.add_argument("--requests", type=int, default=40)
        arguments = parser.parse_args()
        result = run(arguments.entries, arguments.own, arguments.requests)
        for line in lines(result):
            print(line)
