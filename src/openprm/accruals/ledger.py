"""The money accrual ledger's writes: one entry per accrual, reversal or payout.

A balance is the sum of a partner's entries. A payout is the only write that
must not take more than the balance: it first bumps the partner's
``MoneyAccount.version`` (on PostgreSQL that locks the row until the transaction
ends; on SQLite transactions begin ``IMMEDIATE``), then sums and writes under that
lock. Amounts are in the reporting currency, rounded to its minor unit.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from openprm.accruals.models import MoneyAccount, MoneyEntry
from openprm.currencies import money


@dataclass(frozen=True)
class Source:
    """What produced an entry, shown to the partner as its reason."""

    type: str = ""
    id: str = ""
    label: str = ""


def account_for(*, partner_id: int) -> MoneyAccount:
    """The partner's money ledger, created on first use."""
    account = MoneyAccount.objects.filter(partner_id=partner_id).first()
    if account is not None:
        return account
    with transaction.atomic():
        account, _created = MoneyAccount.objects.get_or_create(
            partner_id=partner_id,
            defaults={"currency": money.reporting_currency()},
        )
    return account


def lock(account: MoneyAccount) -> None:
    """Take the partner's ledger lock for the rest of the transaction."""
    MoneyAccount.objects.filter(pk=account.pk).update(version=F("version") + 1)


def balance_of(account: MoneyAccount, *, before: datetime.datetime | None = None):
    """The sum of the partner's entries (those before ``before``, when given)."""
    entries = MoneyEntry.objects.filter(account=account)
    if before is not None:
        entries = entries.filter(occurred_at__lt=before)
    return entries.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def entry(
    *,
    account: MoneyAccount,
    kind: str,
    amount: Decimal,
    reason: str = "",
    source: Source = Source(),
    actor=None,
    now: datetime.datetime | None = None,
    reverses: MoneyEntry | None = None,
) -> MoneyEntry:
    """An unsaved entry (for ``post`` or a bulk insert)."""
    return MoneyEntry(
        account=account,
        partner_id=account.partner_id,
        kind=kind,
        amount=money.quantize(amount, account.currency),
        currency=account.currency,
        reason=reason[:300],
        source_type=source.type,
        source_id=source.id,
        source_label=source.label[:200],
        actor=actor,
        occurred_at=now or timezone.now(),
        reverses=reverses,
    )


def post(**kwargs) -> MoneyEntry:
    """Write one entry (inside the caller's transaction)."""
    new = entry(**kwargs)
    new.save()
    return new
