"""Rewards and redemption orders: spending points, cancelling (which refunds
them) and fulfilment (``fulfilment.py``: a failed fulfilment refunds them too).
Stock is taken with a conditional ``UPDATE … WHERE stock > 0`` in the same
transaction as the points, so neither a reward nor a balance is oversold."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.accounts.choices import VendorRole
from openprm.approvals import services as approvals
from openprm.approvals.choices import ActionKind
from openprm.approvals.models import Queue
from openprm.approvals.rules import Facts
from openprm.approvals.subjects import Outcome
from openprm.core import audit, events, tabular
from openprm.core.errors import Conflict, InvalidTransition, ValidationFailed
from openprm.funds import services as funds_services
from openprm.incentives import fulfilment, ledger, permissions, selectors, services
from openprm.incentives.choices import FULFILMENT_STEPS, OrderStatus, RewardKind
from openprm.incentives.models import (
    FulfilmentSetting,
    FulfilmentUpdate,
    IncentiveSettings,
    RedemptionOrder,
    Reward,
)

# The approval engine's subject kind of redemption orders, and its queue.
APPROVAL_KIND = "incentives.redemption"
APPROVAL_QUEUE = "Rewards"

REWARD_FIELDS = [
    "name",
    "description",
    "points_price",
    "stock",
    "audience",
    "is_active",
    "fulfilment_provider",
    "kind",
    "mdf_budget",
    "mdf_amount",
    "mdf_currency",
]


def reward_payload(reward: Reward) -> dict:
    return {
        "id": str(reward.public_id),
        "name": reward.name,
        "points_price": reward.points_price,
        "stock": reward.stock,
        "is_active": reward.is_active,
        "kind": reward.kind,
        "audience": str(reward.audience.public_id) if reward.audience_id else None,
        "fulfilment_provider": reward.fulfilment_provider,
        "mdf_budget": str(reward.mdf_budget.public_id)
        if reward.mdf_budget_id
        else None,
        "mdf_amount": str(reward.mdf_amount) if reward.mdf_amount is not None else None,
        "mdf_currency": reward.mdf_currency,
    }


def _clean_kind(data: dict, *, kept_budget_id: int | None = None) -> dict:
    """A "convert to MDF" reward names an open budget and a positive amount (its
    currency: the budget's); other kinds carry neither (field errors). The
    budget a reward already names (``kept_budget_id``) may have closed since:
    the reward can still be changed (e.g. withdrawn), and its orders fail and
    refund their points."""
    kind = data.get("kind") or RewardKind.GOODS
    if kind not in RewardKind.values:
        raise ValidationFailed(
            field_errors={"kind": [str(_("Choose one of the kinds."))]}
        )
    data["kind"] = kind
    budget, amount = data.get("mdf_budget"), data.get("mdf_amount")
    currency = (data.get("mdf_currency") or "").strip().upper()
    errors: dict[str, list[str]] = {}
    if kind != RewardKind.MDF:
        for name, value in (
            ("mdf_budget", budget),
            ("mdf_amount", amount),
            ("mdf_currency", currency),
        ):
            if value not in (None, ""):
                errors[name] = [str(_('Only a "convert to MDF" reward has this.'))]
        if errors:
            raise ValidationFailed(field_errors=errors)
        data.update(mdf_budget=None, mdf_amount=None, mdf_currency="")
        return data
    if budget is None:
        errors["mdf_budget"] = [str(_("Choose the funds budget it credits."))]
    elif budget.pk != kept_budget_id and (
        budget.closed_at is not None or budget.period.ends_on < timezone.localdate()
    ):
        errors["mdf_budget"] = [
            str(_("This budget is closed or its period has ended."))
        ]
    try:
        value = Decimal(str(amount).strip()) if amount not in (None, "") else None
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite() or value <= 0 or value >= Decimal("1e11"):
        errors["mdf_amount"] = [str(_("Enter an amount greater than 0."))]
    elif value != value.quantize(Decimal("0.01")):
        errors["mdf_amount"] = [str(_("Use at most two decimals."))]
    if budget is not None and currency and currency != budget.fund.currency:
        errors["mdf_currency"] = [
            str(_("The budget is in %(currency)s."))
            % {"currency": budget.fund.currency}
        ]
    if errors:
        raise ValidationFailed(field_errors=errors)
    data.update(
        mdf_amount=value.quantize(Decimal("0.01")), mdf_currency=budget.fund.currency
    )
    return data


def order_payload(order: RedemptionOrder) -> dict:
    return {
        "id": str(order.public_id),
        "partner": order.partner_id,
        "reward": str(order.reward.public_id),
        "reward_name": order.reward.name,
        "points": order.points,
        "status": order.status,
        "ordered_by": str(order.ordered_by.public_id) if order.ordered_by_id else None,
        "fulfilment_provider": order.fulfilment_provider,
        "tracking": order.tracking,
    }


def submission_payload(order: RedemptionOrder) -> dict:
    """What a fulfilment service needs to send the reward: who and where to."""
    user = order.ordered_by
    return {
        **order_payload(order),
        "partner_name": order.partner.name,
        "recipient": {
            "name": user.get_full_name() if user else "",
            "email": user.email if user else "",
        },
        "reward_description": order.reward.description,
    }


# The largest price or stock the table holds (a positive 32-bit integer).
MAX_QUANTITY = 2_147_483_647


def _clean_reward(data: dict, *, kept_budget_id: int | None = None) -> dict:
    """What every reward must be, when it is created and when it is changed
    (all problems at once, as field errors)."""
    errors: dict[str, list[str]] = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = [str(_("Name the reward."))]
    price = data.get("points_price")
    if not price or price <= 0:
        errors["points_price"] = [str(_("Enter a positive price."))]
    elif price > MAX_QUANTITY:
        errors["points_price"] = [str(_("Enter a smaller price."))]
    stock = data.get("stock")
    if stock is not None and stock < 0:
        errors["stock"] = [
            str(_("Stock cannot go below 0 (leave it empty for unlimited)."))
        ]
    elif stock is not None and stock > MAX_QUANTITY:
        errors["stock"] = [str(_("Enter a smaller stock."))]
    provider = data.get("fulfilment_provider") or ""
    if provider and fulfilment.get(provider) is None:
        errors["fulfilment_provider"] = [str(_("Not a fulfilment provider."))]
    if errors:
        raise ValidationFailed(field_errors=errors)
    data.update(name=name, fulfilment_provider=provider)
    return _clean_kind(data, kept_budget_id=kept_budget_id)


@transaction.atomic
def reward_create(*, actor, **data) -> Reward:
    permissions.MANAGE.ensure(actor)
    data = _clean_reward(dict(data))
    reward = Reward.objects.create(**data)
    audit.record_create(
        actor=actor, instance=reward, fields=REWARD_FIELDS, verb="reward.created"
    )
    events.emit("reward.created", payload=reward_payload(reward), actor=actor)
    return reward


# Fields a "convert to MDF" reward carries, and their value on other kinds.
MDF_FIELDS = {"mdf_budget": None, "mdf_amount": None, "mdf_currency": ""}


@transaction.atomic
def reward_update(*, actor, reward: Reward, **changes) -> Reward:
    """Change some of a reward's fields (those given), held to the same rules
    as a new reward. Orders already placed keep the points they were placed at
    (each order holds its price and its redeem entry). Leaving "convert to MDF"
    drops the budget and amount unless they are given (then refused); a new
    budget without a currency takes the budget's. Audited as
    ``reward.updated`` and announced by the event of that name, only when
    something changed."""
    permissions.MANAGE.ensure(actor)
    unknown = sorted(set(changes) - set(REWARD_FIELDS))
    if unknown:
        raise ValidationFailed(
            field_errors={
                name: [str(_("Not a field of a reward."))] for name in unknown
            }
        )
    # The row is locked so that two editors, or an editor and a redemption
    # taking stock, apply one after the other.
    locked = Reward.objects.select_for_update().get(pk=reward.pk)
    current = {name: getattr(locked, name) for name in REWARD_FIELDS}
    changes = dict(changes)
    if changes.get("kind", current["kind"]) != RewardKind.MDF:
        for name, empty in MDF_FIELDS.items():
            changes.setdefault(name, empty)
    elif "mdf_budget" in changes and "mdf_currency" not in changes:
        changes["mdf_currency"] = ""
    data = _clean_reward({**current, **changes}, kept_budget_id=locked.mdf_budget_id)
    before = audit.snapshot(locked, REWARD_FIELDS)
    for name, value in data.items():
        setattr(locked, name, value)
    locked.save()
    entry = audit.record_change(
        actor=actor, instance=locked, before=before, verb="reward.updated"
    )
    if entry is not None:
        events.emit(
            "reward.updated",
            payload={**reward_payload(locked), "changes": sorted(entry.changes)},
            actor=actor,
        )
    return locked


@transaction.atomic
def redemption_order_place(
    *, actor, partner_id: int, reward: Reward
) -> RedemptionOrder:
    """Spend the reward's price from the holder's points and take one from its
    stock; refused (409) when either runs short, with nothing changed."""
    permissions.REDEEM.ensure(actor, partner_id=partner_id)
    if not reward.is_active:
        raise Conflict(_("This reward is no longer offered."))
    if reward.audience_id and not services.rule_reaches(
        reward, services.audiences_of(partner_id)
    ):
        raise Conflict(_("This reward is not offered to your organisation."))
    if reward.stock is not None:
        taken = Reward.objects.filter(pk=reward.pk, stock__gt=0).update(
            stock=F("stock") - 1
        )
        if not taken:
            raise Conflict(_("This reward is out of stock."))
    account = ledger.account_for(partner_id=partner_id, user_id=actor.pk)
    entry = services.points_redeem(
        actor=actor,
        account=account,
        points=reward.points_price,
        reason=str(_("Redeemed: %(reward)s")) % {"reward": reward.name},
        source=ledger.Source("reward", str(reward.public_id), reward.name),
    )
    needs_approval = approval_threshold() < reward.points_price
    order = RedemptionOrder.objects.create(
        partner_id=partner_id,
        account=account,
        reward=reward,
        ordered_by=actor,
        points=reward.points_price,
        redeem_entry=entry,
        status=OrderStatus.PENDING_APPROVAL if needs_approval else OrderStatus.PLACED,
    )
    audit.record_create(
        actor=actor,
        instance=order,
        fields=["reward", "points", "status"],
        verb="redemption.placed",
    )
    events.emit(
        "redemption.placed",
        payload=order_payload(order),
        actor=actor,
        partner_id=partner_id,
    )
    if needs_approval:
        _start_approval(order, actor=actor)
    else:
        _submit(order, actor=actor)
    return order


def approval_default() -> int:
    """``OPENPRM_REDEMPTION_APPROVAL_ABOVE`` (points; 0 or unset: never): the
    threshold until a vendor admin sets one."""
    return max(int(getattr(settings, "OPENPRM_REDEMPTION_APPROVAL_ABOVE", 0) or 0), 0)


def approval_above() -> int:
    """The threshold in force: the console's setting, else the default."""
    kept = (
        IncentiveSettings.objects.filter(pk=1)
        .values_list("redemption_approval_above", flat=True)
        .first()
    )
    return approval_default() if kept is None else kept


def approval_threshold() -> float:
    """Orders above this many points wait for a vendor's approval (the points are
    held meanwhile); the console's setting, else
    ``OPENPRM_REDEMPTION_APPROVAL_ABOVE``; 0: none."""
    value = approval_above()
    return value if value > 0 else float("inf")


def incentive_settings_get(*, user) -> IncentiveSettings:
    """The settings row (unsaved, with the defaults, until an admin saves it)."""
    permissions.READ.ensure(user)
    return IncentiveSettings.objects.filter(pk=1).first() or IncentiveSettings(pk=1)


def incentive_settings_payload(row: IncentiveSettings) -> dict:
    return {
        "redemption_approval_above": row.redemption_approval_above,
        "redemption_approval_default": approval_default(),
        "redemption_approval_in_force": (
            approval_default()
            if row.redemption_approval_above is None
            else row.redemption_approval_above
        ),
    }


@transaction.atomic
def incentive_settings_update(
    *, actor, redemption_approval_above: int | None
) -> IncentiveSettings:
    """Set the redemption approval threshold (vendor admins): points, 0 for
    never, None for the default. Audited as ``incentive_settings.updated``;
    orders placed before keep their path."""
    permissions.CONFIGURE.ensure(actor)
    if redemption_approval_above is not None:
        try:
            redemption_approval_above = int(redemption_approval_above)
        except (TypeError, ValueError):
            redemption_approval_above = -1
        if not 0 <= redemption_approval_above <= 10**9:
            raise ValidationFailed(
                field_errors={
                    "redemption_approval_above": [
                        _("Give a whole number of points, 0 or more.")
                    ]
                }
            )
    row, _created = IncentiveSettings.objects.select_for_update().get_or_create(pk=1)
    before = audit.snapshot(row, ["redemption_approval_above"])
    row.redemption_approval_above = redemption_approval_above
    row.save()
    audit.record_change(
        actor=actor, instance=row, before=before, verb="incentive_settings.updated"
    )
    return row


def _start_approval(order: RedemptionOrder, *, actor) -> None:
    queue, _created = Queue.objects.get_or_create(
        name=APPROVAL_QUEUE, defaults={"vendor_role": VendorRole.CHANNEL_MARKETING}
    )
    approval = approvals.request_start(
        kind=APPROVAL_KIND,
        object_id=order.public_id,
        subject_label=f"{order.reward.name} · {order.partner.name}",
        facts=Facts(amount=order.points),
        partner=order.partner,
        routed_queue=queue,
        actor=actor,
    )
    RedemptionOrder.objects.filter(pk=order.pk).update(approval=approval)
    order.approval = approval


def redemption_decided(outcome: Outcome) -> str | None:
    """The engine decided an order above the threshold (hook; in the decision's
    transaction): approved goes to fulfilment, rejected refunds the points."""
    order = RedemptionOrder.objects.select_related(
        "reward", "partner", "ordered_by", "redeem_entry__account"
    ).get(public_id=outcome.request.object_id)
    approved = outcome.change == ActionKind.APPROVED
    target = OrderStatus.PLACED if approved else OrderStatus.REJECTED
    claimed = RedemptionOrder.objects.filter(
        pk=order.pk, status=OrderStatus.PENDING_APPROVAL
    ).update(status=target, updated_at=timezone.now())
    if not claimed:
        raise InvalidTransition(order.status, target)
    order.status = target
    FulfilmentUpdate.objects.create(
        order=order, status=target, note=outcome.note[:300], actor=outcome.actor
    )
    audit.record(
        actor=outcome.actor,
        instance=order,
        action="update",
        changes={"status": [OrderStatus.PENDING_APPROVAL, target]},
        verb="redemption.approved" if approved else "redemption.rejected",
    )
    if not approved:
        refund = services.points_refund(
            actor=outcome.actor,
            entry=order.redeem_entry,
            reason=str(_("Not approved: %(reward)s")) % {"reward": order.reward.name},
        )
        RedemptionOrder.objects.filter(pk=order.pk).update(refund_entry=refund)
        order.refund_entry = refund
        Reward.objects.filter(pk=order.reward_id, stock__isnull=False).update(
            stock=F("stock") + 1
        )
    events.emit(
        "redemption.approved" if approved else "redemption.rejected",
        payload={**order_payload(order), "note": outcome.note},
        actor=outcome.actor,
        partner_id=order.partner_id,
    )
    if approved:
        _submit(order, actor=outcome.actor)
    return None


def _submit(order: RedemptionOrder, *, actor) -> None:
    """Hand a placed order to its provider, if one is set up (else it waits to be
    fulfilled by hand); part of the placing transaction. A "convert to MDF"
    order fulfils itself at once."""
    if order.reward.kind == RewardKind.MDF:
        _fulfil_mdf(order, actor=actor)
        return
    found = fulfilment.provider_for(order.reward)
    if found is None:
        return
    provider, options = found
    order.status = OrderStatus.SUBMITTED
    order.fulfilment_provider = provider.name
    event = events.emit(
        "redemption.submitted",
        payload=submission_payload(order),
        actor=actor,
        partner_id=order.partner_id,
    )
    order.fulfilment_options = provider.submit(
        order=order, event=event, options=options
    )
    order.save(
        update_fields=[
            "status",
            "fulfilment_provider",
            "fulfilment_options",
            "updated_at",
        ]
    )
    FulfilmentUpdate.objects.create(
        order=order,
        status=OrderStatus.SUBMITTED,
        provider=provider.name,
        note=str(_("Sent for fulfilment: %(provider)s."))
        % {"provider": provider.label},
        actor=actor,
    )
    audit.record(
        actor=actor,
        instance=order,
        action="update",
        changes={
            "status": [OrderStatus.PLACED, OrderStatus.SUBMITTED],
            "fulfilment_provider": ["", provider.name],
        },
        verb="redemption.submitted",
    )


def _fulfil_mdf(order: RedemptionOrder, *, actor) -> None:
    """Credit the reward's amount of its budget to the ordering partner's
    allocation (funds; once per order): the order is delivered. When funds
    refuse (budget closed, ended, spent), the order fails and its points are
    refunded exactly, in the same transaction."""
    reward = order.reward
    budget = reward.mdf_budget
    try:
        funds_services.allocation_credit_from_points(
            partner=order.partner,
            budget=budget,
            amount=reward.mdf_amount,
            currency=reward.mdf_currency,
            redemption_ref=str(order.public_id),
            actor=actor,
        )
    except (ValidationFailed, Conflict) as refused:
        reason = _refusal_text(refused)
        target = OrderStatus.FAILED
        note = str(_("Not credited: %(reason)s")) % {"reason": reason}
    else:
        target = OrderStatus.DELIVERED
        note = str(_("Credited to %(fund)s %(period)s: %(amount)s %(currency)s.")) % {
            "fund": budget.fund.name,
            "period": budget.period.name,
            "amount": reward.mdf_amount,
            "currency": reward.mdf_currency,
        }
    source = order.status
    RedemptionOrder.objects.filter(pk=order.pk).update(
        status=target, fulfilment_provider="", updated_at=timezone.now()
    )
    order.status = target
    if target == OrderStatus.FAILED:
        _refund_failed(order, actor=actor)
    FulfilmentUpdate.objects.create(
        order=order, status=target, note=note[:300], actor=actor
    )
    audit.record(
        actor=actor,
        instance=order,
        action="update",
        changes={"status": [source, target]},
        verb=f"redemption.{target}",
    )
    events.emit(
        f"redemption.{target}",
        payload={**order_payload(order), "note": note},
        actor=actor,
        partner_id=order.partner_id,
    )


def _refusal_text(error: Exception) -> str:
    field_errors = getattr(error, "field_errors", None) or {}
    messages = [str(m) for values in field_errors.values() for m in values]
    return " ".join(messages) or str(getattr(error, "message", "") or error)


@transaction.atomic
def redemption_order_cancel(*, actor, order: RedemptionOrder) -> RedemptionOrder:
    """Cancel a placed order: its points go back, and its reward to stock."""
    if not actor.is_vendor_staff:
        permissions.REDEEM.ensure(actor, partner_id=order.partner_id)
    else:
        permissions.MANAGE.ensure(actor)
    before = audit.snapshot(order, ["status"])
    claimed = RedemptionOrder.objects.filter(
        pk=order.pk, status=OrderStatus.PLACED
    ).update(status=OrderStatus.CANCELLED)
    if not claimed:
        raise InvalidTransition(order.status, OrderStatus.CANCELLED)
    refund = services.points_refund(
        actor=actor,
        entry=order.redeem_entry,
        reason=str(_("Order cancelled: %(reward)s")) % {"reward": order.reward.name},
    )
    RedemptionOrder.objects.filter(pk=order.pk).update(refund_entry=refund)
    Reward.objects.filter(pk=order.reward_id, stock__isnull=False).update(
        stock=F("stock") + 1
    )
    order.status, order.refund_entry = OrderStatus.CANCELLED, refund
    audit.record_change(
        actor=actor, instance=order, before=before, verb="redemption.cancelled"
    )
    events.emit(
        "redemption.cancelled",
        payload=order_payload(order),
        actor=actor,
        partner_id=order.partner_id,
    )
    return order


# --- fulfilment


@transaction.atomic
def redemption_order_report(
    *,
    actor,
    order: RedemptionOrder,
    status: str,
    tracking: str = "",
    note: str = "",
    message_id: str = "",
) -> tuple[RedemptionOrder, bool]:
    """Record what became of an order: shipped, delivered or failed (which
    refunds its points, exactly, and returns the reward to stock). ``actor`` is
    a vendor user, or None for the order's provider, whose caller has
    authenticated it (a verified signature). Idempotent: the same message again,
    or the status the order already has, changes nothing. Returns the order and
    whether it changed."""
    if actor is not None:
        permissions.MANAGE.ensure(actor)
    if status not in FULFILMENT_STEPS:
        raise ValidationFailed(
            field_errors={
                "status": [
                    str(_("Report one of: %(statuses)s."))
                    % {"statuses": ", ".join(FULFILMENT_STEPS)}
                ]
            }
        )
    tracking, note = (tracking or "").strip(), (note or "").strip()
    errors = {}
    if len(tracking) > 200:
        errors["tracking"] = [str(_("At most 200 characters."))]
    if len(note) > 300:
        errors["note"] = [str(_("At most 300 characters."))]
    if errors:
        raise ValidationFailed(field_errors=errors)
    message_id = (message_id or "")[:100]
    if message_id and order.fulfilment_updates.filter(message_id=message_id).exists():
        return order, False
    current = (
        RedemptionOrder.objects.filter(pk=order.pk)
        .values_list("status", flat=True)
        .first()
    )
    if current == status:
        return order, False
    if current not in FULFILMENT_STEPS[status]:
        raise InvalidTransition(current, status)
    before = audit.snapshot(order, ["status", "tracking"])
    # Conditional: of two reports racing, one moves the order.
    claimed = RedemptionOrder.objects.filter(pk=order.pk, status=current).update(
        status=status, tracking=tracking or F("tracking"), updated_at=timezone.now()
    )
    if not claimed:
        raise Conflict(_("The order changed meanwhile; report again."))
    order.refresh_from_db(fields=["status", "tracking", "updated_at"])
    before["status"] = current
    if status == OrderStatus.FAILED:
        _refund_failed(order, actor=actor)
    try:
        with transaction.atomic():
            FulfilmentUpdate.objects.create(
                order=order,
                status=status,
                provider="" if actor else order.fulfilment_provider,
                note=note,
                tracking=tracking,
                message_id=message_id,
                actor=actor,
            )
    except IntegrityError:  # the same message, reported concurrently
        raise Conflict(_("This report was received already.")) from None
    audit.record_change(
        actor=actor, instance=order, before=before, verb=f"redemption.{status}"
    )
    events.emit(
        f"redemption.{status}",
        payload={**order_payload(order), "note": note},
        actor=actor,
        partner_id=order.partner_id,
    )
    return order, True


def _refund_failed(order: RedemptionOrder, *, actor) -> None:
    refund = services.points_refund(
        actor=actor,
        entry=order.redeem_entry,
        reason=str(_("Not fulfilled: %(reward)s")) % {"reward": order.reward.name},
    )
    RedemptionOrder.objects.filter(pk=order.pk).update(refund_entry=refund)
    order.refund_entry = refund
    Reward.objects.filter(pk=order.reward_id, stock__isnull=False).update(
        stock=F("stock") + 1
    )


@transaction.atomic
def fulfilment_configure(
    *, actor, provider: str, options: dict, is_default: bool
) -> FulfilmentSetting:
    """Set up a provider's options, and make it the default (or not)."""
    permissions.MANAGE.ensure(actor)
    adapter = fulfilment.get(provider)
    if adapter is None:
        raise ValidationFailed(
            field_errors={"provider": [str(_("Not a fulfilment provider."))]}
        )
    cleaned, errors = adapter.clean_options(options or {})
    if errors:
        raise ValidationFailed(field_errors=errors)
    if is_default:
        FulfilmentSetting.objects.filter(is_default=True).exclude(
            provider=provider
        ).update(is_default=False)
    setting = FulfilmentSetting.objects.filter(provider=provider).first()
    before = audit.snapshot(setting, ["options", "is_default"]) if setting else None
    if setting is None:
        setting = FulfilmentSetting.objects.create(
            provider=provider, options=cleaned, is_default=is_default
        )
        audit.record_create(
            actor=actor,
            instance=setting,
            fields=["provider", "options", "is_default"],
            verb="fulfilment.configured",
        )
    else:
        setting.options, setting.is_default = cleaned, is_default
        setting.save(update_fields=["options", "is_default", "updated_at"])
        audit.record_change(
            actor=actor, instance=setting, before=before, verb="fulfilment.configured"
        )
    events.emit(
        "fulfilment.configured",
        payload={"provider": provider, "options": cleaned, "is_default": is_default},
        actor=actor,
    )
    return setting


@transaction.atomic
def fulfilment_export(*, actor, now=None) -> list[RedemptionOrder]:
    """The orders the CSV provider has not exported yet, marked exported (each
    goes in one batch): the rows of the file for the fulfilment house."""
    permissions.MANAGE.ensure(actor)
    now = now or timezone.now()
    orders = list(
        RedemptionOrder.objects.select_for_update(of=("self",))
        .filter(
            fulfilment_provider=fulfilment.CsvBatchProvider.name,
            status=OrderStatus.SUBMITTED,
            exported_at__isnull=True,
        )
        .select_related("partner", "reward", "ordered_by")
        .order_by("created_at", "id")
    )
    # Conditional, so that two exports at once never put an order in both.
    RedemptionOrder.objects.filter(
        pk__in=[order.pk for order in orders], exported_at__isnull=True
    ).update(exported_at=now)
    note = str(_("Exported in the batch of %(when)s.")) % {
        "when": timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
    }
    FulfilmentUpdate.objects.bulk_create(
        FulfilmentUpdate(
            order=order,
            status=OrderStatus.SUBMITTED,
            provider=order.fulfilment_provider,
            note=note,
            actor=actor,
            occurred_at=now,
        )
        for order in orders
    )
    for order in orders:
        order.exported_at = now
        audit.record(
            actor=actor,
            instance=order,
            action="update",
            changes={"exported_at": [None, audit.json_value(now)]},
            verb="redemption.exported",
        )
        events.emit(
            "redemption.exported",
            payload=order_payload(order),
            actor=actor,
            partner_id=order.partner_id,
        )
    return orders


def fulfilment_import(*, actor, file_name: str, upload) -> dict:
    """Import a fulfilment house's status file (CSV/XLSX; columns ``order``,
    ``status``, ``tracking``, ``note``): each row is reported on its own, in its
    own transaction; returns counts and the per-row report."""
    permissions.MANAGE.ensure(actor)
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    suffix = tabular.check_name(file_name, size)
    reader = tabular.RowReader(
        upload, suffix=suffix, size=size, required=fulfilment.STATUS_COLUMNS
    )
    report = {"updated": 0, "unchanged": 0, "failed": 0, "issues": []}
    for number, row in reader:
        order = selectors.order_by_public_id(row.get("order", ""), user=actor)
        if order is None:
            report["failed"] += 1
            report["issues"].append(
                {
                    "row": number,
                    "column": "order",
                    "message": str(_("No such redemption order.")),
                }
            )
            continue
        try:
            _order, changed = redemption_order_report(
                actor=actor,
                order=order,
                status=row.get("status", "").strip().lower(),
                tracking=row.get("tracking", ""),
                note=row.get("note", ""),
            )
        except ValidationFailed as error:
            report["failed"] += 1
            for column, messages in error.field_errors.items():
                report["issues"].extend(
                    {"row": number, "column": column, "message": message}
                    for message in messages
                )
            continue
        except (Conflict, InvalidTransition) as error:
            report["failed"] += 1
            report["issues"].append(
                {"row": number, "column": "status", "message": str(error.message)}
            )
            continue
        report["updated" if changed else "unchanged"] += 1
    return report
