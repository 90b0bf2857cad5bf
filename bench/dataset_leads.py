"""The leads of the benchmark data set (see bench/dataset.py for the partners).

Shape: ``--leads`` leads (default 200,000), created over three years:
BENCH_PARTNER_LEAD_SHARE of them held by the bench partner, the rest by random
active partners, except the ones waiting for the vendor (new, rejected,
unassigned), which nobody holds. Statuses from accepted to lost; no lead is
``offered`` (an offer needs its pending assignment row, which the list pages do
not read). Rows go in by chunks.
"""

import random
from collections.abc import Callable
from typing import Any

DEFAULT_LEADS = 200_000
BENCH_PARTNER_LEAD_SHARE = 0.05
CHUNK = 50_000

LEAD_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "public_id",
    "company",
    "domain",
    "contact_name",
    "contact_email",
    "country",
    "region",
    "product_interest",
    "source",
    "status",
    "current_partner_id",
)
# Held by a partner, or waiting for the vendor (no partner).
STATUS_WEIGHTS = (
    ("accepted", 20),
    ("working", 30),
    ("converted", 15),
    ("lost", 15),
    ("new", 10),
    ("unassigned", 5),
    ("rejected", 5),
)
WAITING = {"new", "unassigned", "rejected"}
PRODUCT_LINES = ("security", "networking", "storage", "cloud", "analytics")
WORDS = ("Nordic", "Atlas", "Vertex", "Blue", "Granite", "Summit", "Harbor", "Civic")
KINDS = ("Logistics", "Retail", "Energy", "Health", "Foods", "Systems", "Bank")


def generate(
    *,
    count: int,
    rng: random.Random,
    partners: list[tuple],
    bench_partner_id: int,
    active: str,
    when: Callable[[float], Any],
    insert: Callable[[Any, list[tuple]], None],
    new_uuid: Callable[[], Any],
) -> None:
    """Insert ``count`` leads; ``insert(table, rows)`` writes rows into a
    ``bench.dataset.Table``."""
    from bench.dataset import Table
    from openprm.leads.models import Lead

    table = Table.of(Lead, LEAD_COLUMNS)
    statuses = [status for status, _ in STATUS_WEIGHTS]
    weights = [weight for _, weight in STATUS_WEIGHTS]
    active_ids = [row[0] for row in partners if row[6] == active]
    places = {row[0]: (row[7], row[8]) for row in partners}
    rows: list[tuple] = []
    for lead_id in range(1, count + 1):
        status = rng.choices(statuses, weights)[0]
        if status in WAITING:
            partner_id = None
            country, region = places[rng.choice(active_ids)]
        else:
            if rng.random() < BENCH_PARTNER_LEAD_SHARE:
                partner_id = bench_partner_id
            else:
                partner_id = rng.choice(active_ids)
            country, region = places[partner_id]
        first, second = rng.choice(WORDS), rng.choice(KINDS)
        created = when(lead_id / max(count, 1))
        rows.append(
            (
                lead_id,
                created,
                created,
                new_uuid(),
                f"{first} {second} {lead_id}",
                f"{first.lower()}{lead_id}.example",
                f"Buyer {lead_id}",
                f"buyer{lead_id}@{first.lower()}{lead_id}.example",
                country,
                region,
                rng.choice(PRODUCT_LINES),
                "console",
                status,
                partner_id,
            )
        )
        if len(rows) == CHUNK:
            insert(table, rows)
            rows = []
    if rows:
        insert(table, rows)


def models() -> list:
    """The models whose id sequences move past the inserted rows (PostgreSQL)."""
    from openprm.leads.models import Lead

    return [Lead]


def counts(bench_partner_id: int) -> dict[str, int]:
    from openprm.deals.choices import IN_REVIEW
    from openprm.deals.models import Deal
    from openprm.leads.models import Lead

    return {
        "leads": Lead.objects.count(),
        "bench_partner_leads": Lead.objects.filter(
            current_partner_id=bench_partner_id
        ).count(),
        # The deal registration review queue pages through these.
        "deals_in_review": Deal.objects.filter(status__in=IN_REVIEW).count(),
    }
