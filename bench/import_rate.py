"""The partner import's rate against a raw bulk insert of the same rows, and its
peak memory.

Not an HTTP scenario. ``make bench`` runs :func:`report` at the end (100,000 rows;
``--import-rows`` changes it, ``--import-rows 0`` skips it);
``python -m bench.import_rate 100000 1000000`` runs it alone for each size given.
``DATABASE_URL`` picks PostgreSQL: a throwaway database ``<its name>_import`` is
created next to it and dropped afterwards; otherwise a SQLite file in a temporary
folder.

Each size runs in a child process of its own, so that its peak memory is its own;
the empty database is migrated by another process first (migrating raises a
process's peak resident set to about 350 MB, which would hide the import's). The
child:

1. defines a choice custom field, and writes a CSV file of ``rows`` generated
   partners to disk (name, type, country, region, city, website, employees,
   external id, domain, tags, the custom field);
2. **raw**: inserts the same partner rows into ``partners_partner`` in chunks of
   1,000 inside one transaction, timed, then rolled back (the same table, with its
   indexes and constraints), with the import's own UUID kind (time-ordered,
   ``jsontext.ordered_uuids``) and bulk mechanism (``bulk_sql.copy_rows``: COPY on
   PostgreSQL, ``executemany`` on SQLite); and **raw, every row**:
   the same for everything the run writes (partners, domains, audit entries and
   outbox events with the same contents), to show what the writing alone costs
   (``IMPORT_RATE_RAW=0`` skips both, for a quicker look at the import's memory);
3. **import**: uploads the file, runs the preview (every row checked: profile,
   custom field, domain, in-file repeats, upsert key lookups, possible duplicates)
   and the run (every row checked again, then partners, domains, audit entries and
   outbox events bulk-inserted), as the worker does, each timed;
4. **re-run**: imports the same file again (every row unchanged, nothing written;
   ``IMPORT_RATE_RERUN=0`` skips it).

Peak memory is the process's peak resident set (``VmHWM``) over each phase: Linux
resets it when ``5`` is written to ``/proc/self/clear_refs``, so the raw inserts,
the import (preview and run) and the re-run each report their own peak.

The ratio that issue 4 sets (≥ 0.25) is the run's rate over the raw rate.
"""

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

CHUNK = 1000
COUNTRIES = (("DE", "EMEA"), ("FR", "EMEA"), ("US", "NA"), ("JP", "APAC"))
TYPES = ("reseller", "msp", "system_integrator", "referral")
BANDS = ("1-10", "11-50", "51-200")
TIERS = ("bronze", "silver", "gold")
HEADER = (
    "name,partner_type,country,region,city,website,employee_band,external_id,"
    "domains,tags,cf_tier\n"
)


def _row(n: int) -> tuple:
    country, region = COUNTRIES[n % len(COUNTRIES)]
    return (
        f"Partner {n}",
        TYPES[n % len(TYPES)],
        country,
        region,
        "Berlin",
        f"https://p{n}.example",
        BANDS[n % len(BANDS)],
        f"EXT-{n}",
        f"p{n}.example",
        "cloud;gold",
        TIERS[n % len(TIERS)],
    )


def _write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(rows):
            out.write(",".join(_row(n)) + "\n")


# The partner columns both raw inserts write (attribute names), the constants
# among them given once.
RAW_PARTNER_FIELDS = (
    "public_id",
    "name",
    "partner_type",
    "country",
    "region",
    "city",
    "website",
    "partner_types",
    "employee_band",
    "tags",
    "external_id",
    "custom_fields",
    "created_at",
    "updated_at",
    "status",
    "legal_name",
    "street",
    "postal_code",
    "state",
    "industries",
    "specialisations",
    "revenue_band",
    "languages",
    "logo",
    "downstream_visibility",
    "path",
    "depth",
)
RAW_PARTNER_CONSTANTS = ("prospect", "", "", "", "", "[]", "[]", "", "[]", "", False)


def _raw_partner(n: int, public_id: str, stamp) -> tuple:
    name, kind, country, region, city, site, band, ext, _d, _t, tier = _row(n)
    return (
        public_id,
        name,
        kind,
        country,
        region,
        city,
        site,
        json.dumps([kind]),
        band,
        '["cloud", "gold"]',
        ext,
        json.dumps({"tier": tier}),
        stamp,
        stamp,
        *RAW_PARTNER_CONSTANTS,
    )


