"""The partner import's rate against a raw bulk insert of the same rows.

Not an HTTP scenario: ``python -m bench.import_rate [rows]`` migrates a throwaway
SQLite database in a temporary folder, imports ``rows`` generated partners through
the import service (preview, then run, as the worker does), then inserts the same
rows with ``executemany`` into a fresh copy of the table, and prints both rates.
"""

import os
import sys
import tempfile
import time


def main(rows: int = 2000) -> None:
    folder = tempfile.mkdtemp(prefix="openprm-import-rate-")
    os.environ["OPENPRM_VAR_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprm.settings")
    # Events are queued for the worker, as in production, not delivered inline.
    os.environ.setdefault("TASKS_BACKEND", "database")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from openprm.accounts.models import User
    from openprm.integrations import services_imports
    from openprm.integrations.models import ImportJob

    admin = User.objects.create_user(
        email="import.rate@openprm.example", password=None, vendor_role="vendor_admin"
    )
    header = "name,partner_type,country,region,city,external_id,domains,tags\n"
    lines = [
        f"Partner {n},reseller,DE,EMEA,Berlin,EXT-{n},p{n}.example,cloud; gold\n"
        for n in range(rows)
    ]
    content = (header + "".join(lines)).encode()

    started = time.perf_counter()
    job = services_imports.import_upload(
        actor=admin, file_name="rate.csv", content=content
    )
    previewed = time.perf_counter()
    ImportJob.objects.filter(pk=job.pk).update(status="queued")
    job = services_imports.import_run(job_id=job.pk)
    finished = time.perf_counter()
    assert job.created == rows, (job.created, job.errors[:3])

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE raw_partner AS SELECT * FROM partners_partner WHERE 0"
        )
        values = [
            (f"Partner {n}", "reseller", "DE", "EMEA", "Berlin", f"EXT-{n}", "[]")
            for n in range(rows)
        ]
        raw_started = time.perf_counter()
        cursor.executemany(
            "INSERT INTO raw_partner "
            "(name, partner_type, country, region, city, external_id, tags) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            values,
        )
        raw_finished = time.perf_counter()

    preview_rate = rows / (previewed - started)
    run_rate = rows / (finished - previewed)
    raw_rate = rows / (raw_finished - raw_started)
    print(f"rows: {rows:,}")
    print(f"preview: {preview_rate:,.0f} rows/s")
    print(f"run: {run_rate:,.0f} rows/s")
    print(f"raw executemany: {raw_rate:,.0f} rows/s")
    print(f"run / raw: {run_rate / raw_rate:.4f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
