"""Writes of the incentives app: the catalogue, earning rules and the points
ledger's business actions. Sales data is written by ``sales.py``."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core import audit, events, tabular
from openprm.core.errors import Conflict, ValidationFailed
from openprm.currencies import money
from openprm.incentives import earning, ledger, permissions
from openprm.incentives.choices import CapPeriod, EntryKind, RuleBasis
from openprm.incentives.models import (
    EarningRule,
    PointsAccount,
    PointsEntry,
    PointsLot,
    Product,
    ProductPrice,
)
from openprm.notifications.services import notify
from openprm.programs.choices import BenefitKind, EnrolmentStatus
from openprm.programs.models import TierBenefit
from openprm.segments.audiences import AudienceReader, matching_audience_ids
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.models import Membership

PRODUCT_FIELDS = ["sku", "name", "product_line", "active_from", "active_until"]
RULE_FIELDS = [
    "name",
    "basis",
    "product",
    "product_line",
    "event_name",
    "points",
    "cap_points",
    "cap_period",
    "audience",
    "starts_on",
    "ends_on",
    "is_active",
]
# Behaviour events a rule may pay for (learning's will be emitted once it lands).
BEHAVIOUR_EVENTS = {
    "deal.registered": _("Deal registered"),
    "deal.won": _("Deal won"),
    "lead.accepted": _("Lead accepted within its SLA"),
    "announcement.acknowledged": _("Announcement acknowledged"),
    "course.completed": _("Course completed"),
    "certification.earned": _("Certification earned"),
    "partner.profile_completed": _("Profile completed (onboarding journey)"),
}
PRICE_PREFIX = "price_"


# --- payloads


def product_payload(product: Product, prices: dict[str, Decimal]) -> dict:
    return {
        "id": str(product.public_id),
        "sku": product.sku,
        "name": product.name,
        "product_line": product.product_line,
        "active_from": product.active_from.isoformat() if product.active_from else None,
        "active_until": (
            product.active_until.isoformat() if product.active_until else None
        ),
        "prices": {currency: str(price) for currency, price in sorted(prices.items())},
    }


def entry_payload(entry: PointsEntry) -> dict:
    return {
        "id": str(entry.public_id),
        "partner": entry.partner_id,
        "account": str(entry.account.public_id),
        "kind": entry.kind,
        "points": entry.points,
        "reason": entry.reason,
        "rule": entry.rule.name if entry.rule_id else None,
        "source": {
            "type": entry.source_type,
            "id": entry.source_id,
            "label": entry.source_label,
        },
        "occurred_at": entry.occurred_at.isoformat(),
    }


EVENT_OF_KIND = {
    EntryKind.EARN: "points.earned",
    EntryKind.BONUS: "points.earned",
    EntryKind.ADJUST: "points.adjusted",
    EntryKind.REDEEM: "points.redeemed",
    EntryKind.REVERSE: "points.reversed",
    EntryKind.EXPIRE: "points.expired",
}


def _emit_entry(entry: PointsEntry, *, actor=None) -> None:
    events.emit(
        EVENT_OF_KIND[entry.kind],
        payload=entry_payload(entry),
        actor=actor,
        partner_id=entry.partner_id,
    )


# --- the catalogue


def _date(raw, errors: dict, key: str) -> datetime.date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, datetime.date):
        return raw
    try:
        return datetime.date.fromisoformat(str(raw).strip())
    except ValueError:
        errors.setdefault(key, []).append(str(_("Enter a date as YYYY-MM-DD.")))
        return None


def decimal_of(raw, errors: dict, key: str, *, positive=False) -> Decimal | None:
    """A decimal from text or a number, or an error on ``key``."""
    if raw in (None, ""):
        errors.setdefault(key, []).append(str(_("This field is required.")))
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        errors.setdefault(key, []).append(str(_("Enter a number.")))
        return None
    if not value.is_finite() or value < 0 or (positive and value == 0):
        errors.setdefault(key, []).append(str(_("Enter a positive number.")))
        return None
    return value


def clean_product(data: dict) -> tuple[dict, dict[str, Decimal], dict]:
    """A product's fields and prices from an API body or a file row, and the
    errors by field (the same checks on both paths)."""
    errors: dict[str, list[str]] = {}
    sku = str(data.get("sku") or "").strip()
    name = str(data.get("name") or "").strip()
    if not sku:
        errors["sku"] = [str(_("This field is required."))]
    elif len(sku) > 64:
        errors["sku"] = [str(_("At most 64 characters."))]
    if not name:
        errors["name"] = [str(_("This field is required."))]
    fields = {
        "sku": sku,
        "name": name[:200],
        "product_line": str(data.get("product_line") or "").strip()[:100],
        "active_from": _date(data.get("active_from"), errors, "active_from"),
        "active_until": _date(data.get("active_until"), errors, "active_until"),
    }
    if (
        fields["active_from"]
        and fields["active_until"]
        and fields["active_until"] < fields["active_from"]
    ):
        errors["active_until"] = [str(_("The end comes before the start."))]
    prices: dict[str, Decimal] = {}
    for currency, raw in (data.get("prices") or {}).items():
        code = str(currency).strip().upper()
        key = f"prices.{currency}"
        if not money.is_currency(code):
            errors[key] = [str(_("Not a currency code."))]
            continue
        value = decimal_of(raw, errors, key)
        if value is not None:
            prices[code] = money.quantize(value, code)
    return fields, prices, errors


def _save_product(*, actor, fields: dict, prices: dict) -> tuple[Product, bool]:
    """Create or update by SKU; returns the product and whether anything changed."""
    product = Product.objects.select_for_update().filter(sku=fields["sku"]).first()
    created = product is None
    before = {} if created else audit.snapshot(product, PRODUCT_FIELDS)
    current = (
        {} if created else dict(product.prices.values_list("currency", "list_price"))
    )
    if created:
        product = Product.objects.create(**fields)
    else:
        for name, value in fields.items():
            setattr(product, name, value)
    after = audit.snapshot(product, PRODUCT_FIELDS) if not created else None
    changed_prices = {c: p for c, p in prices.items() if current.get(c) != p}
    if not created and after == before and not changed_prices:
        return product, False
    if not created:
        product.save()
    for currency, price in changed_prices.items():
        ProductPrice.objects.update_or_create(
            product=product, currency=currency, defaults={"list_price": price}
        )
    all_prices = {**current, **prices}
    if created:
        audit.record_create(
            actor=actor, instance=product, fields=PRODUCT_FIELDS, verb="product.created"
        )
    else:
        entry = audit.record_change(
            actor=actor, instance=product, before=before, verb="product.updated"
        )
        if entry is None:
            audit.record(
                actor=actor,
                instance=product,
                action="update",
                changes={
                    f"price_{c}": [audit.json_value(current.get(c)), str(p)]
                    for c, p in changed_prices.items()
                },
                verb="product.updated",
            )
    events.emit(
        "product.created" if created else "product.updated",
        payload=product_payload(product, all_prices),
        actor=actor,
    )
    return product, True


@transaction.atomic
def product_upsert(*, actor, data: dict) -> tuple[Product, bool]:
    """Create a product or update the one with the same SKU (idempotent: the same
    data again changes nothing and writes no audit entry or event). Returns the
    product and whether it was created."""
    permissions.MANAGE.ensure(actor)
    fields, prices, errors = clean_product(data)
    if errors:
        raise ValidationFailed(field_errors=errors)
    existed = Product.objects.filter(sku=fields["sku"]).exists()
    product, _changed = _save_product(actor=actor, fields=fields, prices=prices)
    return product, not existed


def product_row(row: dict[str, str]) -> dict:
    """A catalogue file's row as product data: ``price_<currency>`` columns are
    the list prices."""
    data = {name: row.get(name, "") for name in PRODUCT_FIELDS}
    data["prices"] = {
        column[len(PRICE_PREFIX) :]: value
        for column, value in row.items()
        if column.startswith(PRICE_PREFIX) and value != ""
    }
    return data


def product_import(*, actor, file_name: str, upload) -> dict:
    """Import a catalogue file (CSV/XLSX, columns sku, name, product_line,
    active_from, active_until, price_<currency>): each valid row is upserted by
    SKU in its own transaction; returns counts and the per-row report."""
    permissions.MANAGE.ensure(actor)
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    suffix = tabular.check_name(file_name, size)
    reader = tabular.RowReader(
        upload, suffix=suffix, size=size, required=("sku", "name")
    )
    report = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0, "issues": []}
    for number, row in reader:
        fields, prices, errors = clean_product(product_row(row))
        if errors:
            report["failed"] += 1
            for column, messages in errors.items():
                column = column.replace("prices.", PRICE_PREFIX)
                for message in messages:
                    report["issues"].append(
                        {"row": number, "column": column, "message": message}
                    )
            continue
        with transaction.atomic():
            existed = Product.objects.filter(sku=fields["sku"]).exists()
            _product, changed = _save_product(actor=actor, fields=fields, prices=prices)
        key = "unchanged" if not changed else ("updated" if existed else "created")
        report[key] += 1
    return report


# --- earning rules


def clean_rule(data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    basis = data.get("basis")
    if basis not in RuleBasis.values:
        errors["basis"] = [str(_("Choose a basis."))]
    if not str(data.get("name") or "").strip():
        errors["name"] = [str(_("This field is required."))]
    if basis == RuleBasis.PER_EVENT:
        if data.get("event_name") not in BEHAVIOUR_EVENTS:
            errors["event_name"] = [str(_("Choose an event."))]
        data["product"], data["product_line"] = None, ""
    elif basis in (RuleBasis.PER_UNIT, RuleBasis.PER_AMOUNT):
        data["event_name"] = ""
        if not data.get("product") and not data.get("product_line"):
            errors["product"] = [str(_("Choose a product or a product line."))]
    points = data.get("points")
    if points is None or Decimal(str(points)) <= 0:
        errors["points"] = [str(_("Enter a positive number."))]
    if data.get("cap_points") is not None and not data.get("cap_period"):
        errors["cap_period"] = [str(_("Choose the period the cap applies to."))]
    if data.get("cap_period") and data.get("cap_points") is None:
        errors["cap_points"] = [str(_("Enter the cap."))]
    if data.get("cap_period", "") not in CapPeriod.values:
        errors["cap_period"] = [str(_("Choose a period."))]
    if (
        data.get("starts_on")
        and data.get("ends_on")
        and data["ends_on"] < data["starts_on"]
    ):
        errors["ends_on"] = [str(_("The end comes before the start."))]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return data


@transaction.atomic
def earning_rule_create(*, actor, **data) -> EarningRule:
    permissions.MANAGE.ensure(actor)
    data.setdefault("cap_period", "")
    rule = EarningRule.objects.create(**clean_rule(data))
    audit.record_create(
        actor=actor, instance=rule, fields=RULE_FIELDS, verb="earning_rule.created"
    )
    events.emit("earning_rule.created", payload=rule_payload(rule), actor=actor)
    return rule


@transaction.atomic
def earning_rule_update(*, actor, rule: EarningRule, **data) -> EarningRule:
    permissions.MANAGE.ensure(actor)
    before = audit.snapshot(rule, RULE_FIELDS)
    current = {name: getattr(rule, name) for name in RULE_FIELDS}
    data = clean_rule({**current, **data})
    for name, value in data.items():
        setattr(rule, name, value)
    rule.save()
    if audit.record_change(
        actor=actor, instance=rule, before=before, verb="earning_rule.updated"
    ):
        events.emit("earning_rule.updated", payload=rule_payload(rule), actor=actor)
    return rule


def rule_payload(rule: EarningRule) -> dict:
    return {
        "id": str(rule.public_id),
        "name": rule.name,
        "basis": rule.basis,
        "product": rule.product.sku if rule.product_id else None,
        "product_line": rule.product_line,
        "event": rule.event_name,
        "points": str(rule.points),
        "cap_points": rule.cap_points,
        "cap_period": rule.cap_period,
        "starts_on": rule.starts_on.isoformat() if rule.starts_on else None,
        "ends_on": rule.ends_on.isoformat() if rule.ends_on else None,
        "is_active": rule.is_active,
    }


# --- what decides a partner's earnings


def _multiplier_benefits():
    return TierBenefit.objects.filter(
        kind=BenefitKind.POINTS_MULTIPLIER,
        tier__enrolments__status=EnrolmentStatus.ACTIVE,
    )


def tier_multiplier(partner_id: int) -> Decimal:
    """The best points multiplier of the partner's active tiers (1 without one)."""
    values = (
        _multiplier_benefits()
        .filter(tier__enrolments__partner_id=partner_id)
        .values_list("value", flat=True)
    )
    return best_multiplier(values)


