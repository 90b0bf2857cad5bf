"""Every write of deal registrations.

Partner admins and salespeople register their organisation's deals, answer the
reviewer's questions, ask for longer protection and report the outcome; vendor
admins and channel managers (within their scope) approve, reject or ask for more.
Each action is audited and announces itself with an event. The sweeps (tasks.py)
remind and escalate overdue reviews and expire lapsed protections.
"""

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from openprm.core import audit, events
from openprm.core.business_days import add_business_days
from openprm.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from openprm.core.scoping import scope_for
from openprm.currencies import money
from openprm.deals import conflicts, notices, permissions
from openprm.deals.attachments import attachment_errors, safe_name
from openprm.deals.choices import (
    IN_REVIEW,
    LIVE,
    AccountKind,
    DealStatus,
    ExtensionStatus,
    NoteKind,
    StageKind,
)
from openprm.deals.models import (
    CustomerAccount,
    Deal,
    DealAttachment,
    DealConflict,
    DealExtension,
    DealLine,
    DealNote,
    DealProtection,
    DealRevenue,
    Stage,
)
from openprm.deals.selectors import (
    blocking_protection,
    find_conflicts,
    party_for,
    question_askers,
    reviewers_for,
    stage_of_kind,
    vendor_admins,
)
from openprm.partners.choices import specialisation_choices
from openprm.partners.models import Partner
from openprm.programs.choices import BenefitKind, EnrolmentStatus
from openprm.programs.models import TierBenefit

DEAL_FIELDS = [
    "title",
    "customer_name",
    "customer_domain",
    "customer_country",
    "currency",
    "total_amount",
    "expected_close_date",
    "stage",
    "status",
    "protected_until",
    "discount_percent",
    "source_lead_id",
]
DECISION_FIELDS = [
    "status",
    "protected_until",
    "discount_percent",
    "decided_by",
    "decided_at",
    "rejection_reason",
]
ACCOUNT_FIELDS = [
    "external_id",
    "customer_name",
    "customer_domain",
    "customer_country",
    "kind",
    "product_line",
    "expected_close_date",
    "is_active",
]
# A deal expected to close further out is not a forecast a business makes (and
# a date in 9999 would leave the calendar of the pipeline's months).
CLOSE_DATE_YEARS = 10


def latest_close_date() -> date:
    today = timezone.localdate()
    return today.replace(year=today.year + CLOSE_DATE_YEARS, day=min(today.day, 28))


_COUNTRY = re.compile(r"^[A-Z]{2}$")
MAX_LINES = 20


def approval_sla_days() -> int:
    return int(getattr(settings, "OPENPRM_DEAL_APPROVAL_SLA_DAYS", 2))


def escalation_days() -> int:
    return int(getattr(settings, "OPENPRM_DEAL_ESCALATION_DAYS", 1))


def default_protection_days() -> int:
    return int(getattr(settings, "OPENPRM_DEAL_PROTECTION_DAYS", 90))


def max_extension_days() -> int:
    return int(getattr(settings, "OPENPRM_DEAL_MAX_EXTENSION_DAYS", 90))


# --- payloads


def deal_payload(deal: Deal) -> dict:
    return {
        "id": str(deal.public_id),
        "partner": deal.partner_id,
        "title": deal.title,
        "customer": {
            "name": deal.customer_name,
            "domain": deal.customer_domain,
            "country": deal.customer_country,
        },
        "status": deal.status,
        "stage": deal.stage.name,
        "currency": deal.currency,
        "amount": str(deal.total_amount),
        "expected_close_date": deal.expected_close_date.isoformat(),
        "protected_until": (
            deal.protected_until.isoformat() if deal.protected_until else None
        ),
        "discount_percent": (
            str(deal.discount_percent) if deal.discount_percent is not None else None
        ),
        "conflict_score": deal.conflict_score,
        "source_lead_id": str(deal.source_lead_id) if deal.source_lead_id else None,
    }


def _emit(name: str, deal: Deal, *, actor, **extra) -> None:
    events.emit(
        name,
        payload={**deal_payload(deal), **extra},
        actor=actor,
        partner_id=deal.partner_id,
    )


def _ensure_reviews(actor, deal: Deal) -> None:
    """A reviewer (403), of a partner in their scope (404: not theirs)."""
    permissions.REVIEW.ensure(actor)
    if not scope_for(actor).includes(deal.partner):
        raise NotFound


def portal_url(deal: Deal) -> str:
    return reverse("portal:deal_detail", args=[deal.public_id])


