"""The sales data import (issue 15): its rate against a raw bulk insert of the
same lines, and its peak memory, for each number of lines.

Not an HTTP scenario. ``python -m bench.sales_import_rate 100000 [1000000]``;
each size runs in a process of its own on a throwaway database
(``bench.throwaway``: SQLite in a temporary folder, or ``<DATABASE_URL's
name>_sales``). The process makes 200 products in five product lines with a
list price each, a per-unit earning rule per product line (every line earns),
a selling partner with a sales user and 200 approved deals whose end customers
are a tenth of the file's (those lines are matched), and a CSV file of the
lines (EUR, the reporting currency). Then:

- **import**: ``incentives.sales.sales_upload_process`` on the stored file —
  what the worker runs: every row read, checked, matched to a deal, converted,
  written with its earn entry and lot, a batch per transaction with the batch's
  audit entry, ``sales.reported`` event, issues and progress; peak RSS
  (``VmHWM``, reset before) over it;
- **raw**: the same lines written into the sales line table by the import's
  own bulk mechanism (``core.bulk_sql.Table.insert``: ``COPY`` on PostgreSQL,
  ``executemany`` on SQLite; time-ordered UUIDs for ``public_id``,
  ``jsontext.ordered_uuids``, as the import draws them), a batch of the
  import's size per transaction, for another partner: nothing checked,
  matched, earned or audited.

The ratio import / raw is the target (issue 15: at least 0.25); the peak
memory must be the same at 100,000 and 1,000,000 lines.
"""

import argparse
import csv
import datetime
import json
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

PRODUCTS = 200
LINES = ("security", "networking", "storage", "cloud", "analytics")
DEALS = 200


def _setup():
    from openprm.deals.choices import DealStatus
    from openprm.deals.tests.factories import make_deal
    from openprm.incentives.choices import RuleBasis
    from openprm.incentives.models import EarningRule, Product, ProductPrice
    from openprm.partners.tests.factories import PartnerFactory
    from openprm.tenancy.choices import PartnerRole
    from openprm.tenancy.tests.factories import partner_user

    products = Product.objects.bulk_create(
        [
            Product(sku=f"SKU-{n:04d}", name=f"Product {n}", product_line=LINES[n % 5])
            for n in range(PRODUCTS)
        ]
    )
    ProductPrice.objects.bulk_create(
        [
            ProductPrice(product=product, currency="EUR", list_price=Decimal(100))
            for product in products
        ]
    )
    for line in LINES:
        EarningRule.objects.create(
            name=f"Points per {line} unit",
            basis=RuleBasis.PER_UNIT,
            product_line=line,
            points=Decimal(5),
        )
    user = partner_user(roles=[PartnerRole.SALES])
    partner = user.memberships.get().partner
    for n in range(DEALS):
        make_deal(
            partner=partner, customer_name=f"Customer {n}", status=DealStatus.APPROVED
        )
    return user, partner, PartnerFactory()


def _write_file(path: Path, lines: int) -> None:
    from openprm.incentives import sales

    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(sales.COLUMNS)
        for n in range(lines):
            quantity = 1 + n % 4
            writer.writerow(
                [
                    f"INV-{n // 3:07d}",
                    f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}",
                    f"Customer {n % (DEALS * 10)}",
                    f"SKU-{(n * 7) % PRODUCTS:04d}",
                    quantity,
                    f"{quantity * 98}.50",
                    "EUR",
                    "",
                ]
            )


