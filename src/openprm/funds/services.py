"""Every write of marketing funds.

Vendor marketing sets up fiscal periods, funds and budgets and runs allocations;
partners request funds for an activity and claim them afterwards; reviewers
decide requests and claims; finance approves and records payouts. Each action is
audited and emits an event in the same transaction; every movement of money is a
ledger entry written through ``ledger.py``, whose conditional updates refuse an
over-commitment.

**The approval seam.** :func:`approve_request` and :func:`reject_request` (and
:func:`approve_claim`, :func:`reject_claim`) are the single functions that decide a
request or claim. The approval engine calls them: submitting a request or claim
starts its approval (kinds ``funds.request``/``funds.claim``, see hooks.py), the
console and the API act through the engine (:func:`request_review`,
:func:`claim_review`), and the engine's final decision calls them in its own
transaction (``by`` is the last approver), so a commitment that no longer fits
rolls the decision back.
"""

import datetime
import logging
import re
import secrets
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.accounts.choices import VendorRole
from openprm.approvals import selectors as approval_selectors
from openprm.approvals import services as approvals
from openprm.approvals.choices import ActionKind
from openprm.approvals.choices import RequestStatus as ApprovalStatus
from openprm.approvals.models import Queue
from openprm.approvals.models import Request as Approval
from openprm.approvals.rules import Facts
from openprm.approvals.subjects import Outcome
from openprm.core import audit, events, uploads
from openprm.core.errors import InvalidTransition, NotFound, ValidationFailed
from openprm.core.scoping import scope_for
from openprm.funds import allocation as allocation_rules
from openprm.funds import ledger, periods, permissions, selectors
from openprm.funds.choices import (
    AllocationMethod,
    AttributionSource,
    AttributionStatus,
    ClaimFileKind,
    ClaimStatus,
    EntryKind,
    FundKind,
    PayoutMethod,
    RequestStatus,
)
from openprm.funds.models import (
    AccruedSale,
    ActivityType,
    Allocation,
    AllocationRun,
    Attribution,
    Budget,
    ClaimFile,
    FiscalPeriod,
    Fund,
    FundClaim,
    FundRequest,
    FundRequestLine,
    LedgerEntry,
)
from openprm.notifications.services import notify
from openprm.partners.models import Partner
from openprm.programs.choices import EnrolmentStatus
from openprm.programs.models import Enrolment

logger = logging.getLogger(__name__)

# The approval engine's subject kinds (registered in hooks.py).
REQUEST_KIND = selectors.FUND_REQUEST_KIND
CLAIM_KIND = selectors.FUND_CLAIM_KIND
# Where a step that names nobody goes (and the single step of a kind without a
# chain): everyone in channel marketing, who reviewed requests before the engine;
# vendor admins act on every approval anyway.
FUNDS_QUEUE = "Marketing funds"

MAX_LINES = 20
CENT = Decimal("0.01")
# Files a claim or a plan may carry: documents, spreadsheets, images, text.
DOCUMENT_TYPES = [
    "pdf",
    "docx",
    "xlsx",
    "pptx",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "webp",
    "txt",
    "csv",
]
REQUEST_FIELDS = [
    "title",
    "status",
    "amount",
    "currency",
    "starts_on",
    "ends_on",
    "open_commitment",
    "claim_deadline",
    "decision_reason",
]
CLAIM_FIELDS = [
    "amount",
    "status",
    "is_final",
    "payout_method",
    "decision_reason",
    "payment_reference",
]


def claim_days() -> int:
    """Days after an activity ends within which its claims must be submitted."""
    return int(getattr(settings, "OPENPRM_FUND_CLAIM_DAYS", 60))


# --- payloads and helpers


def request_payload(request: FundRequest) -> dict:
    return {
        "id": str(request.public_id),
        "partner": request.partner_id,
        "title": request.title,
        "fund": request.budget.fund.name,
        "period": request.budget.period.name,
        "activity_type": request.activity_type.name,
        "status": request.status,
        "amount": str(request.amount),
        "currency": request.currency,
        "campaign_code": request.campaign_code,
        "open_commitment": str(request.open_commitment),
        "claim_deadline": (
            request.claim_deadline.isoformat() if request.claim_deadline else None
        ),
    }


def claim_payload(claim: FundClaim) -> dict:
    return {
        "id": str(claim.public_id),
        "partner": claim.partner_id,
        "request": str(claim.request.public_id),
        "status": claim.status,
        "amount": str(claim.amount),
        "currency": claim.request.currency,
        "is_final": claim.is_final,
        "payout_method": claim.payout_method,
        "payment_reference": claim.payment_reference,
    }


def _emit_request(name: str, request: FundRequest, *, actor, **extra) -> None:
    events.emit(
        name,
        payload={**request_payload(request), **extra},
        actor=actor,
        partner_id=request.partner_id,
    )


def _emit_claim(name: str, claim: FundClaim, *, actor) -> None:
    events.emit(
        name, payload=claim_payload(claim), actor=actor, partner_id=claim.partner_id
    )


def portal_url(request: FundRequest) -> str:
    return reverse("portal:fund_request_detail", args=[request.public_id])


def console_url(request: FundRequest) -> str:
    return reverse("console:fund_request_detail", args=[request.public_id])


def _ensure_vendor(rule, actor, partner) -> None:
    """Allowed by ``rule`` (403) and the partner in the actor's scope (404)."""
    rule.ensure(actor)
    if not scope_for(actor).includes(partner):
        raise NotFound


def _amount(raw, field: str, *, positive: bool = True) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            field_errors={field: [str(_("Enter an amount."))]}
        ) from None
    low = Decimal("0.01") if positive else Decimal(0)
    if not value.is_finite() or value < low or value >= Decimal("1e11"):
        raise ValidationFailed(
            field_errors={field: [str(_("Enter an amount greater than 0."))]}
        )
    if value != value.quantize(CENT):
        raise ValidationFailed(
            field_errors={field: [str(_("Use at most two decimals."))]}
        )
    return value.quantize(CENT)


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise ValidationFailed(field_errors={"reason": [str(_("Give a reason."))]})


def _tell_partner(partner_id: int, *, kind: str, subject, body, url: str) -> None:
    notify(
        recipients=selectors.fund_people(partner_id=partner_id),
        kind=kind,
        subject=str(subject),
        body=str(body),
        url=url,
    )


# --- set-up


