"""Lead routing throughput: 100,000 waiting leads routed across 10,000 partners.

Not an HTTP scenario: ``python -m bench.lead_routing [leads] [partners]`` migrates a
throwaway database (SQLite in a temporary folder; with ``DATABASE_URL`` the
PostgreSQL database it names, which must contain "bench" and is dropped and
recreated), bulk-inserts active partners with tiers (programme enrolments),
scorecard scores, past lead records and a few capacities, three routing rules
(weighted by tier, score and performance; round-robin; nearest) and the waiting
leads, then times ``leads.batch.route_waiting_leads`` — the routing.py decisions
with every assignment's reasons and passed-over candidates, the timeline entries,
audit entries and outbox events written — and prints leads per second.

``python -m bench.lead_routing --single N [partners]`` routes N waiting leads one at
a time instead: the first third through ``leads.services.lead_route`` (as the
console does), the second through the API (``POST /api/v1/leads/{id}/route`` with
a bearer token) in process with Django's test client (the full middleware,
authentication and response, no socket), the last through the same API served by
granian as ``openprm serve`` runs it (one worker, one thread, over a socket), on
10,000 partners by default, and prints leads per second of each (and the CPU
time this process spent per lead for the first two).
"""

import json
import os
import random
import sys
import tempfile
import time

COUNTRIES = {
    "EMEA": ["DE", "FR", "GB", "NL", "ES", "IT", "SE", "PL"],
    "NA": ["US", "CA"],
    "APAC": ["AU", "JP", "SG", "IN"],
    "LATAM": ["BR", "MX"],
}
SPECIALISATIONS = ["networking", "security", "cloud", "data", "collaboration"]
INDUSTRIES = ["retail", "finance", "healthcare", "manufacturing", "technology"]


def _database() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        folder = tempfile.mkdtemp(prefix="openprm-lead-routing-")
        os.environ["OPENPRM_VAR_DIR"] = folder
        return "sqlite"
    from bench.dataset import _fresh_database
    from bench.environment import RESULTS_DIR, BenchDatabase

    database = BenchDatabase(
        vendor="postgresql", url=url, var_dir=RESULTS_DIR / "postgresql"
    )
    _fresh_database(database)  # refuses a name without "bench"
    os.environ["OPENPRM_VAR_DIR"] = tempfile.mkdtemp(prefix="openprm-lead-routing-")
    return "postgresql"


def _places(rng: random.Random):
    region = rng.choice(["EMEA", "EMEA", "NA", "APAC", "LATAM"])
    return region, rng.choice(COUNTRIES[region])


def populate(leads: int, partners: int, seed: int = 7) -> None:
    from django.utils import timezone

    from openprm.leads.models import Lead, LeadCapacity, LeadRoutingRule
    from openprm.partners.models import Partner
    from openprm.programs.models import Enrolment, Programme, Tier
    from openprm.scoring.models import PartnerScore, Scorecard

    rng = random.Random(seed)
    rows = []
    for number in range(partners):
        region, country = _places(rng)
        rows.append(
            Partner(
                name=f"Partner {number:05d}",
                partner_type="reseller",
                status="active",
                country=country,
                region=region,
                specialisations=rng.sample(SPECIALISATIONS, 2),
                industries=rng.sample(INDUSTRIES, 2),
                latitude=round(rng.uniform(-60, 70), 6),
                longitude=round(rng.uniform(-170, 170), 6),
                path=f"/{number}/",
            )
        )
    Partner.objects.bulk_create(rows, batch_size=2000)
    ids = list(Partner.objects.order_by("id").values_list("id", flat=True))
    programme = Programme.objects.create(name="Bench programme")
    tiers = [
        Tier.objects.create(programme=programme, name=name, rank=rank)
        for rank, name in enumerate(["Silver", "Gold", "Platinum"], start=1)
    ]
    Enrolment.objects.bulk_create(
        [
            Enrolment(partner_id=pid, programme=programme, tier=rng.choice(tiers))
            for pid in ids
        ],
        batch_size=2000,
    )
    card = Scorecard.objects.create(name="Bench fit")
    PartnerScore.objects.bulk_create(
        [
            PartnerScore(
                partner_id=pid,
                scorecard=card,
                score=rng.randint(0, 100),
                breakdown=[],
            )
            for pid in ids
        ],
        batch_size=2000,
    )
    LeadCapacity.objects.bulk_create(
        [LeadCapacity(partner_id=pid, max_open_leads=5) for pid in ids[::10]]
    )
    LeadRoutingRule.objects.create(
        name="Security near the customer",
        order=1,
        strategy="nearest",
        product_interests=["security"],
        regions=["EMEA"],
        match_specialisation=True,
    )
    LeadRoutingRule.objects.create(
        name="North America rotation", order=2, strategy="round_robin", regions=["NA"]
    )
    LeadRoutingRule.objects.create(
        name="Best partner in the country",
        order=3,
        strategy="weighted",
        match_industry=True,
        tier_weight=2.0,
    )
    now = timezone.now()
    batch = []
    for number in range(leads):
        region, country = _places(rng)
        with_coordinates = rng.random() < 0.5
        batch.append(
            Lead(
                company=f"Customer {number:06d}",
                country=country,
                region=region,
                postal_code=f"{rng.randint(10000, 99999)}",
                industry=rng.choice(INDUSTRIES),
                product_interest=rng.choice(SPECIALISATIONS),
                latitude=round(rng.uniform(-60, 70), 6) if with_coordinates else None,
                longitude=round(rng.uniform(-170, 170), 6)
                if with_coordinates
                else None,
                external_id=f"CRM-{number}",
                created_at=now,
                updated_at=now,
            )
        )
        if len(batch) == 5000:
            Lead.objects.bulk_create(batch)
            batch = []
    Lead.objects.bulk_create(batch)


