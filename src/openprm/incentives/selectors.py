"""Scoped reads of incentives.

Vendor staff (``incentives.READ``) read the catalogue, the rules, every ledger in
their partner scope and the sales uploads; a partner user reads their own
organisation's ledgers, sales lines and uploads (``PartnerOwnedQuerySet``
scoping); the catalogue's list is the vendor's. Anything out of scope is not
found.
"""

import datetime
from dataclasses import dataclass
from uuid import UUID

from django.db.models import Min, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openprm.core.api import as_uuid
from openprm.core.errors import NotFound
from openprm.core.formatting import format_number
from openprm.core.worklist import Figure
from openprm.incentives import fulfilment, ledger, permissions
from openprm.incentives.choices import HolderKind, OrderStatus
from openprm.incentives.models import (
    EarningRule,
    PointsAccount,
    PointsEntry,
    PointsLot,
    Product,
    RedemptionOrder,
    Reward,
    SalesIssue,
    SalesLine,
    SalesUpload,
)
from openprm.incentives.services import audiences_of
from openprm.partners.models import Partner

# Lots expiring within this many days are shown as "expiring soon".
EXPIRING_SOON_DAYS = 60


def _uuid(value) -> UUID:
    return as_uuid(value)  # a malformed id is not found


def product_list(*, user, search: str = "") -> QuerySet[Product]:
    permissions.READ.ensure(user)
    products = Product.objects.prefetch_related("prices")
    if search:
        products = products.filter(sku__icontains=search) | products.filter(
            name__icontains=search
        )
    return products.order_by("sku")


def product_get(*, user, sku: str) -> Product:
    """A product by its SKU (the catalogue's key, in the API's paths)."""
    permissions.READ.ensure(user)
    product = Product.objects.prefetch_related("prices").filter(sku=sku).first()
    if product is None:
        raise NotFound
    return product


def rule_list(*, user) -> QuerySet[EarningRule]:
    permissions.READ.ensure(user)
    return EarningRule.objects.select_related("product", "audience")


def rule_get(*, user, public_id) -> EarningRule:
    rule = rule_list(user=user).filter(public_id=_uuid(public_id)).first()
    if rule is None:
        raise NotFound
    return rule


def accounts_visible_to(*, user) -> QuerySet[PointsAccount]:
    """Ledgers in the reader's scope, each with its balance (the sum of its
    entries)."""
    return (
        PointsAccount.objects.visible_to(user)
        .select_related("partner", "user")
        .annotate(balance=Sum("entries__points", default=0))
        .order_by("partner__name", "id")
    )


def account_get(*, user, public_id) -> PointsAccount:
    account = (
        PointsAccount.objects.visible_to(user)
        .select_related("partner", "user")
        .filter(public_id=_uuid(public_id))
        .first()
    )
    if account is None:
        raise NotFound
    return account


def entries_of(account: PointsAccount | None) -> QuerySet[PointsEntry]:
    """A holder's ledger, newest first (read off its index); none without an
    account."""
    if account is None:
        return PointsEntry.objects.none()
    return (
        PointsEntry.objects.filter(account=account)
        .select_related("rule")
        .order_by("-occurred_at", "-id")
    )


def portal_account(*, partner_id: int, user) -> PointsAccount | None:
    """The ledger the portal shows: the company's, or the user's own when points
    belong to users; None before anything was earned."""
    user_id = user.pk if ledger.holder_kind() == HolderKind.USER else None
    return PointsAccount.objects.filter(partner_id=partner_id, user_id=user_id).first()


@dataclass(frozen=True)
class Summary:
    balance: int
    expiring: int
    expiring_by: datetime.datetime
    next_expiry: datetime.datetime | None
    # Points of the holder's orders not yet delivered (awaiting approval, placed,
    # sent for fulfilment or shipped): redeeming took them from the balance at
    # order time; a rejection, cancellation or failed fulfilment gives them back.
    pending: int = 0


# Orders whose points are taken but whose reward is not delivered yet.
PENDING_ORDER_STATUSES = (
    OrderStatus.PENDING_APPROVAL,
    OrderStatus.PLACED,
    OrderStatus.SUBMITTED,
    OrderStatus.SHIPPED,
)


def pending_of(account: PointsAccount) -> int:
    """The points held by the holder's orders not yet delivered (one query)."""
    total = RedemptionOrder.objects.filter(
        account=account, status__in=PENDING_ORDER_STATUSES
    ).aggregate(points=Sum("points"))["points"]
    return int(total or 0)


def summary_of(
    account: PointsAccount | None, now=None, *, pending: bool = True
) -> Summary:
    """Balance, what expires within ``EXPIRING_SOON_DAYS`` and (unless
    ``pending`` is False) what orders not yet delivered hold (three queries)."""
    now = now or timezone.now()
    by = now + datetime.timedelta(days=EXPIRING_SOON_DAYS)
    if account is None:
        return Summary(0, 0, by, None)
    soon = PointsLot.objects.filter(
        account=account, remaining__gt=0, expires_at__lte=by
    ).aggregate(points=Sum("remaining"), first=Min("expires_at"))
    return Summary(
        ledger.balance_of(account),
        int(soon["points"] or 0),
        by,
        soon["first"],
        pending_of(account) if pending else 0,
    )


def uploads_visible_to(*, user) -> QuerySet[SalesUpload]:
    return (
        SalesUpload.objects.visible_to(user)
        .select_related("partner", "created_by")
        .order_by("-created_at", "-id")
    )


def upload_get(*, user, public_id) -> SalesUpload:
    upload = uploads_visible_to(user=user).filter(public_id=_uuid(public_id)).first()
    if upload is None:
        raise NotFound
    return upload


