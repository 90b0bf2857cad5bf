"""The points ledger's writes: credits open a lot, debits take from lots.

Every write first bumps its holder's ``PointsAccount.version`` with an ``UPDATE``:
on PostgreSQL that locks the holder's row until the transaction ends; on SQLite
(transactions begin ``IMMEDIATE``) the database lets one writer at a time. So two
redemptions of one holder never read the same lots. Behind that lock, each lot is
taken with a conditional ``UPDATE … SET remaining = remaining - n WHERE remaining
>= n``, and the table's ``CHECK (remaining >= 0)`` refuses anything that would
overdraw a lot, so a balance cannot go negative even if a path forgot the lock.

Callers (``services``) check permissions, write the audit entry and the event;
this module only keeps the ledger's arithmetic right. Points are whole numbers.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core.errors import Conflict
from openprm.incentives.choices import EntryKind, HolderKind
from openprm.incentives.models import LotDraw, PointsAccount, PointsEntry, PointsLot


class InsufficientPoints(Conflict):
    code = "insufficient_points"

    def __init__(self, *, balance: int, wanted: int):
        self.balance, self.wanted = balance, wanted
        super().__init__(
            _("Only %(balance)s points are available; %(wanted)s were asked for.")
            % {"balance": balance, "wanted": wanted}
        )


def holder_kind() -> str:
    """Whether points belong to the partner company or to each partner user
    (setting ``OPENPRM_POINTS_HOLDER``)."""
    return getattr(settings, "OPENPRM_POINTS_HOLDER", HolderKind.COMPANY)


def expiry_months() -> int:
    """Months after which an earned lot expires (``OPENPRM_POINTS_EXPIRY_MONTHS``;
    0: never)."""
    return int(getattr(settings, "OPENPRM_POINTS_EXPIRY_MONTHS", 24))


def expiry_warning_days() -> int:
    """Days before a lot expires that its holder is warned, once
    (``OPENPRM_POINTS_EXPIRY_WARNING_DAYS``; 0: no warning)."""
    return int(getattr(settings, "OPENPRM_POINTS_EXPIRY_WARNING_DAYS", 30))


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time ``months`` later (the month's last day when it is
    shorter: 31 January + 1 month is 28 or 29 February)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def expires_at(earned_at: datetime.datetime) -> datetime.datetime | None:
    months = expiry_months()
    return add_months(earned_at, months) if months else None


def account_for(*, partner_id: int, user_id: int | None = None) -> PointsAccount:
    """The holder of a partner's points (or of one of its users', when points
    belong to users and a user is given), created on first use."""
    if holder_kind() != HolderKind.USER:
        user_id = None
    account = PointsAccount.objects.filter(
        partner_id=partner_id, user_id=user_id
    ).first()
    if account is not None:
        return account
    with transaction.atomic():
        account, _created = PointsAccount.objects.get_or_create(
            partner_id=partner_id, user_id=user_id
        )
    return account


def lock(account: PointsAccount) -> None:
    """Take the holder's write lock for the rest of the transaction."""
    PointsAccount.objects.filter(pk=account.pk).update(version=F("version") + 1)


def balance_of(account: PointsAccount) -> int:
    """The sum of the holder's entries."""
    total = account.entries.aggregate(total=Sum("points"))["total"]
    return int(total or 0)


def spendable_of(account: PointsAccount) -> int:
    """What the holder's lots still hold (equals the balance; checked by a sweep)."""
    total = account.lots.aggregate(total=Sum("remaining"))["total"]
    return int(total or 0)


@dataclass(frozen=True)
class Source:
    """What produced an entry, shown to the partner as its reason."""

    type: str = ""
    id: str = ""
    label: str = ""


NO_SOURCE = Source()


def credit(
    *,
    account: PointsAccount,
    kind: str,
    points: int,
    reason: str = "",
    rule=None,
    source: Source = NO_SOURCE,
    actor=None,
    now: datetime.datetime | None = None,
    reverses: PointsEntry | None = None,
) -> PointsEntry:
    """Add points in a lot of their own (call inside a transaction)."""
    if points <= 0:
        raise ValueError("A credit adds points")
    now = now or timezone.now()
    lock(account)
    entry = PointsEntry.objects.create(
        account=account,
        partner_id=account.partner_id,
        kind=kind,
        points=points,
        reason=reason[:300],
        rule=rule,
        source_type=source.type,
        source_id=source.id,
        source_label=source.label[:200],
        actor=actor,
        occurred_at=now,
        reverses=reverses,
    )
    PointsLot.objects.create(
        account=account,
        entry=entry,
        amount=points,
        remaining=points,
        earned_at=now,
        expires_at=expires_at(now),
    )
    return entry


