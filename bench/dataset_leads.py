"""The leads of the benchmark data set (see bench/dataset.py for the partners).

Shape: ``--leads`` leads (default 200,000), created over three years:
BENCH_PARTNER_LEAD_SHARE of them held by the bench partner, the rest by random
active partners, except the ones waiting for the vendor (new, rejected,
unassigned), which nobody holds. Statuses from accepted to lost; no lead is
``offered`` (an offer needs its pending assignment row, which the list pages do
not read). Rows go in by chunks.
"""

import random
from collections.abc import Iterator

from bench.dataset_fill import Fill, chunks, company_words

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


def generate(*, count: int, rng: random.Random, fill: Fill) -> None:
    """Insert ``count`` leads."""
    from bench.dataset import Table
    from openprm.leads.models import Lead

    table = Table.of(Lead, LEAD_COLUMNS)
    for rows in chunks(_leads(count=count, rng=rng, fill=fill), CHUNK):
        fill.insert(table, rows)


def _leads(*, count: int, rng: random.Random, fill: Fill) -> Iterator[tuple]:
    statuses = [status for status, _ in STATUS_WEIGHTS]
    weights = [weight for _, weight in STATUS_WEIGHTS]
    places = {row[0]: (row[7], row[8]) for row in fill.partners}
    for lead_id in range(1, count + 1):
        status = rng.choices(statuses, weights)[0]
        if status in WAITING:
            partner_id = None
            country, region = places[rng.choice(fill.active_ids)]
        else:
            partner_id = fill.holder(rng, bench_share=BENCH_PARTNER_LEAD_SHARE)
            country, region = places[partner_id]
        first, second = company_words(rng)
        created = fill.when(lead_id / max(count, 1))
        yield (
            lead_id,
            created,
            created,
            fill.new_uuid(),
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