def tier_multipliers() -> dict[int, Decimal]:
    """Every partner's multiplier that is not 1, in one query (a preview's)."""
    values: dict[int, list] = {}
    for partner_id, value in _multiplier_benefits().values_list(
        "tier__enrolments__partner_id", "value"
    ):
        values.setdefault(partner_id, []).append(value)
    return {partner_id: best_multiplier(found) for partner_id, found in values.items()}


def best_multiplier(values) -> Decimal:
    """The best of benefit values (text); 1 without a positive number."""
    best = None
    for value in values:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            continue
        best = number if best is None else max(best, number)
    return best if best is not None and best > 0 else Decimal(1)


def audiences_of(partner_id: int, roles=frozenset()) -> set[int]:
    """The audiences that hold the partner (rules naming roles: those roles)."""
    return set(
        matching_audience_ids(AudienceReader(partner_id=partner_id, roles=roles))
    )


def rule_reaches(rule: EarningRule, audience_ids: set[int]) -> bool:
    return rule.audience_id is None or rule.audience_id in audience_ids


def cap_used(rule: EarningRule, account: PointsAccount, on: datetime.date) -> int:
    """Points the rule has paid the holder in the cap's period holding ``on``."""
    if not rule.cap_period:
        return 0
    start, end = earning.period_bounds(rule.cap_period, on)
    total = PointsEntry.objects.filter(
        account=account,
        rule=rule,
        kind=EntryKind.EARN,
        occurred_at__date__gte=start,
        occurred_at__date__lt=end,
    ).aggregate(total=Sum("points"))["total"]
    return int(total or 0)


