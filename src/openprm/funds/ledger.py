"""The fund ledger: how each kind of entry moves each figure, and the balance
writes the database uses to refuse an over-commitment.

Figures (all sums of ``LedgerEntry.amount`` by kind, per allocation or partner):

- allocated = allocation + adjustment + points - expiry
- available = allocated - commitment + release
- committed = commitment - release - claim (approved, not yet claimed or released)
- claimed = claim - payout (approved claims not yet paid)
- paid = payout

``Allocation.available`` mirrors *available* and ``Budget.unallocated`` what no
allocation holds; both have ``CHECK (… >= 0)``. A debit is one conditional
``UPDATE … SET available = available - x WHERE id = … AND available >= x``: on
PostgreSQL the second of two concurrent updates waits for the first's row lock and
re-checks the condition on the new value; SQLite lets one writer in at a time
(``transaction_mode = IMMEDIATE``), so the condition is read after the other
writer committed. Either way a debit that does not fit changes no row and the
service refuses (``InsufficientFunds``), and the CHECK is the last word.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core.errors import Conflict
from openprm.funds.choices import EntryKind
from openprm.funds.models import Allocation, Budget, FundRequest, LedgerEntry

ZERO = Decimal("0.00")


class InsufficientFunds(Conflict):
    code = "insufficient_funds"

    def __init__(self, message=None):
        super().__init__(message or _("There are not enough funds available for this."))


def cents(value: Decimal | None) -> Decimal:
    """A sum as the database returns it (None for no rows; SQLite may drop the
    scale) to two decimals."""
    return (value or ZERO).quantize(ZERO)


@dataclass(frozen=True)
class Figures:
    """A partner's money in a fund, as the portal and console show it."""

    allocated: Decimal = ZERO
    available: Decimal = ZERO
    committed: Decimal = ZERO
    claimed: Decimal = ZERO
    paid: Decimal = ZERO


def figures(sums: Mapping[str, Decimal]) -> Figures:
    """The figures from the sums of entries by kind (missing kinds are zero)."""

    def total(kind: str) -> Decimal:
        return sums.get(kind) or ZERO

    allocated = (
        total(EntryKind.ALLOCATION)
        + total(EntryKind.ADJUSTMENT)
        + total(EntryKind.POINTS)
        - total(EntryKind.EXPIRY)
    )
    return Figures(
        allocated=allocated,
        available=allocated - total(EntryKind.COMMITMENT) + total(EntryKind.RELEASE),
        committed=total(EntryKind.COMMITMENT)
        - total(EntryKind.RELEASE)
        - total(EntryKind.CLAIM),
        claimed=total(EntryKind.CLAIM) - total(EntryKind.PAYOUT),
        paid=total(EntryKind.PAYOUT),
    )


def _entry(allocation: Allocation, kind: str, amount: Decimal, **links) -> LedgerEntry:
    return LedgerEntry.objects.create(
        partner_id=allocation.partner_id,
        allocation=allocation,
        kind=kind,
        amount=amount,
        occurred_at=timezone.now(),
        **links,
    )


def draw_from_budget(budget: Budget, amount: Decimal) -> None:
    """Take ``amount`` from what the budget has not allocated, or refuse."""
    taken = Budget.objects.filter(pk=budget.pk, unallocated__gte=amount).update(
        unallocated=F("unallocated") - amount
    )
    if not taken:
        raise InsufficientFunds(_("The budget does not have that much left."))


def return_to_budget(budget: Budget, amount: Decimal) -> None:
    Budget.objects.filter(pk=budget.pk).update(unallocated=F("unallocated") + amount)


def credit(allocation: Allocation, kind: str, amount: Decimal, **links) -> LedgerEntry:
    """An entry that adds to available: allocation, release, a positive adjustment."""
    Allocation.objects.filter(pk=allocation.pk).update(
        available=F("available") + amount
    )
    return _entry(allocation, kind, amount, **links)


def debit(allocation: Allocation, kind: str, amount: Decimal, **links) -> LedgerEntry:
    """An entry that takes from available (commitment, expiry, a negative
    adjustment), only if available covers it."""
    taken = Allocation.objects.filter(pk=allocation.pk, available__gte=amount).update(
        available=F("available") - amount
    )
    if not taken:
        raise InsufficientFunds
    signed = -amount if kind == EntryKind.ADJUSTMENT else amount
    return _entry(allocation, kind, signed, **links)


def record(allocation: Allocation, kind: str, amount: Decimal, **links) -> LedgerEntry:
    """An entry that leaves available alone: a claim, a payout."""
    return _entry(allocation, kind, amount, **links)


def take_open_commitment(request: FundRequest, amount: Decimal) -> None:
    """Move ``amount`` of the request's open commitment on (to a claim or a
    release), only if that much is open."""
    taken = FundRequest.objects.filter(
        pk=request.pk, open_commitment__gte=amount
    ).update(open_commitment=F("open_commitment") - amount)
    if not taken:
        raise InsufficientFunds(
            _("That is more than what is still committed to this request.")
        )
    request.refresh_from_db(fields=["open_commitment"])