@transaction.atomic
def fiscal_year_create(*, actor, fiscal_year: int) -> list[FiscalPeriod]:
    """The four quarters of a fiscal year (those that exist are kept)."""
    permissions.MANAGE.ensure(actor)
    if not 2000 <= fiscal_year <= 2100:
        raise ValidationFailed(
            field_errors={"fiscal_year": [str(_("Enter a year from 2000 to 2100."))]}
        )
    created = []
    for quarter in periods.quarters(fiscal_year, first_month=periods.start_month()):
        period, is_new = FiscalPeriod.objects.get_or_create(
            fiscal_year=quarter.fiscal_year,
            quarter=quarter.quarter,
            defaults={
                "name": quarter.name,
                "starts_on": quarter.starts_on,
                "ends_on": quarter.ends_on,
            },
        )
        if is_new:
            audit.record_create(
                actor=actor,
                instance=period,
                fields=["name", "starts_on", "ends_on"],
                verb="fiscal_period.created",
            )
        created.append(period)
    return created


@transaction.atomic
def fund_create(*, actor, name: str, kind: str, currency: str) -> Fund:
    permissions.MANAGE.ensure(actor)
    from openprm.currencies.money import is_currency

    errors = {}
    if not name.strip():
        errors["name"] = [str(_("Enter a name."))]
    elif Fund.objects.filter(name__iexact=name.strip()).exists():
        errors["name"] = [str(_("A fund of that name exists."))]
    if kind not in FundKind.values:
        errors["kind"] = [str(_("Choose MDF or co-op."))]
    if not is_currency(currency):
        errors["currency"] = [str(_("Choose a currency."))]
    if errors:
        raise ValidationFailed(field_errors=errors)
    fund = Fund.objects.create(name=name.strip(), kind=kind, currency=currency)
    audit.record_create(
        actor=actor,
        instance=fund,
        fields=["name", "kind", "currency"],
        verb="fund.created",
    )
    return fund


@transaction.atomic
def budget_create(
    *,
    actor,
    fund: Fund,
    period: FiscalPeriod,
    amount,
    is_shared_pool: bool = False,
    carry_over_percent: int = 0,
) -> Budget:
    """A fund's budget for one period; all of it is unallocated at first."""
    permissions.MANAGE.ensure(actor)
    value = _amount(amount, "amount")
    if not 0 <= int(carry_over_percent) <= 100:
        raise ValidationFailed(
            field_errors={"carry_over_percent": [str(_("Enter 0 to 100."))]}
        )
    if Budget.objects.filter(fund=fund, period=period).exists():
        raise ValidationFailed(
            field_errors={"period": [str(_("The fund has a budget for that period."))]}
        )
    budget = Budget.objects.create(
        fund=fund,
        period=period,
        amount=value,
        unallocated=value,
        is_shared_pool=is_shared_pool,
        carry_over_percent=int(carry_over_percent),
    )
    audit.record_create(
        actor=actor,
        instance=budget,
        fields=["amount", "is_shared_pool", "carry_over_percent"],
        verb="budget.created",
    )
    events.emit(
        "fund.budget_created",
        payload={
            "id": str(budget.public_id),
            "fund": fund.name,
            "period": period.name,
            "amount": str(value),
            "currency": fund.currency,
        },
        actor=actor,
    )
    return budget


# --- allocation


def allocation_preview(
    *, actor, budget: Budget, method: str, amounts: Mapping[str, object]
) -> allocation_rules.Preview:
    """What a run would give each partner, without writing anything."""
    permissions.MANAGE.ensure(actor)
    cleaned = allocation_rules.clean_amounts(method, amounts)
    if method == AllocationMethod.ACCRUAL:
        _ensure_coop(budget)
        return allocation_rules.accrual_preview(
            percent=cleaned["percent"],
            sales=selectors.accrual_sales(budget=budget),
            currency=budget.fund.currency,
            unallocated=budget.unallocated,
        )
    return allocation_rules.preview(
        method=method,
        amounts=cleaned,
        candidates=selectors.allocation_candidates(),
        unallocated=budget.unallocated,
    )


def _allocation_for(partner_id: int, budget: Budget) -> Allocation:
    found, _created = Allocation.objects.get_or_create(
        partner_id=partner_id, budget=budget
    )
    return found


def _credit_allocation(
    *,
    actor,
    allocation: Allocation,
    budget: Budget,
    amount: Decimal,
    note: str,
    run: AllocationRun | None = None,
) -> None:
    ledger.credit(
        allocation, EntryKind.ALLOCATION, amount, actor=actor, note=note, run=run
    )
    events.emit(
        "fund.allocated",
        payload={
            "allocation": str(allocation.public_id),
            "partner": allocation.partner_id,
            "fund": budget.fund.name,
            "period": budget.period.name,
            "amount": str(amount),
            "currency": budget.fund.currency,
            "note": note,
        },
        actor=actor,
        partner_id=allocation.partner_id,
    )


@transaction.atomic
def allocation_run_apply(
    *, actor, budget: Budget, method: str, amounts: Mapping[str, object]
) -> AllocationRun:
    """Allocate a budget as previewed: the total is drawn from the unallocated
    budget in one conditional update (refused when it does not fit), then each
    partner's allocation is credited on the ledger."""
    if method == AllocationMethod.ACCRUAL:
        permissions.MANAGE.ensure(actor)
        percent = allocation_rules.clean_amounts(method, amounts)["percent"]
        return coop_accrue(actor=actor, budget=budget, percent=percent)
    preview = allocation_preview(
        actor=actor, budget=budget, method=method, amounts=amounts
    )
    if budget.closed_at is not None:
        raise InvalidTransition("closed", "allocated", _("The budget is closed."))
    if not preview.lines:
        raise ValidationFailed(
            field_errors={"amounts": [str(_("No partner would get anything."))]}
        )
    ledger.draw_from_budget(budget, preview.total)
    run = AllocationRun.objects.create(
        budget=budget,
        method=method,
        amounts={key: str(value) for key, value in preview_amounts(method, amounts)},
        total=preview.total,
        partner_count=len(preview.lines),
        run_by=actor,
    )
    for line in preview.lines:
        _credit_allocation(
            actor=actor,
            allocation=_allocation_for(line.partner_id, budget),
            budget=budget,
            amount=line.amount,
            note=line.reason,
            run=run,
        )
    audit.record_create(
        actor=actor,
        instance=run,
        fields=["method", "amounts", "total", "partner_count"],
        verb="allocation_run.applied",
    )
    return run


def _ensure_coop(budget: Budget) -> None:
    if budget.fund.kind != FundKind.COOP:
        raise ValidationFailed(
            field_errors={"method": [str(_("Only a co-op fund accrues from sales."))]}
        )
    if budget.closed_at is not None:
        raise InvalidTransition("closed", "allocated", _("The budget is closed."))


