"""Search time against the table's size: the partner directory (API and console)
and the deal API, searched through ``core.search`` at each of ``sizes`` (default
100,000 and 1,000,000 partners and as many deals), beside the scan they replaced.

Not an HTTP scenario: ``python -m bench.search_time 100000,1000000`` runs in a
child process on a throwaway database (``bench.throwaway``: a SQLite file, or with
``DATABASE_URL`` a PostgreSQL database ``<its name>_search``), migrated once; for
each size in turn, the child:

1. drops the search indexes (``core.search.drop_sql``), inserts partners
   up to ``size`` (with ``executemany`` on SQLite, ``COPY`` on PostgreSQL) and as many
   deals spread over them, named by a made-up word and one of twelve common
   ones, then creates the indexes as the migration does (``create_sql``: the FTS5
   table filled by ``rebuild`` on SQLite, the trigram indexes on PostgreSQL) and
   ANALYZEs;
2. times, as vendor admin (who sees every row, the most a search reads), the first
   page of each list with a term that matches nothing, a made-up word found in a
   row or two, and that row's whole name (the word and a common one), through
   the product's selectors (``partners_api_page``, ``directory_page``,
   ``deal_list_page``), in alternation with the query before the index
   (``icontains`` on the same columns, first page), median of ``ROUNDS`` runs
   each.
"""

import json
import os
import random
import statistics
import string
import sys
import time
import uuid

CHUNK = 5000
ROUNDS = int(os.environ.get("SEARCH_ROUNDS", "9"))
NO_MATCH = "qzxvkj"


def _rows(model, template: dict, numbers: range, vary) -> tuple[str, list[str], list]:
    """Rows of ``model`` for a bulk insert: every concrete column from an instance
    made with ``template``, then ``vary(n, values)`` for each of ``numbers``."""
    from django.db import connection

    instance = model(**template)
    fields = model._meta.concrete_fields
    columns = [field.column for field in fields]
    base = {
        field.column: None
        if field.primary_key
        else field.get_db_prep_save(field.pre_save(instance, True), connection)
        for field in fields
    }
    rows = []
    for n in numbers:
        values = dict(base)
        vary(n, values)
        rows.append([values[column] for column in columns])
    return model._meta.db_table, columns, rows


def _write(cursor, table: str, columns: list[str], rows: list) -> None:
    from django.db import connection

    names = ", ".join(columns)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    # Names from the models, never input.
    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


# Names as companies have them: a made-up word of 4 to 8 letters (the rare part) and
# a common word shared by one row in twelve.
WORDS = (
    "Systems",
    "Solutions",
    "Networks",
    "Global",
    "Data",
    "Cloud",
    "Tech",
    "Partners",
    "Group",
    "Digital",
    "Services",
    "Labs",
)


def _name(rng: random.Random) -> str:
    letters = "".join(
        rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 8))
    )
    return f"{letters.capitalize()} {rng.choice(WORDS)}"


