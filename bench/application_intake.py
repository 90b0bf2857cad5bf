"""Application intake: public submissions and the SLA sweep against a large
partner database.

Not an HTTP scenario: ``python -m bench.application_intake [applications]
[partners]`` migrates a throwaway database (as bench.lead_routing does: SQLite in a
temporary folder, or the PostgreSQL ``DATABASE_URL`` whose name contains "bench"),
bulk-inserts partners, routing rules and a two-step chain, then times
``onboarding.services.application_submit`` (checks, duplicate detection, routing,
audit, events, emails queued) with 100 partners and again with ``partners``, and the
SLA sweep escalating every application. The figure to read is the ratio of the two
submit rates: duplicate detection must not grow with the partner database.
"""

import os
import sys
import time

os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
os.environ.setdefault("TASKS_BACKEND", "database")

WORDS = ["North", "Blue", "Apex", "Delta", "Nova", "Summit", "River", "Cedar"]
KINDS = ["Networks", "Systems", "Solutions", "Digital", "Cloud", "Data"]


def add_partners(count: int, start: int = 0) -> None:
    from django.utils import timezone

    from openprm.partners.models import Partner

    now = timezone.now()
    rows = []
    for number in range(start, start + count):
        name = f"{WORDS[number % 8]}{KINDS[number % 6]} {number:06d}"
        rows.append(
            Partner(
                name=name,
                partner_type="reseller",
                status="active" if number % 3 else "prospect",
                country="DE",
                region="EMEA",
                website=f"https://p{number}.example",
                partner_types=["reseller"],
                path="/",
                created_at=now,
                updated_at=now,
            )
        )
        if len(rows) == 5000:
            Partner.objects.bulk_create(rows)
            rows = []
    Partner.objects.bulk_create(rows)


def configure():
    from openprm.accounts.models import User
    from openprm.onboarding.models import ApprovalQueue, ApprovalStep, RoutingRule
    from openprm.programs.models import Programme

    manager = User.objects.create(
        email="cm@bench.example", vendor_role="channel_manager"
    )
    boss = User.objects.create(email="boss@bench.example", vendor_role="vendor_admin")
    legal = ApprovalQueue.objects.create(name="Legal")
    legal.members.set([boss])
    ApprovalQueue.objects.create(name="Triage", is_fallback=True)
    programme = Programme.objects.create(
        name="Reseller", slug="reseller", eligible_partner_types=["reseller"]
    )
    for position, region in enumerate(["APAC", "NA", "LATAM", "EMEA"], start=1):
        RoutingRule.objects.create(
            name=region, position=position, regions=[region], user=manager
        )
    ApprovalStep.objects.create(
        programme=programme, position=1, name="CM", escalate_to_user=boss
    )
    ApprovalStep.objects.create(
        programme=programme, position=2, name="Legal", queue=legal
    )
    return programme


def submit_rate(programme, count: int, label: str) -> float:
    from django.db import connection

    from openprm.onboarding.services import application_submit

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    started = time.perf_counter()
    for number in range(count):
        application_submit(
            programme=programme,
            data={
                "company": f"{WORDS[number % 8]}{KINDS[number % 6]} Applicant {number}",
                "website": f"{label}-{number}.example",
                "country": "DE",
                "region": "EMEA",
                "partner_types": ["reseller"],
                "contact_name": "Applicant",
                "contact_email": f"a{number}@{label}.example",
            },
        )
    return count / (time.perf_counter() - started)


def main(applications: int = 300, partners: int = 10_000) -> None:
    from bench.lead_routing import _database

    vendor = _database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprm.settings")
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from openprm.onboarding.services import applications_sweep

    programme = configure()
    add_partners(100)
    small = submit_rate(programme, applications, "small")
    add_partners(partners - 100, start=100)
    large = submit_rate(programme, applications, "large")
    started = time.perf_counter()
    counts = applications_sweep(now=timezone.now() + timedelta(days=30))
    sweep_seconds = time.perf_counter() - started
    print(f"database: {vendor}")
    print(f"applications per run: {applications:,}  partners: 100 then {partners:,}")
    print(f"submit rate with 100 partners: {small:,.1f}/s")
    print(f"submit rate with {partners:,} partners: {large:,.1f}/s")
    print(f"ratio (large / small): {large / small:.2f}")
    print(
        f"sweep: {counts['escalated']:,} escalated in {sweep_seconds:.1f} s "
        f"({counts['escalated'] / sweep_seconds:,.1f}/s)"
    )


if __name__ == "__main__":
    main(*[int(value) for value in sys.argv[1:3]])
