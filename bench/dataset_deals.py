"""The deals of the benchmark data set: registrations with one line each, and the
exchange rates that convert them (see bench/dataset.py for the partners).

Shape: ``--deals`` registrations (default 1,000,000) of active partners,
BENCH_PARTNER_DEAL_SHARE of them the bench partner's; statuses from submitted to
won and lost, the stage following the status; amounts from 1,000 to 500,000 in EUR,
USD, GBP or JPY; expected close dates over 2025-2027, submitted over three years
(the ones in review due three days later).
Quarterly USD, GBP and JPY rates into EUR from 2023 to 2028. Rows go in by chunks so
that a million of them never sit in memory at once.
"""

import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bench.dataset_fill import Fill, chunks, company_words

DEFAULT_DEALS = 1_000_000
BENCH_PARTNER_DEAL_SHARE = 0.05
CHUNK = 50_000

DEAL_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "partner_id",
    "public_id",
    "title",
    "customer_name",
    "customer_name_normalised",
    "name_token_first",
    "name_token_longest",
    "customer_domain",
    "customer_country",
    "customer_key",
    "currency",
    "total_amount",
    "expected_close_date",
    "stage_id",
    "status",
    "submitted_at",
    "review_due_at",
)
# A registration in review is due about three days after it was submitted (the
# review queue's order): this share of the three years the data set spans.
REVIEW_SHARE = 3 / (3 * 365)
IN_REVIEW = ("submitted", "more_info_requested")
LINE_COLUMNS = ("id", "deal_id", "product_line", "quantity", "amount")
RATE_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "currency",
    "base_currency",
    "rate",
    "valid_from",
)
STATUS_WEIGHTS = (
    ("submitted", 15),
    ("more_info_requested", 3),
    ("approved", 50),
    ("rejected", 7),
    ("expired", 5),
    ("won", 12),
    ("lost", 8),
)
CURRENCY_WEIGHTS = (("EUR", 55), ("USD", 30), ("GBP", 10), ("JPY", 5))
# Units of EUR per unit, drifting a little each quarter.
RATE_START = {"USD": Decimal("0.92"), "GBP": Decimal("1.16"), "JPY": Decimal("0.0068")}
PRODUCT_LINES = ("security", "networking", "storage", "cloud", "analytics")
CLOSE_FROM = date(2025, 1, 1)
CLOSE_DAYS = 3 * 365


def generate(*, count: int, rng: random.Random, fill: Fill) -> None:
    """Insert ``count`` deals with one line each, and the exchange rates."""
    from django.db import connection

    from bench.dataset import Table
    from openprm.currencies.models import ExchangeRate
    from openprm.deals.models import Deal, DealLine, Stage
    from openprm.deals.pipeline import rebuild, triggers

    deal_table = Table.of(Deal, DEAL_COLUMNS)
    line_table = Table.of(DealLine, LINE_COLUMNS)
    rate_table = Table.of(ExchangeRate, RATE_COLUMNS)
    stages = dict(Stage.objects.values_list("kind", "id").order_by("-order"))
    open_stages = list(
        Stage.objects.filter(kind="open").order_by("order").values_list("id", flat=True)
    )

    fill.insert(rate_table, _rates(rng, fill.when))
    # Set-based: the pipeline's triggers are off while the deals go in (two upserts
    # per deal row otherwise), and its cells and totals are then built in one
    # GROUP BY each, as the nightly rebuild does.
    triggers.drop(connection)
    deals = _deals(
        count=count, rng=rng, fill=fill, stages=stages, open_stages=open_stages
    )
    for rows in chunks(deals, CHUNK):
        fill.insert(deal_table, [deal for deal, _ in rows])
        fill.insert(line_table, [line for _, line in rows])
    triggers.install(connection)
    rebuild.rebuild(connection)


def _deals(
    *,
    count: int,
    rng: random.Random,
    fill: Fill,
    stages: dict[str, int],
    open_stages: list[int],
) -> Iterator[tuple[tuple, tuple]]:
    """Each deal's row and its line's."""
    statuses = [status for status, _ in STATUS_WEIGHTS]
    status_weights = [weight for _, weight in STATUS_WEIGHTS]
    currencies = [code for code, _ in CURRENCY_WEIGHTS]
    currency_weights = [weight for _, weight in CURRENCY_WEIGHTS]
    countries = {row[0]: row[7] for row in fill.partners}
    for deal_id in range(1, count + 1):
        partner_id = fill.holder(rng, bench_share=BENCH_PARTNER_DEAL_SHARE)
        status = rng.choices(statuses, status_weights)[0]
        stage_id = stages.get(status) if status in ("won", "lost") else None
        stage_id = stage_id or rng.choice(open_stages)
        first, second = company_words(rng)
        name = f"{first} {second} {deal_id}"
        normalised = name.lower()
        amount = Decimal(rng.randrange(100_000, 50_000_000)).scaleb(-2)
        fraction = deal_id / max(count, 1)
        submitted = fill.when(fraction)
        deal = (
            deal_id,
            submitted,
            submitted,
            partner_id,
            fill.new_uuid(),
            f"{second} refresh {deal_id}",
            name,
            normalised,
            first.lower(),
            second.lower(),
            f"{first.lower()}{deal_id}.example",
            countries[partner_id],
            f"domain:{first.lower()}{deal_id}.example",
            rng.choices(currencies, currency_weights)[0],
            amount,
            CLOSE_FROM + timedelta(days=rng.randrange(CLOSE_DAYS)),
            stage_id,
            status,
            submitted,
            fill.when(fraction + REVIEW_SHARE) if status in IN_REVIEW else None,
        )
        yield deal, (deal_id, deal_id, rng.choice(PRODUCT_LINES), 1, amount)


def _rates(rng: random.Random, when: Callable[[float], Any]) -> list[tuple]:
    rows = []
    for currency, start in RATE_START.items():
        rate = start
        for quarter in range(6 * 4):  # 2023-2028
            valid_from = date(2023 + quarter // 4, 1 + 3 * (quarter % 4), 1)
            rows.append(
                (
                    len(rows) + 1,
                    when(0.0),
                    when(0.0),
                    currency,
                    "EUR",
                    rate,
                    valid_from,
                )
            )
            drift = Decimal(rng.randrange(-300, 301)).scaleb(-4)  # +-3%
            rate = (rate * (1 + drift)).quantize(Decimal("1e-10"))
    return rows


def models() -> list:
    """The models whose id sequences move past the inserted rows (PostgreSQL)."""
    from openprm.currencies.models import ExchangeRate
    from openprm.deals.models import Deal, DealLine

    return [Deal, DealLine, ExchangeRate]


def counts(bench_partner_id: int) -> dict[str, int]:
    from openprm.deals.models import Deal

    return {
        "deals": Deal.objects.count(),
        "bench_partner_deals": Deal.objects.filter(partner_id=bench_partner_id).count(),
    }