def _insert(
    first: int, size: int, rng: random.Random
) -> tuple[float, float, dict[str, str]]:
    """Partners and deals numbered ``first`` to ``size`` (those before are there)."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from openprm.core import search
    from openprm.deals.models import DEAL_SEARCH, Deal, Stage
    from openprm.partners.models import (
        CONTACT_SEARCH,
        DOMAIN_SEARCH,
        PARTNER_SEARCH,
        Partner,
    )

    indexes = (PARTNER_SEARCH, DOMAIN_SEARCH, CONTACT_SEARCH, DEAL_SEARCH)
    vendor = connection.vendor
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            # A bulk load, not the product's setting.
            cursor.execute("PRAGMA cache_size = -1000000")
        for index in indexes:
            for sql in search.drop_sql(index, vendor):
                cursor.execute(sql)
    stage = Stage.objects.filter(kind="open").order_by("order").first()
    if stage is None:  # a database whose stages a test flushed
        stage = Stage.objects.create(name="Open", probability=10, order=1, kind="open")
    now = timezone.now()

    def public_id():
        return uuid.uuid4().hex if vendor == "sqlite" else uuid.uuid4()

    half = size // 2
    named = {}

    def partner(n: int, values: dict) -> None:
        name = _name(rng)
        values["id"] = n + 1
        values["name"] = name
        values["legal_name"] = f"{name} GmbH"
        values["city"] = ("Berlin", "Lyon", "Austin", "Osaka")[n % 4]
        values["public_id"] = public_id()
        values["path"] = f"{n + 1:08d}."
        if n == half:
            named["partner"] = name

    def deal(n: int, values: dict) -> None:
        customer = _name(rng)
        values["id"] = n + 1
        values["partner_id"] = n % size + 1
        values["title"] = f"{customer} renewal"
        values["customer_name"] = customer
        values["public_id"] = public_id()
        if n == half:
            named["deal"] = customer

    deal_template = {
        "partner_id": 1,
        "stage": stage,
        "currency": "EUR",
        "total_amount": 1000,
        "expected_close_date": now.date(),
        "submitted_at": now,
        "review_due_at": now,
        # Closed: the pipeline's triggers (deals.0004) have nothing to add up.
        "status": "won",
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(first, size, CHUNK):
            numbers = range(start, min(start + CHUNK, size))
            _write(cursor, *_rows(Partner, {"name": "x"}, numbers, partner))
        for start in range(first, size, CHUNK):
            numbers = range(start, min(start + CHUNK, size))
            _write(cursor, *_rows(Deal, deal_template, numbers, deal))
        for sql in connection.ops.sequence_reset_sql(no_style(), [Partner, Deal]):
            cursor.execute(sql)
    loaded = time.perf_counter()
    with connection.cursor() as cursor:
        for index in indexes:
            for sql in search.create_sql(index, vendor):
                cursor.execute(sql)
        cursor.execute("ANALYZE")
    return round(loaded - started, 1), round(time.perf_counter() - loaded, 1), named


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def child(sizes: list[int]) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprm.settings")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.db import connection

    from openprm.accounts.models import User

    admin = User.objects.create_user(
        email=f"search-bench-{uuid.uuid4().hex[:8]}@example.com",
        password=None,
        vendor_role="vendor_admin",
    )
    rng = random.Random(21)
    runs = []
    first = 0
    for size in sizes:
        load_s, index_s, named = _insert(first, size, rng)
        first = size
        runs.append(
            {
                "size": size,
                "load_s": load_s,
                "index_s": index_s,
                "load_average": os.getloadavg()[0],
                "lists": _measure(admin, named),
            }
        )
        # Each size as it is measured (the result comes once all are).
        print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    return {"database": connection.vendor, "runs": runs}


def _measure(admin, named: dict[str, str]) -> dict:
    from django.db.models import Q

    from openprm.deals import selectors as deal_selectors
    from openprm.deals.models import Deal
    from openprm.partners import directory
    from openprm.partners.directory import selectors as directory_selectors
    from openprm.partners.models import Partner

    # A made-up word alone, then with its common word: FTS5 reads the whole list
    # of rows of each trigram of a phrase, so common words cost more.
    terms = {
        "no match": NO_MATCH,
        "a rare word": named["partner"].split()[0],
        "a whole name": named["partner"],
    }
    deal_terms = {
        "no match": NO_MATCH,
        "a rare word": named["deal"].split()[0],
        "a whole name": named["deal"],
    }

    def api(term):
        return directory_selectors.partners_api_page(
            user=admin,
            filters=directory.parse({"q": term}),
            limit=25,
            offset=0,
            count_up_to=1000,
            custom_keys=frozenset(),
            logo_url=str,
        )[0]

    def console(term):
        return directory_selectors.directory_page(
            user=admin,
            filters=directory.parse({"q": term}),
            limit=25,
            offset=0,
            detail_url="",
        )

    def deals(term):
        return deal_selectors.deal_list_page(
            user=admin, search=term, limit=25, offset=0, count_most=1000
        )[0]

    def partners_scan(term):
        return list(
            Partner.objects.filter(
                Q(name__icontains=term)
                | Q(legal_name__icontains=term)
                | Q(city__icontains=term)
            )
            .order_by("name", "id")
            .values_list("id", flat=True)[:25]
        )

    def deals_scan(term):
        return list(
            Deal.objects.filter(
                Q(title__icontains=term) | Q(customer_name__icontains=term)
            )
            .order_by("-submitted_at", "-id")
            .values_list("id", flat=True)[:25]
        )

    lists = {
        "directory API": (api, partners_scan, terms),
        "console directory": (console, partners_scan, terms),
        "deal API": (deals, deals_scan, deal_terms),
    }
    results = {}
    for name, (indexed, scan, list_terms) in lists.items():
        for kind, term in list_terms.items():
            found = len(indexed(term))  # warm: compiled SQL, pages in cache
            scanned = len(scan(term))
            if found != scanned or (kind == "no match") != (found == 0):
                raise AssertionError(f"{name}, {kind}: {found} and {scanned} rows")
            times, scans = [], []
            for _ in range(ROUNDS):
                began = time.perf_counter()
                indexed(term)
                times.append(time.perf_counter() - began)
                began = time.perf_counter()
                scan(term)
                scans.append(time.perf_counter() - began)
            results[f"{name}, {kind}"] = {
                "rows": found,
                "indexed_ms": _median_ms(times),
                "scan_ms": _median_ms(scans),
            }
    return results


def report(sizes: list[int], say=print) -> dict:
    from bench import throwaway

    say("Search time (core.search) against the table's size ...")
    with throwaway.database("search") as env:
        argument = ",".join(str(size) for size in sizes)
        result = json.loads(throwaway.child_json(env, "bench.search_time", argument))
    for run in result["runs"]:
        size = run["size"]
        say(
            f"  {result['database']}, {size:,} partners and deals: loaded in "
            f"{run['load_s']} s, indexed in {run['index_s']} s, load average "
            f"{run['load_average']:.1f}"
        )
        for name, figures in run["lists"].items():
            say(
                f"    {name} ({figures['rows']} rows): {figures['indexed_ms']} ms "
                f"(the scan before: {figures['scan_ms']} ms)"
            )
    return result


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child([int(n) for n in sys.argv[2].split(",")])))
    else:
        arguments = sys.argv[1:] or ["100000,1000000"]
        report([int(n) for n in arguments[0].split(",") if int(n)])
