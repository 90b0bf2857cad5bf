"""A partner's balance and history page ("What I have earned", the portal's
``/portal/earnings/``) as the points ledger grows: its cost per request and its
queries with 100,000 entries in the table and with 10 times more.

Not an HTTP scenario. ``python -m bench.earnings_page 100000 1000000 [--requests
40] [--own 5000]`` runs it alone, on a throwaway database (``bench.throwaway``:
SQLite in a temporary folder, or ``<DATABASE_URL's name>_earnings``). For each
size, the ledger is filled up to that many entries by bulk inserts (one account
per partner; ``--own`` of them, with their open lots, belong to the bench
partner's company account, years of its sales; the rest to 1,000 other
partners), ``ANALYZE`` runs, and ``--requests`` requests of the page (first
page and pages 2 to 5 in turn) run in this process through Django's test client,
signed in as the bench partner's admin. It reports CPU time per request (median
of five runs) and the query count; the last line divides the cost at the
largest size by the smallest: 1 is flat.

10,000,000 entries take several minutes and about 3 GB of disk on SQLite; give
them as a size when there is room (``make bench`` measures 100,000 and
1,000,000).
"""

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

OTHER_PARTNERS = 1000
CHUNK = 50_000


def _setup() -> dict:
    from django.contrib.auth.hashers import make_password

    from openprm.accounts.models import User
    from openprm.incentives.models import PointsAccount
    from openprm.partners.models import Partner
    from openprm.tenancy.models import Membership

    partners = Partner.objects.bulk_create(
        [
            Partner(name=f"Bench earnings {n}", status="active")
            for n in range(OTHER_PARTNERS + 1)
        ]
    )
    bench = partners[0]
    user = User.objects.create(
        email="bench.earnings@openprm.example", password=make_password(None)
    )
    Membership.objects.create(user=user, partner=bench, roles=["partner_admin"])
    accounts = PointsAccount.objects.bulk_create(
        [PointsAccount(partner=partner) for partner in partners]
    )
    return {
        "user": user.pk,
        "bench_account": accounts[0].pk,
        "bench_partner": bench.pk,
        "others": [
            (a.pk, p.pk) for a, p in zip(accounts[1:], partners[1:], strict=True)
        ],
    }


def _fill(made: int, size: int, own: int, ids: dict) -> None:
    """Entries ``made``..``size - 1``: the bench account's first (``own`` in
    all), then the other accounts' in turn; earn entries with a lot each for
    the bench account, earn and redeem entries for the others."""
    from django.db import connection, transaction

    from openprm.core import bulk_sql
    from openprm.incentives.models import PointsEntry, PointsLot

    start = datetime(2023, 1, 1, tzinfo=UTC)
    adapt = connection.ops.adapt_datetimefield_value
    native = connection.features.has_native_uuid_field
    others = ids["others"]
    expires = adapt(start + timedelta(days=5 * 365))
    for first in range(made, size, CHUNK):
        entries, lots = [], []
        for number in range(first, min(first + CHUNK, size)):
            when = adapt(start + timedelta(seconds=number * 37))
            public_id = uuid.uuid4()
            public_id = public_id if native else public_id.hex
            if number < own:
                account, partner = ids["bench_account"], ids["bench_partner"]
            else:
                account, partner = others[number % len(others)]
            kind, points = ("earn", 10 + number % 90)
            if number >= own and number % 5 == 4:
                kind, points = "redeem", -5
            entries.append(
                (
                    number + 1,
                    public_id,
                    account,
                    partner,
                    kind,
                    points,
                    "Bench rule",
                    None,
                    "sales_line",
                    str(number + 1),
                    f"Invoice INV-{number + 1}: SKU-1",
                    None,
                    None,
                    when,
                )
            )
            if number < own:
                lots.append((account, number + 1, points, points, when, expires))
        with transaction.atomic():
            bulk_sql.copy_rows(PointsEntry, PointsEntry.BULK_FIELDS, entries)
            bulk_sql.copy_rows(PointsLot, PointsLot.BULK_FIELDS, lots)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('incentives_pointsentry', 'id'), "
                "%s)",
                [size],
            )
        cursor.execute("ANALYZE")


def _measure(client, requests: int) -> tuple[float, int]:
    from django.db import connection

    paths = [
        "/portal/earnings/",
        *(f"/portal/earnings/?page={n}" for n in (2, 3, 4, 5)),
    ]
    for path in paths:  # warm
        assert client.get(path).status_code == 200
    queries = []

    def counted(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):  # kept across reconnections
        client.get(paths[0])
    runs = []
    for _ in range(5):
        started = time.process_time()
        for index in range(requests):
            response = client.get(paths[index % len(paths)])
            assert response.status_code == 200
        runs.append((time.process_time() - started) / requests)
    return statistics.median(runs), len(queries)


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
        seconds, queries = _measure(client, requests)
        results.append(
            {
                "entries": size,
                "own_entries": min(own, size),
                "fill_seconds": round(fill_seconds, 1),
                "ms_per_request": round(seconds * 1000, 2),
                "queries": queries,
            }
        )
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
            f"{size['queries']} queries (filled in {size['fill_seconds']} s)"
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