# --- ledger actions


@transaction.atomic
def points_adjust(
    *, actor, account: PointsAccount, points: int, reason: str
) -> PointsEntry:
    """A vendor's correction of a ledger, with its reason; audited. A negative
    adjustment cannot take more than the balance."""
    permissions.ADJUST.ensure(actor)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = [str(_("Say why the points are adjusted."))]
    if not points:
        errors["points"] = [str(_("Enter a number of points other than zero."))]
    if errors:
        raise ValidationFailed(field_errors=errors)
    if points > 0:
        entry = ledger.credit(
            account=account,
            kind=EntryKind.ADJUST,
            points=points,
            reason=reason,
            actor=actor,
        )
    else:
        try:
            entry = ledger.debit(
                account=account,
                kind=EntryKind.ADJUST,
                points=-points,
                reason=reason,
                actor=actor,
            )
        except ledger.InsufficientPoints as short:
            raise ValidationFailed(
                field_errors={"points": [str(short.message)]}
            ) from None
    audit.record_create(
        actor=actor,
        instance=entry,
        fields=["account", "kind", "points", "reason"],
        verb="points.adjusted",
    )
    _emit_entry(entry, actor=actor)
    return entry


@transaction.atomic
def points_bonus(
    *, actor, account: PointsAccount, points: int, reason: str
) -> PointsEntry:
    """A bonus granted by the vendor, with its reason."""
    permissions.ADJUST.ensure(actor)
    if points <= 0 or not (reason or "").strip():
        raise ValidationFailed(
            field_errors={"points": [str(_("A bonus adds points and says why."))]}
        )
    entry = ledger.credit(
        account=account,
        kind=EntryKind.BONUS,
        points=points,
        reason=reason.strip(),
        actor=actor,
    )
    audit.record_create(
        actor=actor,
        instance=entry,
        fields=["account", "kind", "points", "reason"],
        verb="points.bonus_granted",
    )
    _emit_entry(entry, actor=actor)
    return entry


