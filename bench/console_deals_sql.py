"""The console deal list's queries before and after issue 21, timed interleaved on
one SQLite data set (the benchmark's): ``python -m bench.console_deals_sql
<sqlite file> [--pages 1,20,1000]``.

Before: the exact COUNT of every deal and an OFFSET page sorted without an index
(the two ``*_newest_idx`` indexes dropped, in a copy of the file). After: the count
capped at 1,000 past the page and the page's keys first from the index. The SQL is
what Django compiles for the page (``deal_list_visible_to`` of a vendor admin), the
lines' prefetch left out (the same on both sides). Prints the median of 5 runs of
each query and ``EXPLAIN QUERY PLAN``'s word on the sort.
"""

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import time


def _sql(pages: list[int]) -> dict[str, list[tuple[str, str, tuple]]]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprm.settings")
    import django

    django.setup()
    from django.db.models import Subquery

    from openprm.accounts.models import User
    from openprm.core.pagination import COUNT_CAP
    from openprm.deals.selectors import deal_list_visible_to

    admin = User.objects.filter(vendor_role="vendor_admin").order_by("pk").first()
    if admin is None:  # an empty schema: any vendor admin will do for the SQL
        raise SystemExit("No vendor staff user in the data set")
    deals = deal_list_visible_to(user=admin)
    queries: dict[str, list[tuple[str, str, tuple]]] = {"before": [], "after": []}
    for page in pages:
        start = (page - 1) * 50
        count = deals.order_by().values("pk").query.sql_with_params()
        count = (f"SELECT COUNT(*) FROM ({count[0]}) c", count[1])  # noqa: S608
        rows = deals[start : start + 50].query.sql_with_params()
        queries["before"] += [
            (f"page {page} count", *count),
            (f"page {page} rows", *rows),
        ]
        limit = max(COUNT_CAP, (page + 1) * 50) + 1
        capped = deals.order_by().values("pk")[:limit].query.sql_with_params()
        capped = (f"SELECT COUNT(*) FROM ({capped[0]}) c", capped[1])  # noqa: S608
        keys = deals.values("pk")[start : start + 50]
        keyed = deals.filter(pk__in=Subquery(keys)).query.sql_with_params()
        queries["after"] += [
            (f"page {page} count", *capped),
            (f"page {page} rows", *keyed),
        ]
    return queries


def _time(connection, sql: str, params: tuple) -> float:
    started = time.perf_counter()
    connection.execute(sql.replace("%s", "?"), params).fetchall()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.console_deals_sql")
    parser.add_argument("database")
    parser.add_argument("--pages", default="1,20,1000")
    arguments = parser.parse_args()
    pages = [int(page) for page in arguments.pages.split(",")]
    before_file = arguments.database + ".before"
    shutil.copyfile(arguments.database, before_file)
    before = sqlite3.connect(before_file)
    for index in ("deals_deal_newest_idx", "deals_deal_status_newest_idx"):
        before.execute(f"DROP INDEX IF EXISTS {index}")
    after = sqlite3.connect(arguments.database)
    os.environ["OPENPRM_VAR_DIR"] = os.path.dirname(os.path.abspath(arguments.database))
    queries = _sql(pages)
    times: dict[tuple[str, str], list[float]] = {}
    for _round in range(5):
        for side, connection in (("before", before), ("after", after)):
            for label, sql, params in queries[side]:
                times.setdefault((side, label), []).append(
                    _time(connection, sql, params)
                )
    for side, connection in (("before", before), ("after", after)):
        for label, sql, params in queries[side]:
            plan = connection.execute(
                "EXPLAIN QUERY PLAN " + sql.replace("%s", "?"), params
            ).fetchall()
            sort = "sorts" if any("TEMP B-TREE" in row[-1] for row in plan) else ""
            median = statistics.median(times[(side, label)]) * 1000
            print(f"{side:6} {label:18} {median:9.2f} ms {sort}")
    before.close()
    os.remove(before_file)


if __name__ == "__main__":
    sys.exit(main())