def console_url(deal: Deal) -> str:
    return reverse("console:deal_detail", args=[deal.public_id])


# --- validation


def _decimal(raw, field_errors: dict, key: str) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        field_errors[key] = [str(_("Enter an amount."))]
        return None
    if not value.is_finite() or value < 0 or value >= Decimal("1e12"):
        field_errors[key] = [str(_("Enter an amount of 0 or more."))]
        return None
    return value.quantize(Decimal("0.01"))


def clean_lines(lines: Iterable[dict]) -> list[dict]:
    """Product lines with quantities and amounts, checked: known product lines, each
    once, quantities of 1 or more, amounts of 0 or more."""
    known = {code for code, _label in specialisation_choices()}
    field_errors: dict[str, list[str]] = {}
    cleaned, seen = [], set()
    for index, line in enumerate(list(lines)[: MAX_LINES + 1]):
        if index == MAX_LINES:
            field_errors["lines"] = [str(_("At most 20 product lines."))]
            break
        product_line = str(line.get("product_line") or "").strip()
        if product_line not in known:
            field_errors[f"lines.{index}.product_line"] = [
                str(_("Choose one of the vendor's product lines."))
            ]
            continue
        if product_line in seen:
            field_errors[f"lines.{index}.product_line"] = [
                str(_("Each product line once."))
            ]
            continue
        seen.add(product_line)
        try:
            quantity = int(line.get("quantity", 1))
        except (TypeError, ValueError):
            quantity = 0
        if quantity < 1:
            field_errors[f"lines.{index}.quantity"] = [
                str(_("Enter a whole number, 1 or more."))
            ]
        amount = _decimal(line.get("amount", ""), field_errors, f"lines.{index}.amount")
        cleaned.append(
            {"product_line": product_line, "quantity": quantity, "amount": amount}
        )
    if not cleaned and not field_errors:
        field_errors["lines"] = [str(_("Add at least one product line."))]
    if field_errors:
        raise ValidationFailed(field_errors=field_errors)
    return cleaned


def _clean_registration(
    *,
    title: str,
    customer_name: str,
    customer_domain: str,
    customer_country: str,
    contact_email: str,
    currency: str,
    expected_close_date,
    stage: Stage | None,
) -> dict:
    field_errors: dict[str, list[str]] = {}
    title, customer_name = title.strip(), customer_name.strip()
    currency = (currency or "").strip().upper()
    country = (customer_country or "").strip().upper()
    if not title:
        field_errors["title"] = [str(_("Enter a title."))]
    if not customer_name:
        field_errors["customer_name"] = [str(_("Enter the customer's name."))]
    domain = conflicts.normalise_domain(customer_domain or contact_email)
    if customer_domain.strip() and (not domain or "." not in domain):
        field_errors["customer_domain"] = [
            str(_("Enter the customer's web domain, e.g. example.com."))
        ]
    if country and not _COUNTRY.match(country):
        field_errors["customer_country"] = [str(_("Enter a two-letter country code."))]
    if not money.is_currency(currency):
        field_errors["currency"] = [
            str(_("Enter an ISO 4217 currency code, e.g. USD."))
        ]
    if not isinstance(expected_close_date, date):
        field_errors["expected_close_date"] = [str(_("Enter a date."))]
    elif expected_close_date < timezone.localdate():
        field_errors["expected_close_date"] = [
            str(_("The expected close date cannot be in the past."))
        ]
    elif expected_close_date > latest_close_date():
        field_errors["expected_close_date"] = [
            str(_("The expected close date must be within %(years)s years."))
            % {"years": CLOSE_DATE_YEARS}
        ]
    if stage is not None and stage.kind != StageKind.OPEN:
        field_errors["stage"] = [str(_("Register a deal in an open stage."))]
    if field_errors:
        raise ValidationFailed(field_errors=field_errors)
    return {
        "title": title[:200],
        "customer_name": customer_name[:200],
        "customer_domain": domain,
        "customer_country": country,
        "currency": currency,
    }


def customer_columns(*, name: str) -> dict:
    """The normalised name and blocking keys stored beside a customer's name."""
    normalised = conflicts.normalise_name(name)
    first, longest = conflicts.blocking_keys(normalised)
    return {
        "customer_name_normalised": normalised,
        "name_token_first": first,
        "name_token_longest": longest,
    }


# --- registration