def _claim_sales(run: AllocationRun, budget: Budget, partner_id: int | None) -> int:
    """Count the budget's unaccrued sales lines into ``run``, in one
    ``INSERT … SELECT``; a line another run counted first is skipped (``ON
    CONFLICT DO NOTHING`` on the once-per-budget constraint), so a re-run, or two
    at once, count each line once. Answers how many lines it counted."""
    lines = selectors.unaccrued_sales(budget=budget, partner_id=partner_id)
    columns = lines.annotate(line=F("pk"), seller=F("partner_id"))
    sql, params = columns.values_list("line", "seller", "base").query.sql_with_params()
    quote = connection.ops.quote_name
    statement = (
        f"INSERT INTO {quote(AccruedSale._meta.db_table)} "  # noqa: S608
        "(run_id, budget_id, sales_line_id, partner_id, sale_amount) "
        f"SELECT %s, %s, s.line, s.seller, s.base FROM ({sql}) s WHERE 1 = 1 "
        "ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [run.pk, budget.pk, *params])
        return max(cursor.rowcount, 0)


@transaction.atomic
def coop_accrue(
    *, actor, budget: Budget, percent: Decimal | None = None, partner_id=None
) -> AllocationRun | None:
    """Accrue ``percent`` (the budget's own when None) of the partners' reported
    sales in the budget's period into their co-op allocations: the lines are
    counted once (:func:`_claim_sales`), then one grouped query gives each
    partner's sales and each partner's allocation is credited on the ledger by
    an allocation entry naming the run. The total is drawn from the budget (the
    whole run is refused when it does not fit). Answers the run, or None when an
    event's run found no new line. A console run (``actor``) sets the budget's
    percentage for the accruals that follow each ``sales.reported``."""
    if actor is not None:
        permissions.MANAGE.ensure(actor)
    _ensure_coop(budget)
    percent = budget.accrual_percent if percent is None else percent
    if percent is None:
        return None
    run = AllocationRun.objects.create(
        budget=budget,
        method=AllocationMethod.ACCRUAL,
        amounts={"percent": str(percent)},
        run_by=actor,
    )
    if budget.accrual_percent != percent:
        before = audit.snapshot(budget, ["accrual_percent"])
        budget.accrual_percent = percent
        budget.save(update_fields=["accrual_percent", "updated_at"])
        audit.record_change(
            actor=actor, instance=budget, before=before, verb="budget.accrual_set"
        )
    if not _claim_sales(run, budget, partner_id) and actor is None:
        # Nothing new after an event: no run to show. A console run stays, as
        # the record that the accrual was run (and its percentage set).
        run.delete()
        return None
    preview = allocation_rules.accrual_preview(
        percent=percent,
        sales=selectors.accrued_sales(run=run),
        currency=budget.fund.currency,
        unallocated=budget.unallocated,
    )
    if preview.total:
        ledger.draw_from_budget(budget, preview.total)
    for line in preview.lines:
        _credit_allocation(
            actor=actor,
            allocation=_allocation_for(line.partner_id, budget),
            budget=budget,
            amount=line.amount,
            note=line.reason,
            run=run,
        )
    run.total, run.partner_count = preview.total, len(preview.lines)
    run.save(update_fields=["total", "partner_count", "updated_at"])
    audit.record_create(
        actor=actor,
        instance=run,
        fields=["method", "amounts", "total", "partner_count"],
        verb="allocation_run.applied",
    )
    return run


def coop_accrue_reported(*, partner_id: int) -> list[AllocationRun]:
    """After ``sales.reported``: accrue the partner's new sales into every open
    co-op budget that accrues. A budget without enough left refuses its run alone
    (logged); the vendor raises the budget and runs the accrual again."""
    runs = []
    for budget in selectors.accruing_budgets():
        try:
            run = coop_accrue(actor=None, budget=budget, partner_id=partner_id)
        except ledger.InsufficientFunds:
            logger.warning(
                "Co-op accrual into budget %s refused: not enough left", budget.pk
            )
            continue
        if run is not None:
            runs.append(run)
    return runs


def preview_amounts(method: str, amounts: Mapping[str, object]):
    return sorted(allocation_rules.clean_amounts(method, amounts).items())


@transaction.atomic
def allocation_adjust(*, actor, allocation: Allocation, amount, note: str) -> None:
    """Add to (positive) or take from (negative) a partner's allocation, against
    the budget's unallocated amount."""
    permissions.MANAGE.ensure(actor)
    try:
        value = Decimal(str(amount).strip()).quantize(CENT)
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            field_errors={"amount": [str(_("Enter an amount."))]}
        ) from None
    if not value or not note.strip():
        raise ValidationFailed(
            field_errors={"note": [str(_("Say why, and an amount other than 0."))]}
        )
    budget = allocation.budget
    if value > 0:
        ledger.draw_from_budget(budget, value)
        ledger.credit(
            allocation, EntryKind.ADJUSTMENT, value, actor=actor, note=note[:200]
        )
    else:
        ledger.debit(
            allocation, EntryKind.ADJUSTMENT, -value, actor=actor, note=note[:200]
        )
        ledger.return_to_budget(budget, -value)
    audit.record(
        actor=actor,
        instance=allocation,
        action="update",
        changes={"adjustment": [None, str(value)], "note": [None, note[:200]]},
        verb="allocation.adjusted",
    )


def allocation_credit_from_points(
    *, partner, budget: Budget, amount, currency: str, redemption_ref: str, actor
) -> LedgerEntry:
    """Credit ``amount`` of ``budget`` to the partner's allocation in it (created
    if needed), bought with points: a redemption of an incentives "convert to
    MDF" reward (``redemption_ref``: the order's id). The same ledger path as a
    positive adjustment: taken from the budget's unallocated amount, a ``points``
    entry, audited (``allocation.credited_from_points``), event
    ``fund.allocated``. The caller decided the partner may have it (a
    redemption is its own authorisation). Refused (ValidationFailed on
    ``budget``) when the budget is closed, its period has ended, or its currency
    is not ``currency``; InsufficientFunds when it has not that much left.
    Idempotent: a second call with the same reference returns the first entry
    and credits nothing. Runs in the caller's transaction (a savepoint)."""
    with transaction.atomic():
        reference = str(redemption_ref)[:64]
        if not reference:
            raise ValueError("redemption_ref is required")
        done = LedgerEntry.objects.filter(
            kind=EntryKind.POINTS, reference=reference
        ).first()
        if done is not None:
            return done
        budget = Budget.objects.select_related("fund", "period").get(pk=budget.pk)
        value = _amount(amount, "amount")
        if budget.closed_at is not None:
            raise ValidationFailed(
                field_errors={"budget": [str(_("This budget is closed."))]}
            )
        if budget.period.ends_on < timezone.localdate():
            raise ValidationFailed(
                field_errors={"budget": [str(_("This budget's period has ended."))]}
            )
        if (currency or "").upper() != budget.fund.currency:
            raise ValidationFailed(
                field_errors={
                    "budget": [
                        str(_("This budget is in %(currency)s."))
                        % {"currency": budget.fund.currency}
                    ]
                }
            )
        allocation = _allocation_for(partner.pk, budget)
        note = (str(_("Converted from points (order %(ref)s)")) % {"ref": reference})[
            :200
        ]
        ledger.draw_from_budget(budget, value)
        entry = ledger.credit(
            allocation,
            EntryKind.POINTS,
            value,
            actor=actor,
            note=note,
            reference=reference,
        )
        audit.record(
            actor=actor,
            instance=allocation,
            action="update",
            changes={"from_points": [None, str(value)], "reference": [None, reference]},
            verb="allocation.credited_from_points",
        )
        events.emit(
            "fund.allocated",
            payload={
                "allocation": str(allocation.public_id),
                "partner": allocation.partner_id,
                "fund": budget.fund.name,
                "period": budget.period.name,
                "amount": str(value),
                "currency": budget.fund.currency,
                "note": note,
            },
            actor=actor,
            partner_id=allocation.partner_id,
        )
        return entry