@transaction.atomic
def points_redeem(
    *,
    actor,
    account: PointsAccount,
    points: int,
    reason: str,
    source: ledger.Source = ledger.NO_SOURCE,
    now: datetime.datetime | None = None,
) -> PointsEntry:
    """Spend points, oldest lots first; refused (409) beyond the balance."""
    entry = ledger.debit(
        account=account,
        kind=EntryKind.REDEEM,
        points=points,
        reason=reason,
        source=source,
        actor=actor,
        now=now,
    )
    _emit_entry(entry, actor=actor)
    return entry


@transaction.atomic
def points_refund(*, actor, entry: PointsEntry, reason: str) -> PointsEntry:
    """Give back a redemption's points (a cancelled or failed order)."""
    if entry.kind != EntryKind.REDEEM:
        raise Conflict(_("Only a redemption can be refunded."))
    try:
        with transaction.atomic():
            reversal = ledger.refund(entry=entry, reason=reason, actor=actor)
    except IntegrityError:
        raise Conflict(_("This redemption was refunded already.")) from None
    _emit_entry(reversal, actor=actor)
    return reversal


def earn(
    *,
    rule: EarningRule,
    account: PointsAccount,
    points: int,
    source: ledger.Source,
    reason: str,
    now: datetime.datetime,
    actor=None,
) -> PointsEntry | None:
    """One earn entry (inside a transaction), held to the rule's cap; None when
    the cap leaves nothing or this rule already paid for this source."""
    ledger.lock(account)  # the cap's sum and the entry under one lock
    points = earning.capped(
        points, cap=rule.cap_points, used=cap_used(rule, account, now.date())
    )
    if points <= 0:
        return None
    if PointsEntry.objects.filter(
        account=account,
        rule=rule,
        kind=EntryKind.EARN,
        source_type=source.type,
        source_id=source.id,
    ).exists():
        return None
    entry = ledger.credit(
        account=account,
        kind=EntryKind.EARN,
        points=points,
        reason=reason,
        rule=rule,
        source=source,
        actor=actor,
        now=now,
    )
    _emit_entry(entry, actor=actor)
    return entry