def issues_of(upload: SalesUpload) -> QuerySet[SalesIssue]:
    return SalesIssue.objects.filter(upload=upload).order_by("row_number", "id")


def sales_lines_visible_to(*, user) -> QuerySet[SalesLine]:
    return (
        SalesLine.objects.visible_to(user)
        .select_related("product", "reseller", "deal")
        .order_by("-invoiced_on", "-id")
    )


def deal_sales(*, deal) -> QuerySet[SalesLine]:
    """The sales lines matched to a deal (the caller has read the deal through
    its own scoped selector)."""
    return (
        SalesLine.objects.filter(deal=deal)
        .select_related("product")
        .order_by("invoiced_on", "id")
    )


def own_partner(*, user, partner_id: int) -> Partner:
    """One of the user's organisations (404 outside their scope)."""
    partner = Partner.objects.visible_to(user).filter(pk=partner_id).first()
    if partner is None:
        raise NotFound
    return partner


def ledger_mismatches() -> list[tuple[int, int, int]]:
    """Holders whose entries' sum differs from what their lots hold: none, as
    long as every write goes through the ledger."""
    entries = dict(
        PointsEntry.objects.values("account_id")
        .annotate(total=Sum("points"))
        .values_list("account_id", "total")
    )
    lots = dict(
        PointsLot.objects.values("account_id")
        .annotate(total=Sum("remaining"))
        .values_list("account_id", "total")
    )
    return [
        (pk, int(entries.get(pk) or 0), int(lots.get(pk) or 0))
        for pk in sorted(set(entries) | set(lots))
        if int(entries.get(pk) or 0) != int(lots.get(pk) or 0)
    ]


def rewards_for_partner(*, partner_id: int) -> list[Reward]:
    """The active rewards offered to a partner (those for its audiences or for
    every partner)."""
    rewards = list(
        Reward.objects.filter(is_active=True).order_by("points_price", "name", "id")
    )
    if any(reward.audience_id for reward in rewards):
        held = audiences_of(partner_id)
        rewards = [r for r in rewards if r.audience_id is None or r.audience_id in held]
    return rewards


def reward_list(*, user) -> QuerySet[Reward]:
    permissions.READ.ensure(user)
    return Reward.objects.select_related(
        "audience", "mdf_budget__fund", "mdf_budget__period"
    ).order_by("points_price", "id")


def reward_read(*, user, public_id) -> Reward:
    """A reward as the user may read it: any, for vendor staff; for a partner
    user, an active one offered to one of their organisations (the list's rule);
    otherwise not found."""
    if user.is_vendor_staff:
        reward = reward_list(user=user).filter(public_id=_uuid(public_id)).first()
    else:
        reward = (
            Reward.objects.select_related(
                "audience", "mdf_budget__fund", "mdf_budget__period"
            )
            .filter(public_id=_uuid(public_id), is_active=True)
            .first()
        )
        if reward is not None and reward.audience_id is not None:
            ids = permissions.EARNINGS.partner_ids(user)
            if not any(reward.audience_id in audiences_of(pk) for pk in sorted(ids)):
                reward = None
    if reward is None:
        raise NotFound
    return reward


def reward_get(*, user, public_id) -> Reward:
    """A reward a vendor reader or a partner user may see (404 otherwise)."""
    reward = Reward.objects.filter(public_id=_uuid(public_id)).first()
    if reward is None or (not user.is_vendor_staff and not reward.is_active):
        raise NotFound
    return reward


def orders_visible_to(*, user) -> QuerySet[RedemptionOrder]:
    return (
        RedemptionOrder.objects.visible_to(user)
        .select_related("reward", "partner", "ordered_by")
        .order_by("-created_at", "-id")
    )


def order_get(*, user, public_id) -> RedemptionOrder:
    order = (
        orders_visible_to(user=user)
        .select_related("redeem_entry__account")
        .filter(public_id=_uuid(public_id))
        .first()
    )
    if order is None:
        raise NotFound
    return order


def order_by_public_id(value, *, user=None) -> RedemptionOrder | None:
    """An order by its id, for what its provider reports: among those ``user``
    sees (a status file imported by vendor staff), or any (a callback whose
    signature was verified: the provider is not a user). None when not found."""
    try:
        public_id = _uuid(str(value).strip())
    except NotFound:
        return None
    orders = RedemptionOrder.objects if user is None else orders_visible_to(user=user)
    return (
        orders.select_related("reward", "partner", "redeem_entry__account")
        .filter(public_id=public_id)
        .first()
    )


def fulfilment_history(order: RedemptionOrder) -> list:
    """The order's fulfilment steps, oldest first, with who reported each."""
    return list(order.fulfilment_updates.select_related("actor"))


def orders_to_export(*, user) -> int:
    """How many orders wait for the CSV provider's next batch export."""
    permissions.READ.ensure(user)
    return RedemptionOrder.objects.filter(
        fulfilment_provider=fulfilment.CsvBatchProvider.name,
        status=OrderStatus.SUBMITTED,
        exported_at__isnull=True,
    ).count()


def portal_home_points(*, user, partner: Partner) -> Figure | None:
    """The points balance the reader's "My earnings" page shows (the company's,
    or their own when points belong to users), for the portal home (one query);
    None before anything was earned or when their role may not read earnings."""
    if not permissions.EARNINGS.allows(user, partner_id=partner.pk):
        return None
    user_id = user.pk if ledger.holder_kind() == HolderKind.USER else None
    total = PointsEntry.objects.filter(
        account__partner_id=partner.pk, account__user_id=user_id
    ).aggregate(total=Sum("points"))["total"]
    if total is None:
        return None
    return Figure(
        label=_("Points balance"),
        values=(_("%(points)s points") % {"points": format_number(int(total))},),
        url=reverse("portal:earnings"),
        key="points",
    )