def _raw(lines: int, partner_id: int) -> float:
    """Seconds to write ``lines`` sales lines with the import's own bulk
    insert, a batch of its size per transaction."""
    from django.db import transaction
    from django.utils import timezone

    from openprm.core import bulk_sql, jsontext
    from openprm.incentives.models import Product, SalesLine
    from openprm.incentives.sales import BATCH_SIZE

    products = list(Product.objects.order_by("sku").values_list("pk", flat=True))
    table = bulk_sql.Table(SalesLine, SalesLine.BULK_FIELDS)
    started = time.perf_counter()
    for first in range(0, lines, BATCH_SIZE):
        now = timezone.now()
        count = min(BATCH_SIZE, lines - first)
        with transaction.atomic():
            ids = bulk_sql.reserve_ids(SalesLine, count)
            public_ids = jsontext.ordered_uuids(count)
            rows = []
            for pk, public_id, n in zip(
                ids, public_ids, range(first, first + count), strict=True
            ):
                quantity = Decimal(1 + n % 4)
                amount = Decimal(f"{quantity * 98}.50")
                rows.append(
                    (
                        pk,
                        public_id,
                        partner_id,
                        None,
                        None,
                        f"INV-{n // 3:07d}",
                        datetime.date(2026, 1 + n % 12, 1 + n % 28).isoformat(),
                        f"Customer {n % (DEALS * 10)}",
                        products[(n * 7) % PRODUCTS],
                        quantity,
                        amount,
                        "EUR",
                        amount,
                        None,
                        now,
                    )
                )
            table.insert(rows)
    return time.perf_counter() - started


def child(lines: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprm.settings")
    os.environ["DEBUG"] = "0"
    os.environ["TASKS_BACKEND"] = "database"
    import django

    django.setup()
    from django.db import connection

    from bench.throwaway import peak_rss_mb, peak_rss_reset
    from openprm.incentives import sales
    from openprm.incentives.models import PointsEntry, SalesLine

    user, partner, other = _setup()
    folder = Path(tempfile.mkdtemp(prefix="openprm-sales-file-"))
    path = folder / "sales.csv"
    _write_file(path, lines)
    with path.open("rb") as upload:
        item = sales.sales_upload_create(
            actor=user, partner=partner, file_name="sales.csv", upload=upload
        )
    path.unlink()
    setup_mb = peak_rss_mb()
    peak_rss_reset()
    started = time.perf_counter()
    done = sales.sales_upload_process(upload_id=item.pk)
    seconds = time.perf_counter() - started
    import_mb = peak_rss_mb()
    matched = SalesLine.objects.filter(deal__isnull=False).count()
    entries = PointsEntry.objects.count()
    raw_seconds = _raw(lines, other.pk)
    return {
        "database": connection.vendor,
        "lines": lines,
        "imported": done.rows_imported,
        "matched": matched,
        "earn_entries": entries,
        "points": done.points_earned,
        "import_seconds": round(seconds, 2),
        "import_per_s": round(lines / seconds),
        "raw_seconds": round(raw_seconds, 2),
        "raw_per_s": round(lines / raw_seconds),
        "ratio": round(raw_seconds / seconds, 3),
        "setup_mb": round(setup_mb, 1),
        "import_peak_mb": round(import_mb, 1),
    }


def run(sizes: list[int]) -> list[dict]:
    from bench import throwaway

    results = []
    for lines in sizes:
        with throwaway.database("sales") as env:
            output = throwaway.child_json(env, "bench.sales_import_rate", str(lines))
        results.append(json.loads(output))
    return results


def lines_of(results: list[dict]) -> list[str]:
    out = []
    for r in results:
        out.append(
            f"Sales import ({r['database']}), {r['lines']:,} lines: import "
            f"{r['import_per_s']:,}/s ({r['imported']:,} imported, {r['matched']:,} "
            f"matched to deals, {r['earn_entries']:,} earn entries), raw insert "
            f"{r['raw_per_s']:,}/s: import / raw = {r['ratio']} (target >= 0.25); "
            f"peak RSS {r['import_peak_mb']} MB (set-up {r['setup_mb']} MB)"
        )
    if len(results) > 1:
        first, last = results[0], results[-1]
        out.append(
            f"  peak RSS, {last['lines']:,} over {first['lines']:,} lines = "
            f"{last['import_peak_mb'] / first['import_peak_mb']:.2f} (1 is the same)"
        )
    return out


def report(sizes=(100_000,), say=print) -> list[dict]:
    say(f"Sales import: {', '.join(f'{n:,}' for n in sizes)} lines ...")
    results = run(list(sizes))
    for line in lines_of(results):
        say(line)
    return results


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(int(sys.argv[2]))))
    else:
        parser = argparse.ArgumentParser(
            prog="python -m bench.sales_import_rate",
            description=__doc__.split("\n\n")[0],
        )
        parser.add_argument("lines", nargs="*", type=int, default=[100_000])
        for line in lines_of(run(parser.parse_args().lines)):
            print(line)