def main(leads: int = 100_000, partners: int = 10_000) -> None:
    vendor = _database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprm.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    from openprm.leads.batch import route_waiting_leads
    from openprm.leads.models import LeadAssignment

    populate(leads, partners)
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    started = time.perf_counter()
    result = route_waiting_leads()
    elapsed = time.perf_counter() - started
    stored = LeadAssignment.objects.exclude(reasons=[]).count()
    assert stored == result.routed, (stored, result.routed)
    print(f"database: {vendor}")
    print(f"leads: {leads:,}  partners: {partners:,}")
    print(f"routed: {result.routed:,}  unassigned: {result.unassigned:,}")
    print(f"seconds: {elapsed:.1f}")
    print(f"rate: {leads / elapsed:,.0f} leads/s (target 2,000)")


def _api_headers() -> dict[str, str]:
    from openprm.accounts.models import ApiToken, User
    from openprm.accounts.tokens.keys import hash_token, new_token_secret

    user = User.objects.create_user(
        email="bench-router@example.com",
        full_name="Bench router",
        password=new_token_secret(),
        vendor_role="vendor_admin",
    )
    secret = new_token_secret()
    ApiToken.objects.create(
        user=user, name="bench", prefix=secret[:12], key_hash=hash_token(secret)
    )
    return {"Authorization": f"Bearer {secret}"}


def _through_server(vendor: str, leads, headers: dict[str, str]) -> float:
    """Route ``leads`` one request at a time through ``openprm serve``'s granian
    (one worker, one thread: one request at a time, like the loop) over a socket;
    returns the seconds taken."""
    from pathlib import Path

    from bench import server
    from bench.environment import BenchDatabase

    folder = Path(os.environ["OPENPRM_VAR_DIR"])
    database = BenchDatabase(
        vendor=vendor, url=os.environ.get("DATABASE_URL", ""), var_dir=folder
    )
    port = server.free_port()
    with server.serving(
        database, port=port, workers=1, threads=1, log_path=folder / "server.log"
    ):
        started = time.perf_counter()
        for lead in leads:
            response = server.request(
                port,
                f"/api/v1/leads/{lead.public_id}/route",
                method="POST",
                extra_headers={**headers, "Content-Type": "application/json"},
                timeout=60.0,
            )
            assert response.status == 200, response.body[:300]
            body = json.loads(response.body)
            assert body["assignments"] and body["assignments"][0]["reasons"], body
        return time.perf_counter() - started


def single(leads: int = 300, partners: int = 10_000) -> None:
    """Route ``leads`` waiting leads one at a time: a third through the service, a
    third through the API in process (Django's test client), a third through the
    API served by granian over a socket."""
    vendor = _database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprm.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection
    from django.test import Client

    from openprm.leads import services
    from openprm.leads.models import Lead, LeadAssignment

    populate(leads, partners)
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    waiting = list(Lead.objects.order_by("id"))
    third = leads // 3
    through_service = waiting[:third]
    through_api, through_http = waiting[third : 2 * third], waiting[2 * third :]
    started, cpu = time.perf_counter(), time.process_time()
    for lead in through_service:
        services.lead_route(actor=None, lead=lead)
    service_seconds = time.perf_counter() - started
    service_cpu = time.process_time() - cpu
    client, headers = Client(HTTP_HOST="localhost"), _api_headers()
    started, cpu = time.perf_counter(), time.process_time()
    for lead in through_api:
        response = client.post(
            f"/api/v1/leads/{lead.public_id}/route",
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        assert body["assignments"] and body["assignments"][0]["reasons"], body
    api_seconds = time.perf_counter() - started
    api_cpu = time.process_time() - cpu
    connection.close()  # the server's worker writes next
    http_seconds = _through_server(vendor, through_http, headers)
    routed = LeadAssignment.objects.exclude(reasons=[]).count()
    print(f"database: {vendor}")
    print(f"leads: {leads:,} one at a time  partners: {partners:,}")
    print(f"routed with reasons: {routed:,}")
    for label, count, seconds, used in (
        ("service", len(through_service), service_seconds, service_cpu),
        ("API (test client)", len(through_api), api_seconds, api_cpu),
    ):
        print(
            f"{label}: {count / seconds:,.0f} leads/s ({count} leads, "
            f"{seconds:.2f} s; this process's CPU {1000 * used / count:.1f} ms "
            "a lead)"
        )
    print(
        f"API (granian, HTTP): {len(through_http) / http_seconds:,.0f} leads/s "
        f"({len(through_http)} leads, {http_seconds:.2f} s; target 200)"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--single"]:
        single(*[int(value) for value in sys.argv[2:4]])
    else:
        main(*[int(value) for value in sys.argv[1:3]])
