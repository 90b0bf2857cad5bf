"""Scoped reads of SPIFFs, rebates, money ledgers and payouts.

Vendor staff (``READ``) read every SPIFF and programme, and the ledgers,
statements and payouts of the partners in their scope; a partner user reads
their own organisation's (``PartnerOwnedQuerySet`` scoping). Anything out of
scope is not found.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from openprm.accruals import permissions
from openprm.accruals.choices import MoneyKind
from openprm.accruals.models import (
    MoneyAccount,
    MoneyEntry,
    Payout,
    RebateProgramme,
    RebateStatement,
    SalesReturn,
    Spiff,
    SpiffEarning,
)
from openprm.accruals.spiffs import reaching
from openprm.core.api import as_uuid
from openprm.core.errors import NotFound
from openprm.incentives.earning import period_bounds
from openprm.incentives.models import SalesLine


def _get(queryset, public_id):
    found = queryset.filter(public_id=as_uuid(public_id)).first()
    if found is None:
        raise NotFound
    return found


# --- SPIFFs


def spiff_list(*, user) -> QuerySet[Spiff]:
    """Every SPIFF, with how many lines earned it (vendor staff)."""
    permissions.READ.ensure(user)
    return (
        Spiff.objects.select_related("product", "audience")
        .annotate(
            earnings_count=Count(
                "earnings", filter=Q(earnings__reversed_at__isnull=True)
            )
        )
        .order_by("-starts_on", "name", "id")
    )


def spiff_get(*, user, public_id) -> Spiff:
    return _get(spiff_list(user=user), public_id)


def spiff_leaders(spiff: Spiff, limit: int = 20) -> list[dict]:
    """The partners that earned the SPIFF most, with units and amounts."""
    return list(
        SpiffEarning.objects.filter(spiff=spiff, reversed_at__isnull=True)
        .values("partner_id", "partner__name")
        .annotate(units=Sum("quantity"), amount=Sum("amount"))
        .order_by("-amount", "partner__name")[:limit]
    )


@dataclass(frozen=True)
class Progress:
    """A partner's standing in one SPIFF: what it sold and earned so far."""

    spiff: Spiff
    units: Decimal
    earned: Decimal

    @property
    def budget_left_percent(self) -> int:
        if not self.spiff.budget:
            return 0
        return int(self.spiff.remaining * 100 / self.spiff.budget)


def partner_spiffs(*, partner_id: int, today: datetime.date | None = None):
    """The SPIFFs running now (or ended within 30 days) that reach the partner,
    each with the units it sold and what it earned (two queries and the
    audience check)."""
    today = today or timezone.localdate()
    spiffs = reaching(
        partner_id=partner_id, first=today - datetime.timedelta(days=30), last=today
    )
    if not spiffs:
        return []
    by_spiff = {
        row["spiff_id"]: row
        for row in SpiffEarning.objects.filter(
            partner_id=partner_id,
            reversed_at__isnull=True,
            spiff_id__in=[s.pk for s in spiffs],
        )
        .values("spiff_id")
        .annotate(units=Sum("quantity"), earned=Sum("amount"))
    }
    result = []
    for spiff in sorted(spiffs, key=lambda s: (s.ends_on, s.name)):
        row = by_spiff.get(spiff.pk, {})
        result.append(
            Progress(
                spiff=spiff,
                units=row.get("units") or Decimal(0),
                earned=row.get("earned") or Decimal(0),
            )
        )
    return result


def earnings_visible_to(*, user) -> QuerySet[SpiffEarning]:
    return (
        SpiffEarning.objects.visible_to(user)
        .select_related("spiff", "sales_line__product", "partner")
        .order_by("-created_at", "-id")
    )


# --- money ledgers