# --- requests


def _new_code() -> str:
    return "MDF-" + secrets.token_hex(4).upper()


def clean_lines(lines: Iterable[Mapping]) -> list[tuple[str, Decimal]]:
    """Planned cost lines: a description and an amount each, at least one."""
    cleaned = []
    for index, line in enumerate(lines):
        description = str(line.get("description", "")).strip()
        raw = line.get("amount", "")
        if not description and raw in ("", None):
            continue
        if not description:
            raise ValidationFailed(
                field_errors={f"line{index}_description": [str(_("Say what it is."))]}
            )
        cleaned.append((description[:200], _amount(raw, f"line{index}_amount")))
    if not cleaned:
        raise ValidationFailed(
            field_errors={"lines": [str(_("Add at least one planned cost."))]}
        )
    if len(cleaned) > MAX_LINES:
        raise ValidationFailed(
            field_errors={"lines": [str(_("At most 20 planned costs."))]}
        )
    return cleaned


def _check_plan(plan) -> None:
    if plan is not None:
        uploads.validate_upload(plan, field="plan", accept=DOCUMENT_TYPES)


@transaction.atomic
def request_create(
    *,
    actor,
    partner: Partner,
    budget: Budget,
    activity_type: ActivityType,
    title: str,
    description: str = "",
    starts_on: datetime.date,
    ends_on: datetime.date,
    lines: Iterable[Mapping],
    expected_leads: int = 0,
    expected_revenue=0,
    plan=None,
    submit: bool = True,
) -> FundRequest:
    """A partner's proposal of an activity with its planned costs (and a plan
    file); submitted for review unless kept as a draft."""
    permissions.WORK.ensure(actor, partner_id=partner.pk)
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if not title.strip():
        errors["title"] = [str(_("Enter a title."))]
    if not activity_type.is_active:
        errors["activity_type"] = [str(_("Choose an offered activity type."))]
    if budget.closed_at is not None or budget.period.ends_on < today:
        errors["budget"] = [str(_("That fund's period is over."))]
    if ends_on < starts_on:
        errors["ends_on"] = [str(_("The activity ends after it starts."))]
    try:
        revenue = _amount(expected_revenue or 0, "expected_revenue", positive=False)
    except ValidationFailed as error:
        errors.update(error.field_errors)
        revenue = Decimal(0)
    if int(expected_leads) < 0:
        errors["expected_leads"] = [str(_("Enter 0 or more."))]
    try:
        cleaned = clean_lines(lines)
    except ValidationFailed as error:
        errors.update(error.field_errors)
        cleaned = []
    if errors:
        raise ValidationFailed(field_errors=errors)
    _check_plan(plan)
    now = timezone.now()
    request = FundRequest(
        partner=partner,
        budget=budget,
        activity_type=activity_type,
        title=title.strip()[:200],
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        amount=sum((amount for _d, amount in cleaned), Decimal("0.00")),
        currency=budget.fund.currency,
        expected_leads=int(expected_leads),
        expected_revenue=revenue,
        campaign_code=_new_code(),
        status=RequestStatus.SUBMITTED if submit else RequestStatus.DRAFT,
        submitted_by=actor,
        submitted_at=now if submit else None,
    )
    if plan is not None:
        request.plan_name = PurePath(plan.name).name[:255]
        request.plan_content_type = uploads.sniff(plan, name=plan.name).content_type
        request.plan_file.save(request.plan_name, plan, save=False)
    request.save()
    FundRequestLine.objects.bulk_create(
        FundRequestLine(request=request, description=description, amount=amount)
        for description, amount in cleaned
    )
    audit.record_create(
        actor=actor,
        instance=request,
        fields=REQUEST_FIELDS,
        verb="fund_request.created",
    )
    _emit_request("fund_request.created", request, actor=actor)
    if submit:
        _submitted(request, actor=actor)
    return request


def _submitted(request: FundRequest, *, actor) -> None:
    _emit_request("fund_request.submitted", request, actor=actor)
    _start_request_approval(request, actor=actor)


@transaction.atomic
def request_submit(*, actor, request: FundRequest) -> FundRequest:
    permissions.WORK.ensure(actor, partner_id=request.partner_id)
    before = audit.snapshot(request, ["status"])
    changed = FundRequest.objects.filter(
        pk=request.pk, status=RequestStatus.DRAFT
    ).update(status=RequestStatus.SUBMITTED, submitted_at=timezone.now())
    if not changed:
        raise InvalidTransition(request.status, RequestStatus.SUBMITTED)
    request.refresh_from_db()
    audit.record_change(
        actor=actor, instance=request, before=before, verb="fund_request.submitted"
    )
    _submitted(request, actor=actor)
    return request


def _decide(request: FundRequest, *, target: str, by, **fields) -> None:
    """Move a submitted request to ``target``, once: a conditional update, so
    two deciders at the same moment cannot both decide it."""
    changed = FundRequest.objects.filter(
        pk=request.pk, status=RequestStatus.SUBMITTED
    ).update(status=target, decided_by=by, decided_at=timezone.now(), **fields)
    if not changed:
        current = FundRequest.objects.filter(pk=request.pk).values_list(
            "status", flat=True
        )
        raise InvalidTransition(current.first() or request.status, target)