@transaction.atomic
def deal_register(
    *,
    actor,
    partner: Partner,
    title: str,
    customer_name: str,
    expected_close_date: date,
    lines: Iterable[dict],
    customer_domain: str = "",
    customer_country: str = "",
    contact_name: str = "",
    contact_email: str = "",
    currency: str = "USD",
    stage: Stage | None = None,
    description: str = "",
    competitor: str = "",
    attachments: Iterable = (),
    source_lead_id=None,
    auto_approve: bool = False,
) -> Deal:
    """Register an opportunity for review, recording the conflicts it has with other
    registrations and the vendor's accounts (score and reasons).

    ``auto_approve`` (a lead the vendor assigned, converted by the partner) approves
    it at once on the vendor's behalf; when another registration already holds the
    protection, the deal stays submitted for a reviewer.
    """
    permissions.WORK.ensure(actor, partner_id=partner.pk)
    cleaned = _clean_registration(
        title=title,
        customer_name=customer_name,
        customer_domain=customer_domain,
        customer_country=customer_country,
        contact_email=contact_email,
        currency=currency,
        expected_close_date=expected_close_date,
        stage=stage,
    )
    cleaned_lines = clean_lines(lines)
    uploads = list(attachments)
    for upload in uploads:
        if errors := attachment_errors(upload):
            raise ValidationFailed(field_errors={"attachments": errors})
    now = timezone.now()
    deal = Deal(
        partner=partner,
        **cleaned,
        **customer_columns(name=cleaned["customer_name"]),
        contact_name=contact_name.strip()[:200],
        contact_email=contact_email.strip()[:254],
        total_amount=sum((line["amount"] for line in cleaned_lines), Decimal(0)),
        expected_close_date=expected_close_date,
        stage=stage or stage_of_kind(StageKind.OPEN),
        description=description.strip(),
        competitor=competitor.strip()[:200],
        registered_by=actor,
        submitted_at=now,
        review_due_at=add_business_days(now, approval_sla_days()),
        source_lead_id=source_lead_id,
    )
    deal.customer_key = conflicts.customer_key(
        domain=deal.customer_domain, normalised=deal.customer_name_normalised
    )
    deal.save()
    DealLine.objects.bulk_create(
        [DealLine(deal=deal, **line) for line in cleaned_lines]
    )
    for upload in uploads:
        _store_attachment(deal=deal, upload=upload, actor=actor)
    found = record_conflicts(deal=deal, lines=cleaned_lines, now=now)
    audit.record_create(
        actor=actor, instance=deal, fields=DEAL_FIELDS, verb="deal.registered"
    )
    _emit("deal.registered", deal, actor=actor, conflicts=len(found))
    if auto_approve:
        try:
            with transaction.atomic():
                _approve(deal=deal, actor=None, now=now)
        except Conflict:
            pass  # a protected registration holds the customer: a reviewer decides
        else:
            return deal
    notices.tell(
        recipients=reviewers_for(deal),
        kind="deal.registered",
        subject=_("Deal registered: %(title)s") % {"title": deal.title},
        body=_("%(partner)s registered %(customer)s (conflict score %(score)s).")
        % {
            "partner": partner.name,
            "customer": deal.customer_name,
            "score": deal.conflict_score,
        },
        url=console_url(deal),
    )
    return deal


def record_conflicts(*, deal: Deal, lines: list[dict], now: datetime) -> list:
    """Find and store the deal's conflicts; its score is the highest of them."""
    party = party_for(
        customer_name=deal.customer_name,
        customer_domain=deal.customer_domain,
        product_lines=[line["product_line"] for line in lines],
        expected_close_date=deal.expected_close_date,
        starts_on=now.date(),
        partner_id=deal.partner_id,
    )
    found = find_conflicts(
        party=party, partner_id=deal.partner_id, exclude_deal_id=deal.pk
    )
    DealConflict.objects.bulk_create(
        [
            DealConflict(
                deal=deal,
                conflicting_deal_id=target_id if kind == "deal" else None,
                account_id=target_id if kind == "account" else None,
                score=match.score,
                reasons=match.reasons,
                created_at=now,
            )
            for kind, target_id, match in found
        ]
    )
    if found:
        deal.conflict_score = found[0][2].score
        deal.save(update_fields=["conflict_score"])
    return found


# --- information requests


