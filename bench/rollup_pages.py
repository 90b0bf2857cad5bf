"""The pages that read the metric rollups (the partner's portal home and the
console's executive dashboard) as the facts under the rollups grow: their cost
per request with 1,000,000 and with 10,000,000 fact rows, against a raw floor
reading the same rollup rows, and how long the product's rebuild of the rollups
takes at each size.

Not an HTTP scenario. ``python -m bench.rollup_pages 1000000 10000000
[--partners 10000] [--requests 20]`` runs it alone, on a throwaway database
(``bench.throwaway``: SQLite in a temporary folder, or ``<DATABASE_URL's
name>_rollups``). Setup: ``--partners`` partners (regions and types spread), a
programme with two tiers whose requirements name reported sales, every partner
enrolled; the bench partner's admin and a vendor admin. For each size the facts
are sales lines (the ``reported_sales`` series), spread evenly over the partners
and over the last 730 days, added by set-based SQL (``INSERT ... SELECT`` over a
recursive CTE on SQLite, ``generate_series`` on PostgreSQL; one statement per
million rows), then ``ANALYZE``, then the rollups are built by the product's own
nightly rebuild (``metrics.rollups.rebuild`` over the whole 25 months, every
series), timed. Then, in this process through Django's test client, in
interleaved runs (median of five runs of ``--requests`` requests each, wall
time, so the database's work counts on PostgreSQL too):

- ``portal-home``: ``/portal/`` and its tier progress card
  (``/portal/tier/progress/``, what reads the rollups), signed in as the bench
  partner's admin; ``portal-tier-progress`` is the card alone;
- ``floor-portal-page``: the fair floor of both (issue 17): "as good as plain
  Django can write" the same page, a ``login_required`` view behind the same
  session as the bench partner's admin that reads the user's partner membership
  and then the same month rollup rows in one query, rendered by an HTML template
  (``/_bench/floor/portal-metrics-page/``). A page has to authenticate its reader
  and find their organisation before it may read that organisation's figures, and
  it answers in HTML: a floor without those measured the portal's authentication
  and rendering as if they were waste;
- ``floor-portal-metrics``: the old floor, printed beside it for the record: the
  bench partner's month rollup rows of the last 12 months with ``.values()`` and
  JSON, unauthenticated (``/_bench/floor/portal-metrics/``);
- ``console-executive-dashboard``: ``/console/insights/`` (last 12 months, every
  partner) signed in as the vendor admin;
- ``floor-executive-dashboard``: the same grouped rollup reads with ``.values()``
  and JSON (``/_bench/floor/executive-dashboard/``).

It reports ms per request, the query count, each page's throughput relative to
its floor (floor ms / page ms: target >= 0.40; the portal pages against both
floors) and, last, each page's cost at the largest size over the smallest
(target <= 1.2).

``--keep`` keeps one database per size (``<name>_rollups_<size>``, or a
``openprm-rollups_<size>-kept`` folder for SQLite) and reuses it on the next
``--keep`` run, whose child finds the bench rows and the facts already there and
neither adds nor rebuilds them; ``--no-measure`` fills and rebuilds only. So the
long 10,000,000 fill can start before the code it measures is finished:
``--keep --no-measure`` first, ``--keep`` later (the sizes then come from separate
databases and processes; drop the databases by hand afterwards).
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta

CHUNK = 1_000_000
DAYS = 730  # the facts' spread, ending today
DEFAULT_PARTNERS = 10_000
BENCH_PARTNER_EMAIL = "bench.rollups@openprm.example"
BENCH_VENDOR_EMAIL = "bench.rollups.admin@openprm.example"
REGIONS = ("EMEA", "NA", "LATAM", "APAC")
TYPES = ("reseller", "msp", "referral", "distributor")
MULTIPLIER = 7919  # spreads a partner's lines over the days


def _setup(partners: int) -> dict:
    from django.contrib.auth.hashers import make_password

    from openprm.accounts.models import User
    from openprm.incentives.models import Product
    from openprm.partners.models import Partner
    from openprm.programs.models import Enrolment, Programme, Tier, TierRequirement
    from openprm.tenancy.models import Membership

    made = Partner.objects.bulk_create(
        [
            Partner(
                name=f"Bench rollups {n:05d}",
                status="active",
                region=REGIONS[n % len(REGIONS)],
                partner_type=TYPES[n % len(TYPES)],
                country="FR",
            )
            for n in range(partners)
        ],
        batch_size=2000,
    )
    ids = sorted(partner.pk for partner in made)
    assert ids[-1] - ids[0] == partners - 1, "partner ids are not contiguous"
    bench = Partner.objects.get(pk=ids[len(ids) // 2])
    user = User.objects.create(email=BENCH_PARTNER_EMAIL, password=make_password(None))
    Membership.objects.create(user=user, partner=bench, roles=["partner_admin"])
    vendor = User.objects.create(
        email=BENCH_VENDOR_EMAIL,
        password=make_password(None),
        vendor_role="vendor_admin",
    )
    product = Product.objects.create(sku="BENCH-ROLLUPS", name="Bench product")
    programme = Programme.objects.create(name="Bench programme", slug="bench-rollups")
    silver = Tier.objects.create(programme=programme, name="Silver", rank=1)
    gold = Tier.objects.create(programme=programme, name="Gold", rank=2)
    for tier, threshold in ((silver, 10_000), (gold, 1_000_000)):
        TierRequirement.objects.create(
            tier=tier, metric="reported_sales", threshold=threshold
        )
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                partner_id=pk,
                programme=programme,
                tier=gold if pk % 5 == 0 else silver,
                status="active",
            )
            for pk in ids
        ],
        batch_size=2000,
    )
    return {
        "first_partner": ids[0],
        "partners": partners,
        "bench_partner": bench.pk,
        "user": user.pk,
        "vendor": vendor.pk,
        "product": product.pk,
    }


def _existing() -> tuple[dict, int] | None:
    """What a kept database already holds (``--keep``): the ids ``_setup`` made
    and the number of sales lines, or None on a fresh database."""
    from openprm.accounts.models import User
    from openprm.incentives.models import Product, SalesLine
    from openprm.partners.models import Partner
    from openprm.tenancy.models import Membership

    user = User.objects.filter(email=BENCH_PARTNER_EMAIL).first()
    if user is None:
        return None
    partners = Partner.objects.filter(name__startswith="Bench rollups ")
    ids = {
        "first_partner": partners.order_by("pk").values_list("pk", flat=True)[0],
        "partners": partners.count(),
        "bench_partner": Membership.objects.get(user=user).partner_id,
        "user": user.pk,
        "vendor": User.objects.get(email=BENCH_VENDOR_EMAIL).pk,
        "product": Product.objects.get(sku="BENCH-ROLLUPS").pk,
    }
    return ids, SalesLine.objects.count()


def _insert_sql(vendor: str) -> str:
    """One statement adding the sales lines ``%(start)s`` .. ``%(stop)s - 1``:
    line ``i`` of a chunk goes to partner ``first + (i - start) // per_partner``
    (so that the indexes led by the partner are filled in order), on a day
    spread by ``i``; every line is in the reporting currency."""
    columns = (
        "public_id, partner_id, invoice_number, invoiced_on, end_customer, "
        "product_id, quantity, amount, currency, reporting_amount, reported_at"
    )
    if vendor == "sqlite":
        return (
            "WITH RECURSIVE n(i) AS (SELECT %(start)s UNION ALL "  # noqa: S608
            "SELECT i + 1 FROM n WHERE i + 1 < %(stop)s) "
            f"INSERT INTO incentives_salesline ({columns}) "
            "SELECT printf('%%032x', i), "
            "%(first)s + (i - %(start)s) / %(per_partner)s, "
            "'INV-' || i, date(%(today)s, '-' || ((i * %(mult)s) %% %(days)s) || "
            "' days'), 'Customer ' || (i %% 1000), %(product)s, 1, "
            "100 + (i * 31) %% 9900, %(currency)s, 100 + (i * 31) %% 9900, "
            "%(now)s FROM n"
        )
    return (
        f"INSERT INTO incentives_salesline ({columns}) "  # noqa: S608
        "SELECT lpad(to_hex(i), 32, '0')::uuid, "
        "%(first)s + (i - %(start)s) / %(per_partner)s, "
        "'INV-' || i, %(today)s::date - ((i * %(mult)s) %% %(days)s)::int, "
        "'Customer ' || (i %% 1000), %(product)s, 1, "
        "100 + (i * 31) %% 9900, %(currency)s, 100 + (i * 31) %% 9900, "
        "%(now)s FROM generate_series(%(start)s::bigint, %(stop)s::bigint - 1) i"
    )


def _fill(made: int, size: int, ids: dict) -> None:
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    sql = _insert_sql(connection.vendor)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1000000")  # 1 GB for the indexes
    for start in range(made, size, CHUNK):
        stop = min(start + CHUNK, size)
        params = {
            "start": start,
            "stop": stop,
            "first": ids["first_partner"],
            "per_partner": max((stop - start) // ids["partners"], 1),
            "today": timezone.localdate().isoformat(),
            "mult": MULTIPLIER,
            "days": DAYS,
            "product": ids["product"],
            "currency": settings.OPENPRM_REPORTING_CURRENCY,
            "now": timezone.now()
            if connection.vendor == "postgresql"
            else connection.ops.adapt_datetimefield_value(timezone.now()),
        }
        # Lines beyond partners x per_partner (a ragged chunk) go to the last
        # partners; keep them within the partners.
        if (stop - start) % ids["partners"]:
            params["per_partner"] = (stop - start) // ids["partners"] + 1
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _rebuild() -> dict:
    from django.utils import timezone

    from openprm.metrics import rollups

    today = timezone.localdate()
    started = time.perf_counter()
    run = rollups.rebuild(first_day=today - timedelta(days=DAYS), last_day=today)
    seconds = time.perf_counter() - started
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    from openprm.metrics.models import DailyValue, MonthlyValue

    return {
        "rebuild_seconds": round(seconds, 1),
        "daily_cells": DailyValue.objects.count(),
        "monthly_cells": MonthlyValue.objects.count(),
        "drifted": run.drifted,
    }


def _nightly() -> float:
    """The nightly sweep as it runs (this month and the last)."""
    from openprm.metrics import services

    started = time.perf_counter()
    services.rollups_rebuild()
    return round(time.perf_counter() - started, 1)


def _queries(client, paths: list[str]) -> int:
    from django.db import connection

    found = []

    def counted(execute, sql, params, many, context):
        found.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        for path in paths:
            assert client.get(path).status_code == 200, path
    return len(found)


def _measure(targets: dict, requests: int) -> dict:
    """Median wall and CPU ms per request of each target, its runs interleaved."""
    for client, paths in targets.values():  # warm
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
    walls: dict = {name: [] for name in targets}
    cpus: dict = {name: [] for name in targets}
    for _ in range(5):
        for name, (client, paths) in targets.items():
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(requests):
                for path in paths:
                    client.get(path)
            walls[name].append((time.perf_counter() - wall) / requests)
            cpus[name].append((time.process_time() - cpu) / requests)
    return {
        name: {
            "ms": round(statistics.median(walls[name]) * 1000, 2),
            "cpu_ms": round(statistics.median(cpus[name]) * 1000, 2),
            "queries": _queries(*targets[name]),
        }
        for name in targets
    }


def child(sizes: list[int], partners: int, requests: int, measure: bool = True) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprm.settings")
    os.environ["DEBUG"] = "0"
    os.environ["OPENPRM_BENCH_ENDPOINTS"] = "1"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from openprm.accounts.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    made = 0
    if found := _existing():  # a kept database (--keep)
        ids, made = found
    else:
        ids = _setup(partners)
    portal, console = Client(), Client()
    portal.force_login(User.objects.get(pk=ids["user"]))
    console.force_login(User.objects.get(pk=ids["vendor"]))
    floor = Client()
    targets = {
        "portal-home": (portal, ["/portal/", "/portal/tier/progress/"]),
        "portal-tier-progress": (portal, ["/portal/tier/progress/"]),
        "floor-portal-metrics": (
            floor,
            [f"/_bench/floor/portal-metrics/?partner={ids['bench_partner']}"],
        ),
        "floor-portal-page": (portal, ["/_bench/floor/portal-metrics-page/"]),
        "console-executive-dashboard": (console, ["/console/insights/"]),
        "floor-executive-dashboard": (floor, ["/_bench/floor/executive-dashboard/"]),
    }
    results = []
    for size in sorted(sizes):
        assert made <= size, f"the kept database already has {made:,} sales lines"
        built: dict = {"fill_seconds": None, "rebuild_seconds": None}
        if made < size:
            started = time.perf_counter()
            _fill(made, size, ids)
            made = size
            built["fill_seconds"] = round(time.perf_counter() - started, 1)
            built.update(_rebuild())
            built["nightly_seconds"] = _nightly()
        else:  # kept, filled and rebuilt by an earlier run
            from openprm.metrics.models import DailyValue, MonthlyValue

            built.update(
                daily_cells=DailyValue.objects.count(),
                monthly_cells=MonthlyValue.objects.count(),
                drifted=0,
                nightly_seconds=None,
            )
        results.append(
            {
                "facts": size,
                **built,
                "pages": _measure(targets, requests) if measure else {},
                "load_average": " / ".join(f"{v:.2f}" for v in os.getloadavg()),
            }
        )
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    return {"database": connection.vendor, "partners": partners, "sizes": results}


def run(
    sizes: list[int],
    partners: int = DEFAULT_PARTNERS,
    requests: int = 20,
    keep: bool = False,
    measure: bool = True,
) -> dict:
    """One throwaway database filled size after size; with ``keep``, one kept
    database per size (``rollups_<size>``), reused by the next run with it."""
    from bench import throwaway

    runs = (
        [(f"rollups_{size}", [size]) for size in sizes]
        if keep
        else [("rollups", sizes)]
    )
    result: dict = {}
    for suffix, some in runs:
        with throwaway.database(suffix, keep=keep) as env:
            argument = json.dumps(
                {
                    "sizes": some,
                    "partners": partners,
                    "requests": requests,
                    "measure": measure,
                }
            )
            one = json.loads(throwaway.child_json(env, "bench.rollup_pages", argument))
        if result:
            result["sizes"] += one["sizes"]
        else:
            result = one
    return result


PAIRS = (
    ("portal-home", "floor-portal-page"),
    ("portal-tier-progress", "floor-portal-page"),
    ("portal-home", "floor-portal-metrics"),  # the old floor, for the record
    ("portal-tier-progress", "floor-portal-metrics"),
    ("console-executive-dashboard", "floor-executive-dashboard"),
)


def lines(result: dict) -> list[str]:
    out = [
        f"Rollup pages ({result['database']}, {result['partners']:,} partners, "
        "wall ms per request, median of 5 runs):"
    ]
    for size in result["sizes"]:
        out.append(
            f"  {size['facts']:>11,} sales lines: filled in {size['fill_seconds']} s "
            "(None: kept from an earlier run), "
            f"rollups rebuilt in {size['rebuild_seconds']} s ({size['daily_cells']:,} "
            f"day cells, {size['monthly_cells']:,} month cells, "
            f"{size['drifted']:,} drifted), nightly sweep {size['nightly_seconds']} s; "
            f"load average {size['load_average']}"
        )
        pages = size["pages"]
        for name, figures in pages.items():
            out.append(
                f"    {name:<30} {figures['ms']:>8} ms ({figures['cpu_ms']} ms CPU), "
                f"{figures['queries']} queries"
            )
        for page, floor in PAIRS:
            out.append(
                f"    {page} vs {floor}: "
                f"{pages[floor]['ms'] / pages[page]['ms']:.2f} (target >= 0.40)"
            )
    first, last = result["sizes"][0], result["sizes"][-1]
    if first is not last:
        for name in first["pages"]:
            ratio = last["pages"][name]["ms"] / first["pages"][name]["ms"]
            out.append(
                f"  {name}: {last['facts']:,} over {first['facts']:,} facts = "
                f"{ratio:.2f} (1 is flat; target <= 1.2)"
            )
    return out


def report(sizes=(1_000_000, 10_000_000), say=print) -> dict:
    say(f"Rollup pages: {', '.join(f'{n:,}' for n in sizes)} sales lines ...")
    result = run(list(sizes))
    for line in lines(result):
        say(line)
    return result


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        arguments = json.loads(sys.argv[2])
        print(json.dumps(child(**arguments), default=str))
    else:
        parser = argparse.ArgumentParser(
            prog="python -m bench.rollup_pages",
            description=__doc__.split("\n\n")[0],
        )
        parser.add_argument(
            "facts", nargs="*", type=int, default=[1_000_000, 10_000_000]
        )
        parser.add_argument("--partners", type=int, default=DEFAULT_PARTNERS)
        parser.add_argument("--requests", type=int, default=20)
        parser.add_argument(
            "--keep",
            action="store_true",
            help="one database per size, kept and reused by the next --keep run "
            "(its facts are not added and its rollups not rebuilt again)",
        )
        parser.add_argument(
            "--no-measure",
            dest="measure",
            action="store_false",
            help="fill and rebuild only (with --keep: measure later)",
        )
        arguments = parser.parse_args()
        result = run(
            arguments.facts,
            arguments.partners,
            arguments.requests,
            keep=arguments.keep,
            measure=arguments.measure,
        )
        if arguments.measure:
            for line in lines(result):
                print(line)
        else:
            print(json.dumps(result))