@transaction.atomic
def approve_request(request: FundRequest, *, by) -> FundRequest:
    """Approve a submitted request and commit its amount (the approval seam).

    The commitment comes from the partner's allocation in the request's budget;
    when the budget is a shared pool and the partner's allocation does not cover
    it, the amount is drawn from the pool first (first come, first served). Either
    draw is a conditional update: when the money is not there the approval is
    refused (``ledger.InsufficientFunds``) and nothing changes."""
    _ensure_decided(request, ApprovalStatus.APPROVED, by=by)
    before = audit.snapshot(request, REQUEST_FIELDS)
    _decide(
        request,
        target=RequestStatus.APPROVED,
        by=by,
        open_commitment=request.amount,
        claim_deadline=request.ends_on + datetime.timedelta(days=claim_days()),
    )
    budget = request.budget
    allocation = _allocation_for(request.partner_id, budget)
    if budget.is_shared_pool and allocation.available < request.amount:
        ledger.draw_from_budget(budget, request.amount)
        _credit_allocation(
            actor=by,
            allocation=allocation,
            budget=budget,
            amount=request.amount,
            note=str(_("Drawn from the shared pool")),
        )
    ledger.debit(
        allocation, EntryKind.COMMITMENT, request.amount, request=request, actor=by
    )
    FundRequest.objects.filter(pk=request.pk).update(allocation=allocation)
    request.refresh_from_db()
    audit.record_change(
        actor=by, instance=request, before=before, verb="fund_request.approved"
    )
    _emit_request("fund_request.approved", request, actor=by)
    _tell_partner(
        request.partner_id,
        kind="fund_request.decided",
        subject=_("Your fund request was approved: %(title)s")
        % {"title": request.title},
        body=_(
            "%(amount)s %(currency)s are committed to “%(title)s”. Claim them by "
            "%(deadline)s with your invoices and proof of performance."
        )
        % {
            "amount": request.amount,
            "currency": request.currency,
            "title": request.title,
            "deadline": request.claim_deadline.isoformat(),
        },
        url=portal_url(request),
    )
    return request


@transaction.atomic
def reject_request(request: FundRequest, *, by, reason: str) -> FundRequest:
    """Reject a submitted request with a reason (nothing is committed)."""
    _ensure_decided(request, ApprovalStatus.REJECTED, by=by)
    _require_reason(reason)
    before = audit.snapshot(request, REQUEST_FIELDS)
    _decide(request, target=RequestStatus.REJECTED, by=by, decision_reason=reason)
    request.refresh_from_db()
    audit.record_change(
        actor=by, instance=request, before=before, verb="fund_request.rejected"
    )
    _emit_request("fund_request.rejected", request, actor=by, reason=reason)
    _tell_partner(
        request.partner_id,
        kind="fund_request.decided",
        subject=_("Your fund request was not approved: %(title)s")
        % {"title": request.title},
        body=reason,
        url=portal_url(request),
    )
    return request


def _release(request: FundRequest, *, actor, note: str) -> Decimal:
    """Give the request's open commitment back to available and close it. On an
    allocation that has expired, the returned amount expires at once."""
    amount = request.open_commitment
    if amount > 0:
        ledger.take_open_commitment(request, amount)
        allocation = request.allocation
        ledger.credit(
            allocation,
            EntryKind.RELEASE,
            amount,
            request=request,
            actor=actor,
            note=note,
        )
        if allocation.expired_at is not None:
            ledger.debit(
                allocation,
                EntryKind.EXPIRY,
                amount,
                request=request,
                note=str(_("Released after the period ended")),
            )
    FundRequest.objects.filter(pk=request.pk).update(status=RequestStatus.CLOSED)
    request.refresh_from_db()
    return amount


@transaction.atomic
def request_close(*, actor, request: FundRequest) -> FundRequest:
    """The partner says the activity is done: whatever is still committed goes
    back to available."""
    permissions.WORK.ensure(actor, partner_id=request.partner_id)
    request.refresh_from_db()  # what is still committed now, not when it was read
    if request.status != RequestStatus.APPROVED:
        raise InvalidTransition(request.status, RequestStatus.CLOSED)
    if selectors.request_has_pending_claims(request=request):
        raise ValidationFailed(_("Wait for the decision on the claims under review."))
    before = audit.snapshot(request, REQUEST_FIELDS)
    released = _release(request, actor=actor, note=str(_("Closed by the partner")))
    audit.record_change(
        actor=actor, instance=request, before=before, verb="fund_request.closed"
    )
    _emit_request("fund_request.closed", request, actor=actor, released=str(released))
    return request


def requests_release_overdue(*, today: datetime.date | None = None) -> int:
    """The claim-deadline sweep: approved requests whose deadline passed, with no
    claim under review, release what is still committed and close; the
    partner's fund people are told. One transaction per request."""
    today = today or timezone.localdate()
    done = 0
    for request in selectors.requests_past_claim_deadline(today=today):
        with transaction.atomic():
            request.refresh_from_db()
            if request.status != RequestStatus.APPROVED:
                continue
            if selectors.request_has_pending_claims(request=request):
                continue
            before = audit.snapshot(request, REQUEST_FIELDS)
            released = _release(
                request, actor=None, note=str(_("Claim deadline passed"))
            )
            audit.record_change(
                actor=None,
                instance=request,
                before=before,
                verb="fund_request.deadline_passed",
            )
            _emit_request(
                "fund_request.released", request, actor=None, released=str(released)
            )
            _tell_partner(
                request.partner_id,
                kind="fund_request.released",
                subject=_("Unclaimed funds released: %(title)s")
                % {"title": request.title},
                body=_(
                    "The claim deadline of “%(title)s” passed on %(deadline)s. "
                    "%(amount)s %(currency)s that were not claimed went back to "
                    "your available funds."
                )
                % {
                    "title": request.title,
                    "deadline": request.claim_deadline.isoformat(),
                    "amount": released,
                    "currency": request.currency,
                },
                url=portal_url(request),
            )
            done += 1
    return done


# --- the approval engine


def _ensure_decided(subject, status: str, *, by) -> None:
    """The seam decides what the engine decided: the subject's approval has
    reached ``status`` (the engine checked who may act). A subject from before
    the engine (no approval) is decided by a reviewer in scope, as then."""
    if subject.approval_id is None:
        _ensure_vendor(permissions.REVIEW, by, subject.partner)
        return
    if not Approval.objects.filter(pk=subject.approval_id, status=status).exists():
        raise InvalidTransition(
            subject.status,
            status,
            message=_("Decide it through its approval."),
        )


def funds_queue() -> Queue:
    """The approval queue of marketing funds (created on first use)."""
    queue, _created = Queue.objects.get_or_create(
        name=FUNDS_QUEUE, defaults={"vendor_role": VendorRole.CHANNEL_MARKETING}
    )
    return queue


def _facts(partner: Partner, amount: Decimal, currency: str) -> Facts:
    """What the chain's rules read: the amount, the partner's region, types and
    programme (its oldest active enrolment)."""
    programme_id = (
        Enrolment.objects.filter(partner_id=partner.pk, status=EnrolmentStatus.ACTIVE)
        .order_by("enrolled_at", "id")
        .values_list("programme_id", flat=True)
        .first()
    )
    return Facts(
        amount=amount,
        currency=currency,
        region=partner.region,
        programme_id=programme_id,
        partner_types=tuple(partner.partner_types or (partner.partner_type,)),
    )


