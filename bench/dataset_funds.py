"""The marketing funds of the benchmark data set (issue 16; see bench/dataset.py
for the partners and the two benchmark users).

Shape: one MDF fund in EUR with a budget in each of this year's four quarters;
``--fund-requests`` requests (default 100,000) of funded partners (one active
partner in FUNDED_SHARE, the bench partner among them), BENCH_PARTNER_REQUEST_SHARE
of them the bench partner's, each funded partner with an allocation in every
budget its requests use; statuses from draft to closed, every submitted request
with its approval on the engine (``approvals.Request``): the open ones wait in
the "Marketing funds" queue, whose named member is the bench vendor admin (so
they are "waiting on me" for them), due from a week ago to a week ahead;
``--fund-ledger-entries`` entries (default 1,000,000): an allocation per allocation,
a commitment per approved or closed request, then claims, payouts and releases
of those requests (cents each, so every figure stays positive). The balance
columns (``Allocation.available``, ``FundRequest.open_commitment``) satisfy their
CHECKs but are not reconciled with those small movements: the pages read the
ledger's sums. Rows go in by chunks.
"""

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

DEFAULT_FUND_REQUESTS = 100_000
DEFAULT_LEDGER_ENTRIES = 1_000_000
BENCH_PARTNER_REQUEST_SHARE = 0.02
FUNDED_SHARE = 0.2
CHUNK = 50_000
QUEUE_NAME = "Marketing funds"
REQUEST_KIND = "funds.request"

PERIOD_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "name",
    "fiscal_year",
    "quarter",
    "starts_on",
    "ends_on",
)
FUND_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "public_id",
    "name",
    "kind",
    "currency",
)
BUDGET_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "public_id",
    "fund_id",
    "period_id",
    "amount",
    "unallocated",
)
ALLOCATION_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "public_id",
    "partner_id",
    "budget_id",
    "available",
)
QUEUE_COLUMNS = ("id", "created_at", "updated_at", "name", "vendor_role", "is_fallback")
QUEUE_MEMBER_COLUMNS = ("id", "queue_id", "user_id")
APPROVAL_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "public_id",
    "kind",
    "object_id",
    "subject_label",
    "partner_id",
    "amount",
    "currency",
    "region",
    "partner_types",
    "status",
    "step_position",
    "step_name",
    "queue_id",
    "step_started_at",
    "due_at",
    "decided_at",
)
REQUEST_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "public_id",
    "partner_id",
    "budget_id",
    "allocation_id",
    "activity_type_id",
    "title",
    "description",
    "starts_on",
    "ends_on",
    "amount",
    "currency",
    "campaign_code",
    "status",
    "open_commitment",
    "claim_deadline",
    "submitted_at",
    "decided_at",
    "approval_id",
)
ENTRY_COLUMNS = (
    "id",
    "partner_id",
    "allocation_id",
    "kind",
    "amount",
    "request_id",
    "note",
    "occurred_at",
)
STATUS_WEIGHTS = (
    ("draft", 5),
    ("submitted", 20),
    ("approved", 50),
    ("rejected", 10),
    ("closed", 15),
)
APPROVAL_STATUS = {
    "submitted": "in_review",
    "approved": "approved",
    "closed": "approved",
    "rejected": "rejected",
}
TOPICS = ("Zero-trust", "SD-WAN", "Backup", "Cloud", "Edge", "Data lake", "Firewall")
WHAT = ("webinar", "roadshow", "trade show booth", "campaign", "workshop", "mailing")
LATER_KINDS = ("claim", "payout", "release")