@transaction.atomic
def deal_request_info(*, actor, deal: Deal, question: str) -> Deal:
    """Ask the partner for more before deciding; the review clock restarts when
    they answer."""
    _ensure_reviews(actor, deal)
    question = question.strip()
    if not question:
        raise ValidationFailed(field_errors={"question": [str(_("Ask a question."))]})
    before = audit.snapshot(deal, ["status"])
    updated = Deal.objects.filter(pk=deal.pk, status__in=IN_REVIEW).update(
        status=DealStatus.MORE_INFO_REQUESTED, updated_at=timezone.now()
    )
    if not updated:
        raise InvalidTransition(deal.status, DealStatus.MORE_INFO_REQUESTED)
    deal.status = DealStatus.MORE_INFO_REQUESTED
    DealNote.objects.create(
        deal=deal, kind=NoteKind.INFO_REQUEST, author=actor, body=question
    )
    audit.record_change(
        actor=actor, instance=deal, before=before, verb="deal.info_requested"
    )
    _emit("deal.info_requested", deal, actor=actor, question=question)
    notices.tell(
        recipients=[deal.registered_by],
        kind="deal.info_requested",
        subject=_("More information needed: %(title)s") % {"title": deal.title},
        body=question,
        url=portal_url(deal),
    )
    return deal


@transaction.atomic
def deal_answer(*, actor, deal: Deal, answer: str) -> Deal:
    """The partner's answer: back to the review queue with a fresh SLA."""
    permissions.WORK.ensure(actor, partner_id=deal.partner_id)
    answer = answer.strip()
    if not answer:
        raise ValidationFailed(field_errors={"answer": [str(_("Enter an answer."))]})
    now = timezone.now()
    before = audit.snapshot(deal, ["status", "review_due_at"])
    due = add_business_days(now, approval_sla_days())
    updated = Deal.objects.filter(
        pk=deal.pk, status=DealStatus.MORE_INFO_REQUESTED
    ).update(
        status=DealStatus.SUBMITTED,
        review_due_at=due,
        reminded_at=None,
        escalated_at=None,
        updated_at=now,
    )
    if not updated:
        raise InvalidTransition(deal.status, DealStatus.SUBMITTED)
    deal.status, deal.review_due_at = DealStatus.SUBMITTED, due
    deal.reminded_at = deal.escalated_at = None
    DealNote.objects.create(deal=deal, kind=NoteKind.ANSWER, author=actor, body=answer)
    audit.record_change(actor=actor, instance=deal, before=before, verb="deal.answered")
    _emit("deal.info_provided", deal, actor=actor)
    notices.tell(
        recipients=question_askers(deal),
        kind="deal.info_provided",
        subject=_("%(partner)s answered your question on %(title)s")
        % {"partner": deal.partner.name, "title": deal.title},
        body=answer,
        url=console_url(deal),
    )
    return deal


# --- decisions


def tier_benefits_for(partner: Partner) -> tuple[int, Decimal | None]:
    """Protection days and discount from the partner's active tiers: the best of
    each across programmes, else the default protection and no discount."""
    days, discount = None, None
    for kind, value in TierBenefit.objects.filter(
        tier__enrolments__partner=partner,
        tier__enrolments__status=EnrolmentStatus.ACTIVE,
        kind__in=[BenefitKind.DEAL_PROTECTION_DAYS, BenefitKind.DISCOUNT_PERCENT],
    ).values_list("kind", "value"):
        if kind == BenefitKind.DEAL_PROTECTION_DAYS:
            days = max(days or 0, int(value))
        else:
            discount = max(discount or Decimal(0), Decimal(str(value)))
    return (default_protection_days() if days is None else days), discount


def _protected_message(ends_at: datetime | None) -> str:
    if ends_at is None:
        return _(
            "Another registration already protects this customer and product "
            "line; reject this one or wait until that protection ends."
        )
    return _(
        "Another registration protects this customer and product line until "
        "%(date)s; reject this one or wait until that protection ends."
    ) % {"date": date_format(timezone.localtime(ends_at), "DATE_FORMAT")}


