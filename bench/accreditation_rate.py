"""The accreditation recompute's rate (partners/s) and whether its cost per
partner stays flat as partners grow.

Not an HTTP scenario. ``python -m bench.accreditation_rate 1000 2000 5000 10000``
runs it alone (``--people`` certified people per partner, default 20: 10,000
partners are 200,000 certified people). ``DATABASE_URL`` picks PostgreSQL: a
throwaway database ``<its name>_accreditation`` is created next to it and dropped
afterwards; otherwise a SQLite file in a temporary folder.

One fresh database, migrated by another process; then, in this order, for each
size (partners are added to reach it):

1. **gain**: no partner holds the accreditation yet, every partner meets it (two
   technical people certified in a product line and one sales person), so every
   partner gains it — the rows, audit entries and events written in bulk;
2. **unchanged**: the same again, nothing is written;
3. **lose**: every partner's sales people expired (one ``UPDATE``), every partner
   loses it.

Each is ``certifications.services.accreditations_evaluate()`` over every partner,
the function the daily sweep runs. The figure that says whether the work is
set-based is the cost per partner (µs) at the largest size over the smallest:
about 1 when it is flat. Each is given in wall time and in this process's CPU
time: on a loaded machine the sizes run minutes apart under different loads, and
the CPU time is the steadier figure (all the work on SQLite; on PostgreSQL the
server's share is not in it).
"""

import argparse
import json
import os
import sys
import time
from datetime import timedelta

from bench.report import per_partner_flatness

PHASES = ("gain", "unchanged", "lose")