def rules_for_event(name: str, on: datetime.date) -> list[EarningRule]:
    rules = EarningRule.objects.filter(
        basis=RuleBasis.PER_EVENT, event_name=name, is_active=True
    )
    return [rule for rule in rules if earning.rule_applies(rule, on)]


@transaction.atomic
def points_earn_for_event(
    *,
    name: str,
    partner_id: int,
    user_id: int | None,
    source: ledger.Source,
    roles=frozenset(),
    now: datetime.datetime | None = None,
) -> list[PointsEntry]:
    """What the behaviour rules for event ``name`` pay the partner (or the user,
    when points belong to users); idempotent per rule and source."""
    now = now or timezone.now()
    rules = rules_for_event(name, now.date())
    if not rules:
        return []
    audience_ids = (
        audiences_of(partner_id, roles) if any(r.audience_id for r in rules) else set()
    )
    multiplier = tier_multiplier(partner_id)
    account = ledger.account_for(partner_id=partner_id, user_id=user_id)
    entries = []
    for rule in rules:
        if not rule_reaches(rule, audience_ids):
            continue
        points = earning.raw_points(
            basis=rule.basis, rate=rule.points, multiplier=multiplier
        )
        entry = earn(
            rule=rule,
            account=account,
            points=points,
            source=source,
            reason=str(BEHAVIOUR_EVENTS[name]),
            now=now,
        )
        if entry is not None:
            entries.append(entry)
    return entries


@transaction.atomic
def points_reverse_source(
    *, source_type: str, source_id: str, reason: str, now=None
) -> list[PointsEntry]:
    """Reverse every earn a source produced that is not reversed yet (a deal lost
    after it was won): the same points, from the earn's own lot first, then the
    oldest; never more than the balance holds."""
    now = now or timezone.now()
    earned = PointsEntry.objects.filter(
        kind=EntryKind.EARN, source_type=source_type, source_id=source_id
    ).select_related("account", "lot")
    reversed_ids = set(
        PointsEntry.objects.filter(
            kind=EntryKind.REVERSE, reverses__in=earned
        ).values_list("reverses_id", flat=True)
    )
    reversals = []
    for entry in earned:
        if entry.pk in reversed_ids:
            continue
        reversal = ledger.debit(
            account=entry.account,
            kind=EntryKind.REVERSE,
            points=entry.points,
            reason=reason,
            source=ledger.Source(source_type, source_id, entry.source_label),
            now=now,
            reverses=entry,
            partial=True,
            first_lot_id=entry.lot.pk,
        )
        if reversal is not None:
            _emit_entry(reversal)
            reversals.append(reversal)
    return reversals