def _approve(*, deal: Deal, actor, now: datetime) -> Deal:
    days, discount = tier_benefits_for(deal.partner)
    protected_until = now + timedelta(days=days)
    before = audit.snapshot(deal, DECISION_FIELDS)
    # Lapsed protections the expiry sweep has not reached yet no longer protect.
    keys = list(deal.lines.values_list("product_line", flat=True))
    DealProtection.objects.filter(
        customer_key=deal.customer_key,
        product_line__in=keys,
        is_active=True,
        ends_at__lt=now,
    ).update(is_active=False)
    # Refused with the date first; the unique index below still decides a race.
    if blocking := blocking_protection(
        customer_key=deal.customer_key, product_lines=keys, exclude_deal_id=deal.pk
    ):
        raise Conflict(_protected_message(blocking.ends_at))
    updated = Deal.objects.filter(pk=deal.pk, status__in=IN_REVIEW).update(
        status=DealStatus.APPROVED,
        protected_until=protected_until,
        discount_percent=discount,
        decided_by=actor,
        decided_at=now,
        updated_at=now,
    )
    if not updated:
        raise InvalidTransition(deal.status, DealStatus.APPROVED)
    try:
        # The partial unique index refuses a second active protection for the same
        # customer and product line, even when two approvals commit at once.
        with transaction.atomic():
            DealProtection.objects.bulk_create(
                [
                    DealProtection(
                        deal=deal,
                        partner_id=deal.partner_id,
                        customer_key=deal.customer_key,
                        product_line=line,
                        starts_at=now,
                        ends_at=protected_until,
                    )
                    for line in keys
                ]
            )
    except IntegrityError:
        raise Conflict(_protected_message(None)) from None
    deal.status, deal.protected_until = DealStatus.APPROVED, protected_until
    deal.discount_percent, deal.decided_by, deal.decided_at = discount, actor, now
    audit.record_change(actor=actor, instance=deal, before=before, verb="deal.approved")
    _emit("deal.approved", deal, actor=actor, protection_days=days)
    notices.tell(
        recipients=[deal.registered_by],
        kind="deal.decided",
        subject=_("Deal approved: %(title)s") % {"title": deal.title},
        body=_("Protected until %(date)s.") % {"date": protected_until.date()},
        url=portal_url(deal),
    )
    return deal


@transaction.atomic
def deal_approve(*, actor, deal: Deal) -> Deal:
    """Approve: the protection period and discount come from the partner's tier."""
    _ensure_reviews(actor, deal)
    return _approve(deal=deal, actor=actor, now=timezone.now())


@transaction.atomic
def deal_reject(*, actor, deal: Deal, reason: str) -> Deal:
    _ensure_reviews(actor, deal)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            field_errors={"reason": [str(_("Say why it is rejected."))]}
        )
    now = timezone.now()
    before = audit.snapshot(deal, DECISION_FIELDS)
    updated = Deal.objects.filter(pk=deal.pk, status__in=IN_REVIEW).update(
        status=DealStatus.REJECTED,
        rejection_reason=reason,
        decided_by=actor,
        decided_at=now,
        closed_at=now,
        updated_at=now,
    )
    if not updated:
        raise InvalidTransition(deal.status, DealStatus.REJECTED)
    deal.status, deal.rejection_reason = DealStatus.REJECTED, reason
    deal.decided_by, deal.decided_at, deal.closed_at = actor, now, now
    audit.record_change(actor=actor, instance=deal, before=before, verb="deal.rejected")
    _emit("deal.rejected", deal, actor=actor, reason=reason)
    notices.tell(
        recipients=[deal.registered_by],
        kind="deal.decided",
        subject=_("Deal rejected: %(title)s") % {"title": deal.title},
        body=reason,
        url=portal_url(deal),
    )
    return deal


# --- protection extensions


@transaction.atomic
def deal_extension_request(*, actor, deal: Deal, days: int, reason: str):
    """The partner asks for a longer protection; a reviewer decides."""
    permissions.WORK.ensure(actor, partner_id=deal.partner_id)
    field_errors = {}
    if not isinstance(days, int) or not 1 <= days <= max_extension_days():
        field_errors["days"] = [
            str(
                _("Enter a number of days from 1 to %(max)s.")
                % {"max": max_extension_days()}
            )
        ]
    if not reason.strip():
        field_errors["reason"] = [str(_("Say why the deal needs longer."))]
    if field_errors:
        raise ValidationFailed(field_errors=field_errors)
    if deal.status != DealStatus.APPROVED:
        raise InvalidTransition(deal.status, "extension")
    try:
        with transaction.atomic():
            extension = DealExtension.objects.create(
                deal=deal, days=days, reason=reason.strip(), requested_by=actor
            )
    except IntegrityError:
        raise Conflict(_("An extension request is already open.")) from None
    audit.record_create(
        actor=actor,
        instance=extension,
        fields=["deal", "days", "reason", "status"],
        verb="deal.extension_requested",
    )
    _emit("deal.extension_requested", deal, actor=actor, days=days)
    notices.tell(
        recipients=reviewers_for(deal),
        kind="deal.extension_requested",
        subject=_("Extension requested: %(title)s") % {"title": deal.title},
        body=reason,
        url=console_url(deal),
    )
    return extension