def money_accounts_visible_to(*, user) -> QuerySet[MoneyAccount]:
    """Money ledgers in the reader's scope, each with its balance."""
    return (
        MoneyAccount.objects.visible_to(user)
        .select_related("partner")
        .annotate(balance=Sum("entries__amount", default=Decimal(0)))
        .order_by("partner__name", "id")
    )


def money_account_get(*, user, public_id) -> MoneyAccount:
    return _get(money_accounts_visible_to(user=user), public_id)


def money_account_of(*, partner_id: int) -> MoneyAccount | None:
    """The partner's ledger (the caller checked the partner is the reader's)."""
    return MoneyAccount.objects.filter(partner_id=partner_id).first()


def money_entries_of(account: MoneyAccount) -> QuerySet[MoneyEntry]:
    return MoneyEntry.objects.filter(account=account).order_by("-occurred_at", "-id")


@dataclass(frozen=True)
class Statement:
    """A money ledger over one period: the balance it opened and closed with,
    and what happened in between (the entries themselves are the ledger's)."""

    start: datetime.date
    end: datetime.date
    opening: Decimal
    accrued: Decimal
    paid: Decimal
    closing: Decimal
    entries: list


def statement_of(account: MoneyAccount, *, period: str, on: datetime.date) -> Statement:
    """The statement of the period (``month``, ``quarter``, ``year``) holding
    ``on``: two queries."""
    start, end = period_bounds(period, on)
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tz)
    until = datetime.datetime.combine(end, datetime.time.min, tz)
    opening = MoneyEntry.objects.filter(
        account=account, occurred_at__lt=since
    ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    entries = list(
        MoneyEntry.objects.filter(
            account=account, occurred_at__gte=since, occurred_at__lt=until
        ).order_by("occurred_at", "id")
    )
    paid = sum((e.amount for e in entries if e.kind == MoneyKind.PAYOUT), Decimal(0))
    accrued = sum((e.amount for e in entries if e.kind != MoneyKind.PAYOUT), Decimal(0))
    return Statement(
        start, end, opening, accrued, -paid, opening + accrued + paid, entries
    )


# --- payouts


def payouts_visible_to(*, user) -> QuerySet[Payout]:
    return (
        Payout.objects.visible_to(user)
        .select_related("partner", "approval", "requested_by")
        .order_by("-created_at", "-id")
    )


def payout_get(*, user, public_id) -> Payout:
    return _get(payouts_visible_to(user=user), public_id)


# --- rebates


def programme_list(*, user) -> QuerySet[RebateProgramme]:
    permissions.READ.ensure(user)
    return (
        RebateProgramme.objects.select_related("audience")
        .prefetch_related("tiers")
        .order_by("name", "id")
    )


def programme_get(*, user, public_id) -> RebateProgramme:
    return _get(programme_list(user=user), public_id)


def statements_visible_to(*, user) -> QuerySet[RebateStatement]:
    return (
        RebateStatement.objects.visible_to(user)
        .select_related("programme", "partner")
        .order_by("-period_start", "programme__name", "partner__name", "id")
    )


def statement_get(*, user, public_id) -> RebateStatement:
    return _get(statements_visible_to(user=user), public_id)


# --- returns


def sales_line_get(*, user, public_id) -> SalesLine:
    """A sales line in the reader's scope (404 otherwise)."""
    return _get(SalesLine.objects.visible_to(user).select_related("product"), public_id)


def returns_visible_to(*, user) -> QuerySet[SalesReturn]:
    return (
        SalesReturn.objects.visible_to(user)
        .select_related("sales_line__product", "partner", "returned_by")
        .order_by("-returned_at", "-id")
    )


def sales_lines_of_invoice(*, user, invoice: str, limit: int = 50) -> list[SalesLine]:
    """The lines of an invoice number in the reader's scope, each with its
    return if it has one."""
    return list(
        SalesLine.objects.visible_to(user)
        .filter(invoice_number=invoice)
        .select_related("product", "partner", "sales_return")
        .order_by("partner__name", "id")[:limit]
    )