def _add(partners_from: int, partners_to: int, people: int, certifications) -> None:
    """Partners ``partners_from``..``partners_to - 1`` with ``people`` certified
    people each: half engineers, the rest sellers."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from openprm.accounts.models import User
    from openprm.certifications.models import UserCertification
    from openprm.partners.models import Partner

    engineer, seller = certifications
    password = make_password(None)
    now = timezone.now()
    chunk = 1000
    for start in range(partners_from, partners_to, chunk):
        stop = min(start + chunk, partners_to)
        partners = Partner.objects.bulk_create(
            [
                Partner(name=f"Bench accreditation {n}", status="active")
                for n in range(start, stop)
            ]
        )
        users = User.objects.bulk_create(
            [
                User(email=f"p{partner.pk}.u{k}@accr.example", password=password)
                for partner in partners
                for k in range(people)
            ],
            batch_size=2000,
        )
        rows = []
        for index, user in enumerate(users):
            partner = partners[index // people]
            k = index % people
            rows.append(
                UserCertification(
                    user=user,
                    partner=partner,
                    certification=engineer if k < people // 2 else seller,
                    earned_at=now,
                    valid_until=now + timedelta(days=400),
                    source="path",
                )
            )
        UserCertification.objects.bulk_create(rows, batch_size=2000)


def _timed(label: str, partners: int) -> dict:
    from openprm.certifications.services import accreditations_evaluate

    started, cpu_started = time.perf_counter(), time.process_time()
    changes = accreditations_evaluate()
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    return {
        "phase": label,
        "seconds": round(seconds, 3),
        "partners_per_s": round(partners / seconds),
        "us_per_partner": round(seconds / partners * 1e6, 1),
        # This process's CPU alone: on a loaded machine the steadier figure; on
        # SQLite it is all the work, on PostgreSQL the server's share is left out.
        "cpu_us_per_partner": round(cpu_seconds / partners * 1e6, 1),
        **changes,
    }


def child(sizes: list[int], people: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprm.settings")
    os.environ["DEBUG"] = "0"
    os.environ["TASKS_BACKEND"] = "database"
    import django

    django.setup()
    from django.db import connection

    from openprm.accounts.models import User
    from openprm.certifications.models import (
        Accreditation,
        AccreditationCondition,
        PartnerAccreditation,
        UserCertification,
    )
    from openprm.certifications.services import certification_create
    from openprm.segments.models import Audience

    admin = User.objects.create_user(
        email="accreditation.rate@openprm.example",
        password=None,
        vendor_role="vendor_admin",
    )
    audience = Audience.objects.create(name="Everyone", rule={"all": []})
    engineer = certification_create(
        actor=admin,
        name="Bench engineer",
        kind="external",  # how it is earned does not matter here
        validity_months=24,
        product_line="security",
        role="technical",
        audience=audience,
    )
    seller = certification_create(
        actor=admin,
        name="Bench seller",
        kind="external",
        validity_months=24,
        product_line="security",
        role="sales",
        audience=audience,
    )
    accreditation = Accreditation.objects.create(name="Bench specialist")
    AccreditationCondition.objects.create(
        accreditation=accreditation, product_line="security", role="technical", count=2
    )
    AccreditationCondition.objects.create(
        accreditation=accreditation, certification=seller, count=1
    )
    results = []
    made = 0
    for size in sorted(sizes):
        _add(made, size, people, (engineer, seller))
        made = size
        UserCertification.objects.filter(status="expired").update(status="active")
        PartnerAccreditation.objects.all().delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        phases = [_timed("gain", size), _timed("unchanged", size)]
        UserCertification.objects.filter(certification=seller).update(status="expired")
        phases.append(_timed("lose", size))
        results.append(
            {
                "partners": size,
                "certified_people": UserCertification.objects.count(),
                "phases": phases,
            }
        )
    return {
        "database": connection.vendor,
        "people_per_partner": people,
        "sizes": results,
        "plan": _plan(accreditation),
    }


def _plan(accreditation) -> list[str]:
    """The database's plan of the grouped query that decides who holds the
    accreditation (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL)."""
    from django.db import connection
    from django.utils import timezone

    from openprm.certifications.services import condition_counts

    conditions = list(accreditation.conditions.all())
    query = condition_counts(accreditation, conditions, now=timezone.now())
    sql, params = query.query.sql_with_params()
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(explain + sql, params)
        return [" ".join(str(value) for value in row) for row in cursor.fetchall()]


def run(sizes: list[int], people: int) -> dict:
    from bench import throwaway

    with throwaway.database("accreditation") as env:
        argument = json.dumps({"sizes": sizes, "people": people})
        return json.loads(
            throwaway.child_json(env, "bench.accreditation_rate", argument)
        )


def lines(result: dict) -> list[str]:
    out = [
        f"Accreditation recompute ({result['database']}, "
        f"{result['people_per_partner']} certified people per partner):"
    ]
    for size in result["sizes"]:
        figures = ", ".join(
            f"{phase['phase']} {phase['partners_per_s']:,}/s "
            f"({phase['us_per_partner']} µs each, "
            f"CPU {phase.get('cpu_us_per_partner', 0)} µs)"
            for phase in size["phases"]
        )
        out.append(
            f"  {size['partners']:>6,} partners, {size['certified_people']:>7,} "
            f"people: {figures}"
        )
    out.append("  plan of the grouped query:")
    out += [f"    {line}" for line in result.get("plan", [])]
    out += per_partner_flatness(result["sizes"], PHASES)
    return out


def report(sizes=(1000, 10_000), people: int = 20, say=print) -> dict:
    """Measure the sizes in one fresh database and print the figures (``make
    bench``)."""
    say(f"Accreditation recompute: {', '.join(f'{n:,}' for n in sizes)} partners ...")
    result = run(list(sizes), people)
    for line in lines(result):
        say(line)
    return result


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        arguments = json.loads(sys.argv[2])
        print(json.dumps(child(arguments["sizes"], arguments["people"])))
    else:
        parser = argparse.ArgumentParser(
            prog="python -m bench.accreditation_rate",
            description="The accreditation recompute's rate and its cost per "
            "partner for each number of partners given (DATABASE_URL picks "
            "PostgreSQL: <its name>_accreditation is created and dropped).",
        )
        parser.add_argument(
            "partners",
            nargs="*",
            type=int,
            default=[1000, 10_000],
            help="default: 1000 10000",
        )
        parser.add_argument("--people", type=int, default=20)
        arguments = parser.parse_args()
        for line in lines(run(arguments.partners, arguments.people)):
            print(line)