def _start_approval(
    subject, *, kind: str, label: str, amount, currency: str, actor
) -> Approval:
    """Start ``subject``'s approval (a request or claim) and keep the link."""
    partner = subject.partner
    approval = approvals.request_start(
        kind=kind,
        object_id=subject.public_id,
        subject_label=label,
        facts=_facts(partner, amount, currency),
        partner=partner,
        routed_queue=funds_queue(),
        actor=actor,
    )
    type(subject).objects.filter(pk=subject.pk).update(approval=approval)
    subject.approval = approval
    return approval


def _start_request_approval(request: FundRequest, *, actor) -> Approval:
    return _start_approval(
        request,
        kind=REQUEST_KIND,
        label=request.title,
        amount=request.amount,
        currency=request.currency,
        actor=actor,
    )


def _start_claim_approval(claim: FundClaim, *, actor) -> Approval:
    return _start_approval(
        claim,
        kind=CLAIM_KIND,
        label=str(_("Claim: %(title)s") % {"title": claim.request.title}),
        amount=claim.amount,
        currency=claim.request.currency,
        actor=actor,
    )


def _approval_of(subject, *, submitted: str, start, actor) -> Approval:
    """The subject's approval; one submitted before the engine gets one now."""
    if subject.approval_id is not None:
        return Approval.objects.select_related("queue", "assignee").get(
            pk=subject.approval_id
        )
    if subject.status != submitted:
        raise InvalidTransition(subject.status, "decided")
    return start(subject, actor=actor)


def _review(approval: Approval, *, actor, approve: bool, note: str, reason: str):
    if approve:
        approvals.request_approve(request=approval, actor=actor, note=note)
    else:
        approvals.request_reject(request=approval, actor=actor, reason=reason)


@transaction.atomic
def request_review(
    *, actor, request: FundRequest, approve: bool, note: str = "", reason: str = ""
) -> FundRequest:
    """Approve the current step of a request's approval (the last step commits
    the funds) or reject it with a reason, through the engine: it checks who may
    act (the step's approver or queue, their delegate, a vendor admin)."""
    permissions.READ.ensure(actor)
    approval = _approval_of(
        request,
        submitted=RequestStatus.SUBMITTED,
        start=_start_request_approval,
        actor=actor,
    )
    _review(approval, actor=actor, approve=approve, note=note, reason=reason)
    request.refresh_from_db()
    return request


@transaction.atomic
def claim_review(
    *, actor, claim: FundClaim, approve: bool, note: str = "", reason: str = ""
) -> FundClaim:
    """The same for a claim (its last step moves it from committed to claimed)."""
    permissions.READ.ensure(actor)
    approval = _approval_of(
        claim,
        submitted=ClaimStatus.SUBMITTED,
        start=_start_claim_approval,
        actor=actor,
    )
    _review(approval, actor=actor, approve=approve, note=note, reason=reason)
    claim.refresh_from_db()
    return claim


def fund_request_decided(outcome: Outcome) -> str | None:
    """The engine decided a request (hook; in the decision's transaction)."""
    request = FundRequest.objects.select_related(
        "partner", "budget__fund", "budget__period"
    ).get(public_id=outcome.request.object_id)
    if outcome.change == ActionKind.APPROVED:
        approve_request(request, by=outcome.actor)
        return str(
            _("%(amount)s %(currency)s committed.")
            % {"amount": request.amount, "currency": request.currency}
        )
    reject_request(request, by=outcome.actor, reason=outcome.note)
    return None


def fund_claim_decided(outcome: Outcome) -> str | None:
    """The engine decided a claim (hook; in the decision's transaction)."""
    claim = FundClaim.objects.select_related("partner", "request").get(
        public_id=outcome.request.object_id
    )
    if outcome.change == ActionKind.APPROVED:
        approve_claim(claim, by=outcome.actor)
        return str(
            _("%(amount)s %(currency)s claimed.")
            % {"amount": claim.amount, "currency": claim.request.currency}
        )
    reject_claim(claim, by=outcome.actor, reason=outcome.note)
    return None


# --- claims