@transaction.atomic
def deal_extension_decide(
    *, actor, extension: DealExtension, approve: bool
) -> DealExtension:
    deal = extension.deal
    _ensure_reviews(actor, deal)
    now = timezone.now()
    target = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    before = audit.snapshot(extension, ["status"])
    updated = DealExtension.objects.filter(
        pk=extension.pk, status=ExtensionStatus.REQUESTED
    ).update(status=target, decided_by=actor, decided_at=now)
    if not updated:
        raise InvalidTransition(extension.status, target)
    extension.status, extension.decided_by, extension.decided_at = target, actor, now
    audit.record_change(
        actor=actor, instance=extension, before=before, verb=f"deal.extension_{target}"
    )
    if approve:
        if deal.status != DealStatus.APPROVED:
            raise InvalidTransition(deal.status, "extension")
        deal_before = audit.snapshot(deal, ["protected_until"])
        Deal.objects.filter(pk=deal.pk).update(
            protected_until=F("protected_until") + timedelta(days=extension.days),
            updated_at=now,
        )
        DealProtection.objects.filter(deal=deal, is_active=True).update(
            ends_at=F("ends_at") + timedelta(days=extension.days)
        )
        deal.refresh_from_db(fields=["protected_until"])
        audit.record_change(
            actor=actor, instance=deal, before=deal_before, verb="deal.extended"
        )
    _emit(f"deal.extension_{target}", deal, actor=actor, days=extension.days)
    return extension


# --- outcome


def _end_protection(deal: Deal) -> None:
    DealProtection.objects.filter(deal=deal, is_active=True).update(is_active=False)


@transaction.atomic
def deal_mark_won(
    *, actor, deal: Deal, amount=None, won_on: date | None = None
) -> Deal:
    """The deal closed: its revenue is recorded for the partner."""
    permissions.WORK.ensure(actor, partner_id=deal.partner_id)
    return _mark_won(actor=actor, deal=deal, amount=amount, won_on=won_on)


def _mark_won(*, actor, deal: Deal, amount, won_on: date | None) -> Deal:
    field_errors: dict = {}
    value = (
        deal.total_amount
        if amount in (None, "")
        else _decimal(amount, field_errors, "amount")
    )
    if field_errors:
        raise ValidationFailed(field_errors=field_errors)
    won_on = won_on or timezone.localdate()
    if won_on > timezone.localdate():
        raise ValidationFailed(
            field_errors={"won_on": [str(_("A deal cannot be won in the future."))]}
        )
    now = timezone.now()
    before = audit.snapshot(deal, ["status", "stage", "total_amount"])
    won_stage = stage_of_kind(StageKind.WON)
    updated = Deal.objects.filter(pk=deal.pk, status=DealStatus.APPROVED).update(
        status=DealStatus.WON,
        stage=won_stage,
        total_amount=value,
        closed_at=now,
        updated_at=now,
    )
    if not updated:
        raise InvalidTransition(deal.status, DealStatus.WON)
    deal.status, deal.stage, deal.total_amount, deal.closed_at = (
        DealStatus.WON,
        won_stage,
        value,
        now,
    )
    _end_protection(deal)
    revenue = DealRevenue.objects.create(
        partner_id=deal.partner_id,
        deal=deal,
        amount=value,
        currency=deal.currency,
        won_on=won_on,
    )
    audit.record_change(actor=actor, instance=deal, before=before, verb="deal.won")
    audit.record_create(
        actor=actor,
        instance=revenue,
        fields=["deal", "amount", "currency", "won_on"],
        verb="deal.revenue_recorded",
    )
    _emit(
        "deal.won",
        deal,
        actor=actor,
        revenue={
            "id": str(revenue.public_id),
            "amount": str(value),
            "currency": deal.currency,
            "won_on": won_on.isoformat(),
        },
    )
    return deal


@transaction.atomic
def deal_mark_lost(*, actor, deal: Deal, reason: str = "") -> Deal:
    permissions.WORK.ensure(actor, partner_id=deal.partner_id)
    return _mark_lost(actor=actor, deal=deal, reason=reason)