def generate(
    *,
    requests: int,
    entries: int,
    rng: random.Random,
    partners: list[tuple],
    bench_partner_id: int,
    active: str,
    admin_user_id: int,
    insert: Callable[[Any, list[tuple]], None],
    new_uuid: Callable[[], Any],
) -> None:
    """Insert the fund, budgets, allocations, requests with their approvals and
    the ledger. ``partners`` are bench/dataset.py's partner rows (id at 0, type
    at 5, status at 6, region at 8)."""
    from django.db import connection

    from bench.dataset import Table
    from openprm.approvals.models import Queue, Request
    from openprm.funds.models import (
        ActivityType,
        Allocation,
        Budget,
        FiscalPeriod,
        Fund,
        FundRequest,
        LedgerEntry,
    )

    if not requests:
        return
    adapt_datetime = connection.ops.adapt_datetimefield_value
    adapt_date = connection.ops.adapt_datefield_value
    now = datetime.now(UTC).replace(microsecond=0)
    year = now.year

    def at(moment: datetime) -> Any:
        return adapt_datetime(moment)

    periods = []
    for quarter in range(1, 5):
        starts = date(year, 3 * quarter - 2, 1)
        ends = (
            date(year, 12, 31)
            if quarter == 4
            else date(year, 3 * quarter + 1, 1) - timedelta(days=1)
        )
        periods.append(
            (
                quarter,
                at(now),
                at(now),
                f"FY{year} Q{quarter}",
                year,
                quarter,
                adapt_date(starts),
                adapt_date(ends),
            )
        )
    insert(Table.of(FiscalPeriod, PERIOD_COLUMNS), periods)
    insert(
        Table.of(Fund, FUND_COLUMNS),
        [(1, at(now), at(now), new_uuid(), "Bench MDF", "mdf", "EUR")],
    )
    queue_id = 1
    insert(
        Table.of(Queue, QUEUE_COLUMNS),
        [(queue_id, at(now), at(now), QUEUE_NAME, "channel_marketing", True)],
    )
    insert(
        Table(Queue.members.through._meta.db_table, QUEUE_MEMBER_COLUMNS, ()),
        [(1, queue_id, admin_user_id)],
    )
    activity_types = list(ActivityType.objects.values_list("id", flat=True))

    # Who has funds: the bench partner and a share of the other active partners.
    candidates = [
        row for row in partners if row[6] == active and row[0] != bench_partner_id
    ]
    funded = [
        partners[bench_partner_id - 1],
        *rng.sample(
            candidates,
            min(len(candidates), max(1, round(len(candidates) * FUNDED_SHARE))),
        ),
    ]
    statuses = [status for status, _ in STATUS_WEIGHTS]
    weights = [weight for _, weight in STATUS_WEIGHTS]
    allocation_ids: dict[tuple[int, int], int] = {}
    committed = defaultdict(Decimal)  # allocation id -> commitments
    released = defaultdict(Decimal)  # allocation id -> releases
    request_rows, approval_rows = [], []
    # (request id, partner id, allocation id, amount, created) of committed ones
    commitments: list[tuple[int, int, int, Decimal, datetime]] = []
    year_start = datetime(year, 1, 1, tzinfo=UTC)
    span = now - year_start
    for request_id in range(1, requests + 1):
        if rng.random() < BENCH_PARTNER_REQUEST_SHARE:
            partner = funded[0]
        else:
            partner = (
                funded[rng.randrange(1, len(funded))] if len(funded) > 1 else funded[0]
            )
        created = year_start + span * (request_id / requests)
        budget_id = min((created.month - 1) // 3 + 1, 4)
        key = (partner[0], budget_id)
        allocation_id = allocation_ids.setdefault(key, len(allocation_ids) + 1)
        status = rng.choices(statuses, weights)[0]
        amount = Decimal(rng.randrange(10, 200) * 100)
        starts_on = created.date() + timedelta(days=rng.randrange(7, 60))
        ends_on = starts_on + timedelta(days=rng.randrange(0, 3))
        title = f"{rng.choice(TOPICS)} {rng.choice(WHAT)} {request_id}"
        approval_id = None
        if status != "draft":
            approval_id = len(approval_rows) + 1
            is_open = status == "submitted"
            approval_rows.append(
                (
                    approval_id,
                    at(created),
                    at(created),
                    new_uuid(),
                    REQUEST_KIND,
                    str(request_id),
                    title,
                    partner[0],
                    amount,
                    "EUR",
                    partner[8],
                    '["' + partner[5] + '"]',
                    APPROVAL_STATUS[status],
                    1,
                    "Funds review",
                    queue_id if is_open else None,
                    at(created),
                    at(now + timedelta(hours=rng.randrange(-7 * 24, 7 * 24)))
                    if is_open
                    else None,
                    None if is_open else at(created + timedelta(days=2)),
                )
            )
        open_commitment = Decimal(0)
        if status in ("approved", "closed"):
            committed[allocation_id] += amount
            commitments.append((request_id, partner[0], allocation_id, amount, created))
            if status == "approved":
                open_commitment = amount
            else:
                released[allocation_id] += amount  # claims + release = commitment
        request_rows.append(
            (
                request_id,
                at(created),
                at(created),
                new_uuid(),
                partner[0],
                budget_id,
                allocation_id,
                rng.choice(activity_types),
                title,
                "Planned with the vendor's marketing team; leads go to the portal.",
                adapt_date(starts_on),
                adapt_date(ends_on),
                amount,
                "EUR",
                f"MDF-B{request_id:07d}",
                status,
                open_commitment,
                adapt_date(ends_on + timedelta(days=60))
                if status == "approved"
                else None,
                None if status == "draft" else at(created),
                at(created + timedelta(days=2))
                if status in ("approved", "closed", "rejected")
                else None,
                approval_id,
            )
        )

    # Each allocation: what its requests committed plus some room left.
    allocation_rows, entry_rows, budget_totals = [], [], defaultdict(Decimal)
    for (partner_id, budget_id), allocation_id in allocation_ids.items():
        credited = committed[allocation_id] + Decimal(rng.randrange(50, 500) * 100)
        budget_totals[budget_id] += credited
        allocation_rows.append(
            (
                allocation_id,
                at(year_start),
                at(year_start),
                new_uuid(),
                partner_id,
                budget_id,
                credited - committed[allocation_id] + released[allocation_id],
            )
        )
        entry_rows.append(
            (
                len(entry_rows) + 1,
                partner_id,
                allocation_id,
                "allocation",
                credited,
                None,
                "Allocation run",
                at(year_start + timedelta(days=3 * (budget_id - 1) * 30)),
            )
        )
    for request_id, partner_id, allocation_id, amount, created in commitments:
        entry_rows.append(
            (
                len(entry_rows) + 1,
                partner_id,
                allocation_id,
                "commitment",
                amount,
                request_id,
                "",
                at(created + timedelta(days=2)),
            )
        )
    # Later movements of committed requests, a few cents each so that the
    # figures stay positive (the closed ones' releases are counted above).
    later = max(entries - len(entry_rows), 0)
    for _ in range(later):
        request_id, partner_id, allocation_id, _amount, created = commitments[
            rng.randrange(len(commitments))
        ]
        entry_rows.append(
            (
                len(entry_rows) + 1,
                partner_id,
                allocation_id,
                rng.choice(LATER_KINDS),
                Decimal(rng.randrange(1, 100)) / 100,
                request_id,
                "",
                at(created + timedelta(days=rng.randrange(3, 90))),
            )
        )

    total = sum(budget_totals.values(), Decimal(0))
    insert(
        Table.of(Budget, BUDGET_COLUMNS),
        [
            (budget_id, at(now), at(now), new_uuid(), 1, budget_id, amount, Decimal(0))
            for budget_id, amount in sorted(budget_totals.items())
        ]
        + [
            (budget_id, at(now), at(now), new_uuid(), 1, budget_id, total, total)
            for budget_id in range(1, 5)
            if budget_id not in budget_totals
        ],
    )
    insert(Table.of(Allocation, ALLOCATION_COLUMNS), allocation_rows)
    approval_table = Table.of(Request, APPROVAL_COLUMNS)
    for start in range(0, len(approval_rows), CHUNK):
        insert(approval_table, approval_rows[start : start + CHUNK])
    request_table = Table.of(FundRequest, REQUEST_COLUMNS)
    for start in range(0, len(request_rows), CHUNK):
        insert(request_table, request_rows[start : start + CHUNK])
    entry_table = Table.of(LedgerEntry, ENTRY_COLUMNS)
    for start in range(0, len(entry_rows), CHUNK):
        insert(entry_table, entry_rows[start : start + CHUNK])


def models() -> list:
    """The models whose id sequences move past the inserted rows (PostgreSQL)."""
    from openprm.approvals.models import Queue, Request
    from openprm.funds.models import (
        Allocation,
        Budget,
        FiscalPeriod,
        Fund,
        FundRequest,
        LedgerEntry,
    )

    return [
        FiscalPeriod,
        Fund,
        Budget,
        Allocation,
        Queue,
        Queue.members.through,
        Request,
        FundRequest,
        LedgerEntry,
    ]


def counts(bench_partner_id: int) -> dict[str, int]:
    """Row counts, the bench partner's requests and entries, and the open
    approvals waiting in the bench vendor admin's queue (what the approvals
    scenario pages through)."""
    from openprm.approvals.models import Request
    from openprm.funds.models import FundRequest, LedgerEntry

    return {
        "fund_requests": FundRequest.objects.count(),
        "fund_ledger_entries": LedgerEntry.objects.count(),
        "bench_partner_fund_requests": FundRequest.objects.filter(
            partner_id=bench_partner_id
        ).count(),
        "bench_partner_fund_ledger_entries": LedgerEntry.objects.filter(
            partner_id=bench_partner_id
        ).count(),
        "fund_approvals_waiting": Request.objects.filter(
            kind=REQUEST_KIND, status="in_review", queue__name="Marketing funds"
        ).count(),
    }