def _open_lots(account: PointsAccount, now) -> list[tuple[int, int]]:
    """``(lot id, remaining)`` of the holder's spendable lots, oldest first: lots
    past their expiry are not spendable even before the sweep expires them."""
    lots = account.lots.filter(remaining__gt=0).exclude(expires_at__lte=now)
    return list(lots.order_by("earned_at", "id").values_list("id", "remaining"))


def _take(lot_id: int, points: int) -> None:
    taken = PointsLot.objects.filter(pk=lot_id, remaining__gte=points).update(
        remaining=F("remaining") - points
    )
    if not taken:  # only if a writer skipped the lock: refuse, never overdraw
        raise InsufficientPoints(balance=0, wanted=points)


def debit(
    *,
    account: PointsAccount,
    kind: str,
    points: int,
    reason: str = "",
    source: Source = NO_SOURCE,
    actor=None,
    now: datetime.datetime | None = None,
    reverses: PointsEntry | None = None,
    partial: bool = False,
    first_lot_id: int | None = None,
) -> PointsEntry | None:
    """Take points from the holder's lots, oldest first (``first_lot_id`` first,
    when given); all or nothing (``InsufficientPoints``), or with ``partial`` as
    many as there are (None when there are none). Call inside a transaction."""
    if points <= 0:
        raise ValueError("A debit takes points")
    now = now or timezone.now()
    lock(account)
    lots = _open_lots(account, now)
    if first_lot_id is not None:
        lots.sort(key=lambda lot: lot[0] != first_lot_id)
    available = sum(remaining for _lot, remaining in lots)
    if available < points:
        if not partial:
            raise InsufficientPoints(balance=available, wanted=points)
        points = available
        if not points:
            return None
    entry = PointsEntry.objects.create(
        account=account,
        partner_id=account.partner_id,
        kind=kind,
        points=-points,
        reason=reason[:300],
        source_type=source.type,
        source_id=source.id,
        source_label=source.label[:200],
        actor=actor,
        occurred_at=now,
        reverses=reverses,
    )
    draws = []
    wanted = points
    for lot_id, remaining in lots:
        if not wanted:
            break
        taken = min(remaining, wanted)
        _take(lot_id, taken)
        draws.append(LotDraw(entry=entry, lot_id=lot_id, points=taken))
        wanted -= taken
    LotDraw.objects.bulk_create(draws)
    return entry


def refund(*, entry: PointsEntry, reason: str, actor=None, now=None) -> PointsEntry:
    """Undo a debit: its points go back into the lots they came from (a lot past
    its expiry is expired again by the sweep)."""
    now = now or timezone.now()
    account = entry.account
    lock(account)
    reversal = PointsEntry.objects.create(
        account=account,
        partner_id=account.partner_id,
        kind=EntryKind.REVERSE,
        points=-entry.points,
        reason=reason[:300],
        source_type="entry",
        source_id=str(entry.public_id),
        source_label=entry.source_label,
        actor=actor,
        occurred_at=now,
        reverses=entry,
    )
    for draw in entry.draws.all():
        PointsLot.objects.filter(pk=draw.lot_id).update(
            remaining=F("remaining") + draw.points
        )
    return reversal


def expire_lot(*, lot: PointsLot, now: datetime.datetime) -> PointsEntry | None:
    """Write the expiry of what is left in a lot past its date."""
    lock(lot.account)
    remaining = (
        PointsLot.objects.filter(pk=lot.pk).values_list("remaining", flat=True).first()
    )
    if not remaining:
        return None
    entry = PointsEntry.objects.create(
        account_id=lot.account_id,
        partner_id=lot.account.partner_id,
        kind=EntryKind.EXPIRE,
        points=-remaining,
        reason=str(_("Points earned on %(date)s expired."))
        % {"date": lot.earned_at.date().isoformat()},
        source_type="entry",
        source_id=str(lot.entry.public_id),
        source_label=lot.entry.source_label or lot.entry.reason,
        occurred_at=now,
    )
    _take(lot.pk, remaining)
    LotDraw.objects.create(entry=entry, lot=lot, points=remaining)
    return entry