def _mark_lost(*, actor, deal: Deal, reason: str) -> Deal:
    now = timezone.now()
    before = audit.snapshot(deal, ["status", "stage"])
    lost_stage = stage_of_kind(StageKind.LOST)
    updated = Deal.objects.filter(pk=deal.pk, status__in=LIVE).update(
        status=DealStatus.LOST,
        stage=lost_stage,
        lost_reason=reason.strip(),
        closed_at=now,
        updated_at=now,
    )
    if not updated:
        raise InvalidTransition(deal.status, DealStatus.LOST)
    deal.status, deal.stage, deal.lost_reason, deal.closed_at = (
        DealStatus.LOST,
        lost_stage,
        reason.strip(),
        now,
    )
    _end_protection(deal)
    audit.record_change(actor=actor, instance=deal, before=before, verb="deal.lost")
    _emit("deal.lost", deal, actor=actor, reason=reason.strip())
    return deal


@transaction.atomic
def deal_record_crm_outcome(
    *, actor, deal: Deal, won: bool, amount=None, closed_on: date | None = None,
    reason: str = "",
) -> Deal:  # fmt: skip
    """The deal closed won or lost in the vendor's CRM: recorded by a vendor admin
    (or the CRM sync acting as one) as the partner's own won/lost would be, with
    the same audit and events. A close date in the future counts as today."""
    permissions.RECORD_OUTCOME.ensure(actor)
    if not won:
        return _mark_lost(actor=actor, deal=deal, reason=reason)
    today = timezone.localdate()
    won_on = min(closed_on, today) if closed_on else today
    return _mark_won(actor=actor, deal=deal, amount=amount, won_on=won_on)


@transaction.atomic
def deal_stage_change(*, actor, deal: Deal, stage: Stage) -> Deal:
    """Move a live deal between open stages (won and lost have their own actions)."""
    permissions.WORK.ensure(actor, partner_id=deal.partner_id)
    if stage.kind != StageKind.OPEN:
        raise ValidationFailed(
            field_errors={"stage": [str(_("Mark the deal won or lost instead."))]}
        )
    if deal.status not in LIVE:
        raise InvalidTransition(deal.status, stage.name)
    before = audit.snapshot(deal, ["stage"])
    deal.stage = stage
    if audit.record_change(
        actor=actor, instance=deal, before=before, verb="deal.stage_changed"
    ):
        deal.save(update_fields=["stage", "updated_at"])
        _emit("deal.stage_changed", deal, actor=actor)
    return deal


# --- attachments