@transaction.atomic
def claim_submit(
    *,
    actor,
    request: FundRequest,
    amount,
    description: str = "",
    is_final: bool = False,
    payout_method: str = PayoutMethod.BANK_TRANSFER,
    invoices: Iterable = (),
    proofs: Iterable = (),
) -> FundClaim:
    """Claim (part of) an approved request's commitment with at least one invoice
    and one proof of performance, before the claim deadline."""
    permissions.WORK.ensure(actor, partner_id=request.partner_id)
    invoices, proofs = list(invoices), list(proofs)
    errors: dict[str, list[str]] = {}
    if request.status != RequestStatus.APPROVED:
        raise InvalidTransition(request.status, "claimed")
    if request.claim_deadline and timezone.localdate() > request.claim_deadline:
        raise ValidationFailed(_("The claim deadline of this request has passed."))
    try:
        value = _amount(amount, "amount")
    except ValidationFailed as error:
        errors.update(error.field_errors)
        value = None
    pending = sum(
        (c.amount for c in request.claims.filter(status=ClaimStatus.SUBMITTED)),
        Decimal(0),
    )
    if value is not None and value + pending > request.open_commitment:
        errors["amount"] = [
            str(
                _("At most %(open)s %(currency)s is still open to claim.")
                % {
                    "open": request.open_commitment - pending,
                    "currency": request.currency,
                }
            )
        ]
    if payout_method not in PayoutMethod.values:
        errors["payout_method"] = [str(_("Choose how to be paid."))]
    if not invoices:
        errors["invoices"] = [str(_("Attach the invoice."))]
    if not proofs:
        errors["proofs"] = [str(_("Attach proof of performance."))]
    if errors:
        raise ValidationFailed(field_errors=errors)
    for field, files in (("invoices", invoices), ("proofs", proofs)):
        for upload in files:
            uploads.validate_upload(upload, field=field, accept=DOCUMENT_TYPES)
    claim = FundClaim.objects.create(
        partner_id=request.partner_id,
        request=request,
        amount=value,
        description=description,
        is_final=is_final,
        payout_method=payout_method,
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    for kind, files in (
        (ClaimFileKind.INVOICE, invoices),
        (ClaimFileKind.PROOF, proofs),
    ):
        for upload in files:
            found = uploads.sniff(upload, name=upload.name)
            item = ClaimFile(
                claim=claim,
                kind=kind,
                original_name=PurePath(upload.name).name[:255],
                content_type=found.content_type,
                size=upload.size,
            )
            item.file.save(item.original_name, upload, save=False)
            item.save()
    audit.record_create(
        actor=actor, instance=claim, fields=CLAIM_FIELDS, verb="fund_claim.submitted"
    )
    _emit_claim("fund_claim.submitted", claim, actor=actor)
    _start_claim_approval(claim, actor=actor)
    return claim


def _move_claim(claim: FundClaim, *, source: str, target: str, **fields) -> None:
    changed = FundClaim.objects.filter(pk=claim.pk, status=source).update(
        status=target, **fields
    )
    if not changed:
        raise InvalidTransition(claim.status, target)
    claim.refresh_from_db()


@transaction.atomic
def approve_claim(claim: FundClaim, *, by) -> FundClaim:
    """Approve a claim (the approval seam for claims): its amount moves from
    committed to claimed; a final claim releases what is left of the request."""
    request = claim.request
    _ensure_decided(claim, ApprovalStatus.APPROVED, by=by)
    before = audit.snapshot(claim, CLAIM_FIELDS)
    _move_claim(
        claim,
        source=ClaimStatus.SUBMITTED,
        target=ClaimStatus.APPROVED,
        decided_by=by,
        decided_at=timezone.now(),
    )
    ledger.take_open_commitment(request, claim.amount)
    ledger.record(
        request.allocation,
        EntryKind.CLAIM,
        claim.amount,
        request=request,
        claim=claim,
        actor=by,
    )
    audit.record_change(
        actor=by, instance=claim, before=before, verb="fund_claim.approved"
    )
    _emit_claim("fund_claim.approved", claim, actor=by)
    if claim.is_final:
        request.refresh_from_db()
        released = _release(request, actor=by, note=str(_("Last claim approved")))
        _emit_request("fund_request.closed", request, actor=by, released=str(released))
    _tell_partner(
        claim.partner_id,
        kind="fund_claim.decided",
        subject=_("Your claim was approved: %(title)s") % {"title": request.title},
        body=_("%(amount)s %(currency)s will be paid out after finance's approval.")
        % {"amount": claim.amount, "currency": request.currency},
        url=portal_url(request),
    )
    return claim


@transaction.atomic
def reject_claim(claim: FundClaim, *, by, reason: str) -> FundClaim:
    _ensure_decided(claim, ApprovalStatus.REJECTED, by=by)
    _require_reason(reason)
    before = audit.snapshot(claim, CLAIM_FIELDS)
    _move_claim(
        claim,
        source=ClaimStatus.SUBMITTED,
        target=ClaimStatus.REJECTED,
        decided_by=by,
        decided_at=timezone.now(),
        decision_reason=reason,
    )
    audit.record_change(
        actor=by, instance=claim, before=before, verb="fund_claim.rejected"
    )
    _emit_claim("fund_claim.rejected", claim, actor=by)
    _tell_partner(
        claim.partner_id,
        kind="fund_claim.decided",
        subject=_("Your claim was not approved: %(title)s")
        % {"title": claim.request.title},
        body=reason,
        url=portal_url(claim.request),
    )
    return claim


@transaction.atomic
def payout_approve(*, actor, claim: FundClaim) -> FundClaim:
    """Finance agrees to pay an approved claim (it joins the payment export)."""
    _ensure_vendor(permissions.PAYOUT, actor, claim.partner)
    before = audit.snapshot(claim, CLAIM_FIELDS)
    _move_claim(
        claim,
        source=ClaimStatus.APPROVED,
        target=ClaimStatus.PAYOUT_APPROVED,
        payout_approved_by=actor,
        payout_approved_at=timezone.now(),
    )
    audit.record_change(
        actor=actor, instance=claim, before=before, verb="fund_claim.payout_approved"
    )
    _emit_claim("fund_claim.payout_approved", claim, actor=actor)
    return claim


@transaction.atomic
def payout_record(*, actor, claim: FundClaim, reference: str) -> FundClaim:
    """Finance records that the claim was paid (bank transfer reference, credit
    note number or points order): a payout on the ledger."""
    _ensure_vendor(permissions.PAYOUT, actor, claim.partner)
    if not reference.strip():
        raise ValidationFailed(
            field_errors={"reference": [str(_("Enter the payment reference."))]}
        )
    before = audit.snapshot(claim, CLAIM_FIELDS)
    _move_claim(
        claim,
        source=ClaimStatus.PAYOUT_APPROVED,
        target=ClaimStatus.PAID,
        paid_at=timezone.now(),
        payment_reference=reference.strip()[:100],
    )
    ledger.record(
        claim.request.allocation,
        EntryKind.PAYOUT,
        claim.amount,
        request=claim.request,
        claim=claim,
        actor=actor,
        note=claim.payment_reference,
    )
    audit.record_change(
        actor=actor, instance=claim, before=before, verb="fund.payout_recorded"
    )
    _emit_claim("fund.payout_recorded", claim, actor=actor)
    _tell_partner(
        claim.partner_id,
        kind="fund.payout_recorded",
        subject=_("Paid: your claim for %(title)s") % {"title": claim.request.title},
        body=_("%(amount)s %(currency)s, reference %(reference)s.")
        % {
            "amount": claim.amount,
            "currency": claim.request.currency,
            "reference": claim.payment_reference,
        },
        url=portal_url(claim.request),
    )
    return claim


PAYOUT_CSV_HEADERS = [
    "claim",
    "partner",
    "partner_id",
    "amount",
    "currency",
    "method",
    "reference",
    "campaign_code",
]


def payout_rows(claims: Iterable[FundClaim]) -> list[list[str]]:
    """The rows of the bank-transfer export (one per claim awaiting payment)."""
    return [
        [
            str(claim.public_id),
            claim.partner.name,
            str(claim.partner.public_id),
            str(claim.amount),
            claim.request.currency,
            claim.get_payout_method_display(),
            f"MDF {claim.request.campaign_code}",
            claim.request.campaign_code,
        ]
        for claim in claims
    ]


# --- period end


def budgets_close_ended(*, today: datetime.date | None = None) -> int:
    """The period-end sweep: for each budget whose period is over, each
    allocation's available amount carries over (``carry_over_percent`` of it, into
    the same fund's budget of the next period, when there is one) and the rest
    expires. Commitments stay until their requests close."""
    today = today or timezone.localdate()
    closed = 0
    for budget in selectors.budgets_ended(today=today):
        with transaction.atomic():
            locked = Budget.objects.filter(pk=budget.pk, closed_at__isnull=True).update(
                closed_at=timezone.now()
            )
            if not locked:
                continue
            following = _next_budget(budget)
            for allocation in budget.allocations.select_related("budget"):
                _expire_allocation(allocation, following)
            audit.record(
                actor=None,
                instance=budget,
                action="update",
                changes={"closed_at": [None, timezone.now().isoformat()]},
                verb="budget.closed",
            )
            closed += 1
    return closed


def _next_budget(budget: Budget) -> Budget | None:
    if not budget.carry_over_percent:
        return None
    period = selectors.period_after(budget.period)
    if period is None:
        return None
    return Budget.objects.filter(fund=budget.fund, period=period).first()


def _expire_allocation(allocation: Allocation, following: Budget | None) -> None:
    available = Allocation.objects.get(pk=allocation.pk).available
    Allocation.objects.filter(pk=allocation.pk).update(expired_at=timezone.now())
    allocation.expired_at = timezone.now()
    if available <= 0:
        return
    ledger.debit(allocation, EntryKind.EXPIRY, available, note=str(_("Period ended")))
    carried = Decimal(0)
    if following is not None:
        carried = (available * allocation.budget.carry_over_percent / 100).quantize(
            CENT
        )
    if carried > 0:
        target = _allocation_for(allocation.partner_id, following)
        # The carried amount adds to the next budget and is allocated from it.
        Budget.objects.filter(pk=following.pk).update(amount=F("amount") + carried)
        _credit_allocation(
            actor=None,
            allocation=target,
            budget=following,
            amount=carried,
            note=str(
                _("Carried over from %(period)s") % {"period": allocation.budget.period}
            ),
        )
    events.emit(
        "fund.expired",
        payload={
            "allocation": str(allocation.public_id),
            "partner": allocation.partner_id,
            "expired": str(available - carried),
            "carried_over": str(carried),
        },
        partner_id=allocation.partner_id,
    )


# --- attribution (ROI)


@transaction.atomic
def attribution_propose(
    *, actor, request: FundRequest, deal=None, lead=None
) -> Attribution:
    """The partner says a deal or lead came from the request's activity; the
    vendor approves it before it counts."""
    permissions.WORK.ensure(actor, partner_id=request.partner_id)
    if request.status not in (RequestStatus.APPROVED, RequestStatus.CLOSED):
        raise ValidationFailed(_("Only approved activities produce leads and deals."))
    owner = (
        deal.partner_id
        if deal is not None
        else getattr(lead, "current_partner_id", None)
    )
    if (deal is None) == (lead is None) or owner != request.partner_id:
        raise ValidationFailed(
            field_errors={"target": [str(_("Choose one of your deals or leads."))]}
        )
    return _attribute(
        actor=actor,
        request=request,
        deal=deal,
        lead=lead,
        source=AttributionSource.PARTNER,
        status=AttributionStatus.PROPOSED,
    )


def _attribute(*, actor, request, deal, lead, source, status) -> Attribution:
    taken = Attribution.objects.exclude(status=AttributionStatus.REJECTED)
    if (deal is not None and taken.filter(deal=deal).exists()) or (
        lead is not None and taken.filter(lead=lead).exists()
    ):
        raise ValidationFailed(
            field_errors={
                "target": [str(_("It is already attributed to an activity."))]
            }
        )
    attribution = Attribution.objects.create(
        partner_id=request.partner_id,
        request=request,
        deal=deal,
        lead=lead,
        source=source,
        status=status,
    )
    audit.record_create(
        actor=actor,
        instance=attribution,
        fields=["source", "status"],
        verb="fund_request.attribution_proposed",
    )
    _emit_request(
        "fund_request.attributed",
        request,
        actor=actor,
        deal=str(deal.public_id) if deal else None,
        lead=str(lead.public_id) if lead else None,
        attribution_status=status,
    )
    return attribution


@transaction.atomic
def attribution_decide(
    *, actor, attribution: Attribution, approve: bool
) -> Attribution:
    _ensure_vendor(permissions.REVIEW, actor, attribution.request.partner)
    target = AttributionStatus.APPROVED if approve else AttributionStatus.REJECTED
    changed = Attribution.objects.filter(
        pk=attribution.pk, status=AttributionStatus.PROPOSED
    ).update(status=target, decided_by=actor)
    if not changed:
        raise InvalidTransition(attribution.status, target)
    before = {"status": attribution.status}
    attribution.refresh_from_db()
    audit.record_change(
        actor=actor,
        instance=attribution,
        before=before,
        verb="fund_request.attribution_decided",
    )
    # The request's ROI changes with the decision: its rollups follow this event.
    _emit_request(
        "fund_request.attribution_decided",
        attribution.request,
        actor=actor,
        deal=str(attribution.deal.public_id) if attribution.deal_id else None,
        lead=str(attribution.lead.public_id) if attribution.lead_id else None,
        attribution_status=attribution.status,
    )
    return attribution


def attribute_by_campaign_code(*, deal, text: str) -> Attribution | None:
    """A deal whose title or description carries an approved request's campaign
    code (``MDF-…``) of the same partner counts for it at once."""
    for code in re.findall(r"\bMDF-[0-9A-F]{8}\b", text.upper()):
        request = selectors.request_by_code(code=code)
        if request is None or request.partner_id != deal.partner_id:
            continue
        if (
            Attribution.objects.filter(deal=deal)
            .exclude(status=AttributionStatus.REJECTED)
            .exists()
        ):
            return None
        with transaction.atomic():
            return _attribute(
                actor=None,
                request=request,
                deal=deal,
                lead=None,
                source=AttributionSource.CAMPAIGN_CODE,
                status=AttributionStatus.APPROVED,
            )
    return None


@transaction.atomic
def request_answer(*, actor, request: FundRequest, answer: str) -> None:
    """The partner answers the vendor's question about the request (or one of
    its claims): that approval returns to the step that asked."""
    permissions.WORK.ensure(actor, partner_id=request.partner_id)
    questions = selectors.questions_for_partner(request=request)
    if not questions:
        raise InvalidTransition(
            "in_review", "info_answered", _("No question waits for your answer.")
        )
    approval = approval_selectors.request_awaiting_answer(
        user=actor, public_id=questions[0]["public_id"]
    )
    approvals.request_answer_info(request=approval, answer=answer, actor=actor)


# --- activity types


@transaction.atomic
def activity_type_save(
    *, actor, name: str, is_active: bool = True, activity_type=None
) -> ActivityType:
    """Add an activity type partners may ask funds for, or rename or withdraw one
    (a withdrawn type stays on the requests that used it)."""
    permissions.MANAGE.ensure(actor)
    name = name.strip()
    taken = ActivityType.objects.filter(name__iexact=name)
    if activity_type is not None:
        taken = taken.exclude(pk=activity_type.pk)
    if not name or len(name) > 80 or taken.exists():
        raise ValidationFailed(
            field_errors={"name": [str(_("Enter a name not used by another type."))]}
        )
    if activity_type is None:
        activity_type = ActivityType.objects.create(
            name=name, is_active=is_active, order=ActivityType.objects.count()
        )
        audit.record_create(
            actor=actor,
            instance=activity_type,
            fields=["name", "is_active"],
            verb="fund_activity_type.created",
        )
        return activity_type
    before = audit.snapshot(activity_type, ["name", "is_active"])
    activity_type.name, activity_type.is_active = name, is_active
    activity_type.save(update_fields=["name", "is_active", "updated_at"])
    audit.record_change(
        actor=actor,
        instance=activity_type,
        before=before,
        verb="fund_activity_type.changed",
    )
    return activity_type