def _raw_insert(rows: int) -> float:
    """Seconds to insert the rows' partners, rolled back: the same UUID kind as
    the import (time-ordered, ``jsontext.ordered_uuids``) and the same bulk
    mechanism (``bulk_sql.copy_rows``: COPY on PostgreSQL, executemany on
    SQLite), in chunks of 1,000, with no check."""
    from django.db import connection, transaction
    from django.utils import timezone

    from openprm.core import bulk_sql, jsontext
    from openprm.partners.models import Partner

    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    started = time.perf_counter()
    with transaction.atomic():
        for start in range(0, rows, CHUNK):
            numbers = range(start, min(start + CHUNK, rows))
            uuids = jsontext.ordered_uuids(len(numbers))
            values = [
                (*_raw_partner(n, public_id, stamp), "", 0)
                for n, public_id in zip(numbers, uuids, strict=True)
            ]
            bulk_sql.copy_rows(Partner, RAW_PARTNER_FIELDS, values)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def _raw_insert_all(rows: int) -> float:
    """Seconds to insert every row the import writes — partners, domains, audit
    entries, outbox events — rolled back, with the import's UUID kind and bulk
    mechanism (as ``_raw_insert``): the same rows as the import's, built in the
    loop, without any check."""
    from django.db import connection, transaction
    from django.utils import timezone

    from openprm.core import bulk_sql, jsontext
    from openprm.core.models import AuditEntry, OutboxEvent
    from openprm.partners.models import Partner, PartnerDomain

    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    started = time.perf_counter()
    with transaction.atomic():
        first_id = bulk_sql.reserve_ids(Partner, 1)[0]
        for start in range(0, rows, CHUNK):
            numbers = range(start, min(start + CHUNK, rows))
            public_ids = jsontext.ordered_uuids(len(numbers))
            event_ids = jsontext.ordered_uuids(len(numbers))
            partners, domains, entries, events = [], [], [], []
            for n, public_id, event_id in zip(
                numbers, public_ids, event_ids, strict=True
            ):
                name, kind, country, region, city, site, band, ext, dom, _t, tier = (
                    _row(n)
                )
                pk = first_id + n
                fields = {
                    "name": name,
                    "partner_type": kind,
                    "status": "prospect",
                    "country": country,
                    "region": region,
                    "city": city,
                    "website": site,
                    "partner_types": [kind],
                    "employee_band": band,
                    "tags": ["cloud", "gold"],
                    "external_id": ext,
                    "custom_fields": {"tier": tier},
                }
                row = _raw_partner(n, public_id, stamp)
                partners.append((pk, *row, f"/{pk}/", 0))
                domains.append((pk, dom, stamp, stamp))
                changes = {key: [None, value] for key, value in fields.items()}
                changes["domains"] = [None, [dom]]
                entries.append(
                    (
                        stamp,
                        "create",
                        "partners.partner",
                        str(pk),
                        name,
                        pk,
                        json.dumps(changes),
                        "",
                        "",
                        "",
                        "",
                    )
                )
                payload = {
                    "id": pk,
                    "public_id": jsontext.uuid_text(public_id),
                    **fields,
                }
                events.append(
                    (event_id, "partner.created", 1, stamp, pk, json.dumps(payload), "")
                )
            bulk_sql.copy_rows(Partner, ("id", *RAW_PARTNER_FIELDS), partners)
            bulk_sql.copy_rows(
                PartnerDomain,
                ("partner_id", "domain", "created_at", "updated_at"),
                domains,
            )
            bulk_sql.copy_rows(
                AuditEntry,
                (
                    "occurred_at",
                    "action",
                    "object_type",
                    "object_id",
                    "object_repr",
                    "partner_id",
                    "changes",
                    "actor_label",
                    "token_label",
                    "verb",
                    "request_id",
                ),
                entries,
            )
            bulk_sql.copy_rows(
                OutboxEvent,
                (
                    "uuid",
                    "name",
                    "version",
                    "occurred_at",
                    "partner_id",
                    "payload",
                    "request_id",
                ),
                events,
            )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def _import(admin, path: Path) -> tuple[float, float, object]:
    from openprm.integrations.imports import services as services_imports

    started = time.perf_counter()
    with path.open("rb") as upload:
        job = services_imports.import_upload(
            actor=admin, file_name="rate.csv", upload=upload
        )
    job = services_imports.import_preview(job_id=job.pk)
    previewed = time.perf_counter()
    services_imports.import_confirm(actor=admin, job=job)
    job = services_imports.import_run(job_id=job.pk)
    finished = time.perf_counter()
    return previewed - started, finished - previewed, job