def _store_attachment(*, deal: Deal, upload, actor) -> DealAttachment:
    attachment = DealAttachment(
        deal=deal,
        original_name=safe_name(upload.name),
        content_type=getattr(upload, "content_type", "") or "",
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save(safe_name(upload.name), upload, save=False)
    attachment.save()
    audit.record_create(
        actor=actor,
        instance=attachment,
        fields=["deal", "original_name", "size"],
        verb="deal.attachment_added",
    )
    return attachment


@transaction.atomic
def deal_attachment_add(*, actor, deal: Deal, upload) -> DealAttachment:
    permissions.WORK.ensure(actor, partner_id=deal.partner_id)
    if deal.status not in LIVE:
        raise InvalidTransition(deal.status, "attachment")
    if errors := attachment_errors(upload):
        raise ValidationFailed(field_errors={"file": errors})
    attachment = _store_attachment(deal=deal, upload=upload, actor=actor)
    _emit(
        "deal.attachment_added",
        deal,
        actor=actor,
        attachment={"id": str(attachment.public_id), "name": attachment.original_name},
    )
    return attachment


# --- sweeps


def deals_expire_due(*, now: datetime | None = None, batch: int = 500) -> int:
    """Approved registrations whose protection lapsed become expired."""
    now = now or timezone.now()
    expired = 0
    for deal in list(
        Deal.objects.filter(status=DealStatus.APPROVED, protected_until__lt=now)
        .select_related("partner", "stage", "registered_by")
        .order_by("protected_until", "id")[:batch]
    ):
        with transaction.atomic():
            before = audit.snapshot(deal, ["status"])
            if not Deal.objects.filter(
                pk=deal.pk, status=DealStatus.APPROVED, protected_until__lt=now
            ).update(status=DealStatus.EXPIRED, closed_at=now, updated_at=now):
                continue
            deal.status, deal.closed_at = DealStatus.EXPIRED, now
            _end_protection(deal)
            audit.record_change(
                actor=None, instance=deal, before=before, verb="deal.expired"
            )
            _emit("deal.expired", deal, actor=None)
            notices.tell(
                recipients=[deal.registered_by],
                kind="deal.expired",
                subject=_("Deal registration expired: %(title)s")
                % {"title": deal.title},
                body=_("Its protection ended on %(date)s.")
                % {"date": deal.protected_until.date()},
                url=portal_url(deal),
            )
            expired += 1
    return expired


def deals_review_sla(*, now: datetime | None = None, batch: int = 500) -> dict:
    """Registrations past their review due time remind their reviewers once; those
    still undecided ``OPENPRM_DEAL_ESCALATION_DAYS`` business days later are
    escalated to the vendor admins once."""
    now = now or timezone.now()
    reminded = escalated = 0
    overdue = (
        Deal.objects.filter(status=DealStatus.SUBMITTED, review_due_at__lt=now)
        .select_related("partner__channel_manager", "stage")
        .order_by("review_due_at", "id")
    )
    for deal in list(overdue.filter(reminded_at__isnull=True)[:batch]):
        with transaction.atomic():
            if not Deal.objects.filter(pk=deal.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            _emit("deal.review_overdue", deal, actor=None)
            notices.tell(
                recipients=reviewers_for(deal),
                kind="deal.review_reminder",
                subject=_("Review due: %(title)s") % {"title": deal.title},
                body=_("The registration by %(partner)s was due for a decision.")
                % {"partner": deal.partner.name},
                url=console_url(deal),
            )
            reminded += 1
    for deal in list(
        overdue.filter(escalated_at__isnull=True, reminded_at__isnull=False)[:batch]
    ):
        if add_business_days(deal.review_due_at, escalation_days()) > now:
            continue
        with transaction.atomic():
            if not Deal.objects.filter(pk=deal.pk, escalated_at__isnull=True).update(
                escalated_at=now
            ):
                continue
            _emit("deal.review_escalated", deal, actor=None)
            notices.tell(
                recipients=vendor_admins(),
                kind="deal.review_escalated",
                subject=_("Overdue review: %(title)s") % {"title": deal.title},
                body=_("The registration by %(partner)s is past its approval SLA.")
                % {"partner": deal.partner.name},
                url=console_url(deal),
            )
            escalated += 1
    return {"reminded": reminded, "escalated": escalated}


# --- the vendor's CRM accounts


@transaction.atomic
def customer_account_upsert(
    *,
    actor,
    external_id: str,
    name: str,
    domain: str = "",
    country: str = "",
    kind: str = AccountKind.ACCOUNT,
    product_line: str = "",
    expected_close_date: date | None = None,
    is_active: bool = True,
) -> tuple[CustomerAccount, bool]:
    """Create or update an account by its CRM id (idempotent); (account, created)."""
    permissions.MANAGE_ACCOUNTS.ensure(actor)
    field_errors = {}
    external_id, name = external_id.strip(), name.strip()
    if not external_id:
        field_errors["external_id"] = [str(_("Enter the CRM id."))]
    if not name:
        field_errors["name"] = [str(_("Enter a name."))]
    if kind not in AccountKind.values:
        field_errors["kind"] = [str(_("Choose account or opportunity."))]
    known = {code for code, _label in specialisation_choices()}
    if product_line and product_line not in known:
        field_errors["product_line"] = [
            str(_("Choose one of the vendor's product lines."))
        ]
    country = country.strip().upper()
    if country and not _COUNTRY.match(country):
        field_errors["country"] = [str(_("Enter a two-letter country code."))]
    if field_errors:
        raise ValidationFailed(field_errors=field_errors)
    values = {
        "customer_name": name[:200],
        "customer_domain": conflicts.normalise_domain(domain),
        "customer_country": country,
        "kind": kind,
        "product_line": product_line,
        "expected_close_date": expected_close_date,
        "is_active": is_active,
        **customer_columns(name=name),
    }
    account = (
        CustomerAccount.objects.select_for_update()
        .filter(external_id=external_id)
        .first()
    )
    if account is None:
        account = CustomerAccount.objects.create(external_id=external_id, **values)
        audit.record_create(
            actor=actor,
            instance=account,
            fields=ACCOUNT_FIELDS,
            verb="customer_account.created",
        )
        created = True
    else:
        before = audit.snapshot(account, ACCOUNT_FIELDS)
        for field, value in values.items():
            setattr(account, field, value)
        if audit.record_change(
            actor=actor,
            instance=account,
            before=before,
            verb="customer_account.updated",
        ):
            account.save()
        created = False
    events.emit(
        "customer_account.synced",
        payload={
            "id": str(account.public_id),
            "external_id": account.external_id,
            "name": account.customer_name,
            "domain": account.customer_domain,
            "kind": account.kind,
            "created": created,
        },
        actor=actor,
    )
    return account, created