def points_expire_due(*, now: datetime.datetime | None = None, batch: int = 500) -> int:
    """Expire what is left in lots past their date (the sweep); one transaction
    per lot, so a holder's lock is held briefly."""
    now = now or timezone.now()
    count = 0
    lots = list(
        PointsLot.objects.filter(remaining__gt=0, expires_at__lte=now)
        .select_related("account", "entry")
        .order_by("expires_at", "id")[:batch]
    )
    for lot in lots:
        with transaction.atomic():
            entry = ledger.expire_lot(lot=lot, now=now)
            if entry is not None:
                _emit_entry(entry)
                count += 1
    return count


# --- the warning before expiry


def expiry_warning_recipients(account: PointsAccount) -> list:
    """Who holds the account's points: its user, or, when points belong to the
    partner company, the company's active partner admins."""
    if account.user_id is not None:
        user = account.user
        return [user] if user.is_active else []
    return [
        membership.user
        for membership in Membership.objects.filter(
            partner_id=account.partner_id, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("user_id")
        if PartnerRole.PARTNER_ADMIN in (membership.roles or [])
    ]


def _warn_account(account: PointsAccount, *, now, until) -> int:
    """Mark the account's lots expiring by ``until`` warned, and tell its holders
    once (inside the caller's transaction, behind the holder's lock)."""
    ledger.lock(account)
    lots = PointsLot.objects.filter(
        account=account,
        remaining__gt=0,
        warned_at__isnull=True,
        expires_at__gt=now,
        expires_at__lte=until,
    )
    found = lots.aggregate(
        points=Sum("remaining"), first=Min("expires_at"), count=Count("id")
    )
    if not found["count"]:
        return 0
    lots.update(warned_at=now)
    points, first = int(found["points"]), found["first"]
    url = reverse("portal:earnings")
    subject = _("%(points)s of your points expire on %(date)s") % {
        "points": f"{points:,}",
        "date": first.date().isoformat(),
    }
    body = _(
        "%(points)s points earned by %(partner)s expire from %(date)s. Spend them "
        "on a reward before then; points are spent oldest first."
    ) % {
        "points": f"{points:,}",
        "partner": account.partner.name,
        "date": first.date().isoformat(),
    }
    notify(
        recipients=expiry_warning_recipients(account),
        kind="points.expiring",
        subject=str(subject),
        body=str(body),
        url=url,
    )
    events.emit(
        "points.expiring",
        payload={
            "account": str(account.public_id),
            "partner": account.partner_id,
            "user": str(account.user.public_id) if account.user_id else None,
            "points": points,
            "lots": found["count"],
            "expires_at": first.isoformat(),
        },
        partner_id=account.partner_id,
    )
    return found["count"]


def points_warn_expiring(
    *, now: datetime.datetime | None = None, batch: int = 200
) -> int:
    """The warning sweep: tell the holders of lots that expire within
    ``OPENPRM_POINTS_EXPIRY_WARNING_DAYS`` (one notification and one
    ``points.expiring`` event per holder and run), and mark those lots warned so
    they are never warned again. One transaction per holder. Returns how many
    holders were warned (0 when none is left)."""
    days = ledger.expiry_warning_days()
    if days <= 0:
        return 0
    now = now or timezone.now()
    until = now + datetime.timedelta(days=days)
    account_ids = list(
        PointsLot.objects.filter(
            remaining__gt=0,
            warned_at__isnull=True,
            expires_at__gt=now,
            expires_at__lte=until,
        )
        .order_by("account_id")
        .values_list("account_id", flat=True)
        .distinct()[:batch]
    )
    warned = 0
    accounts = PointsAccount.objects.select_related("partner", "user").filter(
        pk__in=account_ids
    )
    for account in accounts:
        with transaction.atomic():
            if _warn_account(account, now=now, until=until):
                warned += 1
    return warned