def _reset_peak_rss() -> None:
    """Start a new peak resident set for this process (Linux)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def child(rows: int) -> dict:
    """One measurement, in this (fresh) process; returns its figures."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprm.settings")
    os.environ["DEBUG"] = "0"
    # Events are queued for the worker, as in production, not delivered inline.
    os.environ["TASKS_BACKEND"] = "database"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.OPENPRM_IMPORT_MAX_BYTES = 1 << 40
    settings.OPENPRM_IMPORT_MAX_ROWS = rows
    from openprm.accounts.models import User
    from openprm.core.models import AuditEntry, OutboxEvent
    from openprm.partners.models import CustomFieldDefinition, Partner

    CustomFieldDefinition.objects.create(
        key="tier", label="Tier", field_type="choice", choices=list(TIERS)
    )
    admin = User.objects.create_user(
        email="import.rate@openprm.example", password=None, vendor_role="vendor_admin"
    )
    path = Path(os.environ["OPENPRM_VAR_DIR"]) / "rate.csv"
    _write_csv(path, rows)
    rss_setup = _peak_rss_mb()

    raw_seconds = raw_all_seconds = rss_raw = float("nan")
    if os.environ.get("IMPORT_RATE_RAW", "1") == "1":
        _reset_peak_rss()
        raw_seconds = _raw_insert(rows)
        raw_all_seconds = _raw_insert_all(rows)
        rss_raw = _peak_rss_mb()
    _reset_peak_rss()
    preview_seconds, run_seconds, job = _import(admin, path)
    rss_import = _peak_rss_mb()
    assert (job.created, job.failed) == (rows, 0), (job.created, job.failed)
    assert Partner.objects.count() == rows
    audit_count = AuditEntry.objects.count()
    event_count = OutboxEvent.objects.count()
    again_preview = again_run = rss_rerun = float("nan")
    if os.environ.get("IMPORT_RATE_RERUN", "1") == "1":
        _reset_peak_rss()
        again_preview, again_run, again = _import(admin, path)
        rss_rerun = _peak_rss_mb()
        assert (again.unchanged, again.created, again.updated) == (rows, 0, 0)
        assert AuditEntry.objects.count() == audit_count
        assert OutboxEvent.objects.count() == event_count
    return {
        "rows": rows,
        "database": connection.vendor,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "raw_rows_per_s": rows / raw_seconds,
        "preview_rows_per_s": rows / preview_seconds,
        "run_rows_per_s": rows / run_seconds,
        "import_rows_per_s": rows / (preview_seconds + run_seconds),
        "rerun_rows_per_s": rows / (again_preview + again_run),
        "raw_all_rows_per_s": rows / raw_all_seconds,
        "run_vs_raw": raw_seconds / run_seconds,
        "run_vs_raw_all": raw_all_seconds / run_seconds,
        "import_vs_raw": raw_seconds / (preview_seconds + run_seconds),
        "audit_entries": audit_count,
        "events": event_count,
        "peak_rss_mb_setup": rss_setup,
        "peak_rss_mb_raw": rss_raw,
        "peak_rss_mb_import": rss_import,
        "peak_rss_mb_rerun": rss_rerun,
    }


def _postgres_url(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _run_child(rows: int) -> dict:
    env = dict(os.environ)
    folder = tempfile.mkdtemp(prefix="openprm-import-rate-")
    env["OPENPRM_VAR_DIR"] = folder
    url = os.environ.get("DATABASE_URL", "")
    admin_url = name = None
    if url:
        import psycopg

        name = urlsplit(url).path.lstrip("/") + "_import"
        admin_url = _postgres_url(url, "postgres")
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = _postgres_url(url, name)
    try:
        subprocess.run(
            [sys.executable, "-m", "openprm", "migrate", "--verbosity", "0"],
            env={**env, "DEBUG": "0"},
            check=True,
        )
        output = subprocess.run(
            [sys.executable, "-m", "bench.import_rate", "--child", str(rows)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        if admin_url:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return json.loads(output.strip().splitlines()[-1])


def lines(result: dict) -> list[str]:
    return [
        f"{result['rows']:,} rows ({result['database']}, {result['file_mb']} MB CSV):",
        f"  raw bulk insert (import's way): {result['raw_rows_per_s']:>9,.0f} rows/s",
        f"  import run (checked + written): {result['run_rows_per_s']:>9,.0f} rows/s"
        f"  = {result['run_vs_raw']:.2f} of raw",
        f"  raw, every row the run writes:  "
        f"{result['raw_all_rows_per_s']:>9,.0f} rows/s"
        f"  (run = {result['run_vs_raw_all']:.2f} of it)",
        f"  preview (every row checked):    "
        f"{result['preview_rows_per_s']:>9,.0f} rows/s",
        f"  preview + run:                  {result['import_rows_per_s']:>9,.0f} rows/s"
        f"  = {result['import_vs_raw']:.2f} of raw",
        f"  re-run, nothing changes:        {result['rerun_rows_per_s']:>9,.0f} rows/s",
        f"  audit entries / events written: {result['audit_entries']:,} / "
        f"{result['events']:,}",
        f"  peak RSS: import (preview + run) {result['peak_rss_mb_import']} MB, "
        f"re-run {result['peak_rss_mb_rerun']} MB, raw inserts "
        f"{result['peak_rss_mb_raw']} MB, set-up {result['peak_rss_mb_setup']} MB",
    ]


def report(sizes=(100_000,), say=print) -> list[dict]:
    """Measure each size in its own process and print the figures."""
    results = []
    for rows in sizes:
        say(f"Import rate: {rows:,} rows ...")
        result = _run_child(rows)
        results.append(result)
        for line in lines(result):
            say(line)
    return results


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(int(sys.argv[2]))))
    else:
        parser = argparse.ArgumentParser(
            prog="python -m bench.import_rate",
            description="The partner import's rate against a raw bulk insert of "
            "the same rows, and its peak memory, for each number of rows given, "
            "each in a fresh process and database (DATABASE_URL picks "
            "PostgreSQL: <its name>_import is created and dropped). "
            "IMPORT_RATE_RERUN=0 skips the re-run of the same file, "
            "IMPORT_RATE_RAW=0 the raw inserts.",
        )
        parser.add_argument(
            "rows", nargs="*", type=int, default=[100_000], help="default: 100000"
        )
        report(parser.parse_args().rows)
