"""What an earning rule would have paid last quarter: computed from the sales
lines (product rules) or the events in the outbox (behaviour rules) of that
quarter, with the rule's rate, each partner's tier multiplier, its audience, its
dates and its cap, and nothing written. A read, so that channel marketing can try
a rule before it pays anyone.

Caps are counted per partner and per period of the invoice date (or the event's
date), as if each line had earned when it was sold; the ledger itself counts them
when points are written. ``lead.accepted`` counts every acceptance (the ledger
pays only those within their deadline). Queries: a fixed number, plus one per
partner when the rule has an audience (whose membership is read per partner).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from openprm.core.models import OutboxEvent
from openprm.incentives import earning, permissions, services
from openprm.incentives.choices import RuleBasis
from openprm.incentives.models import EarningRule, SalesLine
from openprm.partners.models import Partner

CHUNK = 2000
ONE = Decimal(1)


@dataclass
class PartnerPreview:
    partner_id: int
    name: str = ""
    points: int = 0
    sources: int = 0


@dataclass
class Preview:
    rule: EarningRule
    start: datetime.date
    end: datetime.date  # exclusive
    points: int = 0
    sources: int = 0  # sales lines or events that would have earned
    partners: list[PartnerPreview] = field(default_factory=list)

    @property
    def last_day(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)


def last_quarter(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The calendar quarter before the one holding ``today`` (start, next start)."""
    this_start, _next = earning.period_bounds("quarter", today)
    return earning.period_bounds("quarter", this_start - datetime.timedelta(days=1))


class _Payer:
    """The rule's decisions for one partner at a time, looked up once each."""

    def __init__(self, rule: EarningRule):
        self.rule = rule
        self.multipliers = services.tier_multipliers()
        self.reached: dict[int, bool] = {}
        self.used: dict[tuple[int, datetime.date], int] = defaultdict(int)

    def pays(self, partner_id: int, on: datetime.date, **amounts) -> int:
        rule = self.rule
        if not earning.rule_applies(rule, on):
            return 0
        if partner_id not in self.reached:
            self.reached[partner_id] = rule.audience_id is None or (
                rule.audience_id in services.audiences_of(partner_id)
            )
        if not self.reached[partner_id]:
            return 0
        points = earning.raw_points(
            basis=rule.basis,
            rate=rule.points,
            multiplier=self.multipliers.get(partner_id, ONE),
            **amounts,
        )
        if rule.cap_points is not None:
            key = (partner_id, earning.period_bounds(rule.cap_period, on)[0])
            points = earning.capped(points, cap=rule.cap_points, used=self.used[key])
            self.used[key] += points
        return points


def _sales(user, rule: EarningRule, start, end):
    lines = SalesLine.objects.visible_to(user).filter(
        invoiced_on__gte=start, invoiced_on__lt=end
    )
    if rule.product_id:
        lines = lines.filter(product_id=rule.product_id)
    else:
        lines = lines.filter(product__product_line=rule.product_line)
    for partner_id, on, quantity, amount in (
        lines.order_by("invoiced_on", "id")
        .values_list("partner_id", "invoiced_on", "quantity", "reporting_amount")
        .iterator(chunk_size=CHUNK)
    ):
        yield partner_id, on, {"quantity": quantity, "amount": amount}


def _events(user, rule: EarningRule, start, end):
    zone = timezone.get_current_timezone()
    events = OutboxEvent.objects.filter(
        ~Q(partner_id=None),
        partner_id__in=Partner.objects.visible_to(user).values("pk"),
        name=rule.event_name,
        occurred_at__gte=datetime.datetime.combine(start, datetime.time(), zone),
        occurred_at__lt=datetime.datetime.combine(end, datetime.time(), zone),
    )
    for partner_id, occurred_at in (
        events.order_by("occurred_at", "id")
        .values_list("partner_id", "occurred_at")
        .iterator(chunk_size=CHUNK)
    ):
        yield partner_id, timezone.localtime(occurred_at).date(), {}


def rule_preview(
    *, user, rule: EarningRule, today: datetime.date | None = None, top: int = 20
) -> Preview:
    """What ``rule`` would have paid in the last full quarter to the partners
    ``user`` sees, in total and to the ``top`` partners it would have paid most."""
    permissions.READ.ensure(user)
    start, end = last_quarter(today or timezone.localdate())
    preview = Preview(rule=rule, start=start, end=end)
    payer = _Payer(rule)
    by_partner: dict[int, PartnerPreview] = {}
    sources = _events if rule.basis == RuleBasis.PER_EVENT else _sales
    for partner_id, on, amounts in sources(user, rule, start, end):
        points = payer.pays(partner_id, on, **amounts)
        if points <= 0:
            continue
        row = by_partner.setdefault(partner_id, PartnerPreview(partner_id))
        row.points += points
        row.sources += 1
        preview.points += points
        preview.sources += 1
    ranked = sorted(by_partner.values(), key=lambda r: (-r.points, r.partner_id))
    preview.partners = ranked[:top]
    names = dict(
        Partner.objects.filter(
            pk__in=[row.partner_id for row in preview.partners]
        ).values_list("pk", "name")
    )
    for row in preview.partners:
        row.name = names.get(row.partner_id, "")
    return preview
