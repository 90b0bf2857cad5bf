"""Demo data of incentives: a small product catalogue, earning rules, a year of
sales reported by a few active partners (Contoso, the demo partner login, among
them) with the points they earned, a finance adjustment, four rewards (one converts
points to market development funds) and Contoso's
orders in every state (``demo.redemptions``).

Made through the services as the partners and the vendor would; deterministic
(a fixed seed); safe to run twice: nothing is added once a product exists.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from openprm.accounts.choices import VendorRole
from openprm.accounts.models import User
from openprm.demo.deals import _sellers
from openprm.demo.ecosystem import PARTNER_LOGIN
from openprm.demo.redemptions import build_demo_orders
from openprm.funds import selectors as funds_selectors
from openprm.funds.choices import FundKind
from openprm.incentives import ledger, rewards, sales, services
from openprm.incentives.choices import CapPeriod, RewardKind, RuleBasis
from openprm.incentives.models import Product
from openprm.tenancy.models import Membership

# SKU, name, product line, list price in USD and EUR.
PRODUCTS = [
    ("FW-100", "Firewall 100", "security", "1200.00", "1100.00"),
    ("FW-500", "Firewall 500", "security", "4800.00", "4400.00"),
    ("SW-24", "Switch 24 ports", "networking", "900.00", "830.00"),
    ("SW-48", "Switch 48 ports", "networking", "1600.00", "1480.00"),
    ("CL-SEAT", "Cloud seat (year)", "cloud", "120.00", "110.00"),
    ("DB-NODE", "Data node", "data", "3000.00", "2750.00"),
]
CUSTOMERS = ["Acme Corporation", "Contoso Ltd", "Globex Corporation", "Initech"]


def _rules(actor, products: dict[str, Product]) -> None:
    services.earning_rule_create(
        actor=actor,
        name="Security appliances: 10 points a unit",
        basis=RuleBasis.PER_UNIT,
        product_line="security",
        points=Decimal(10),
    )
    services.earning_rule_create(
        actor=actor,
        name="Cloud: 1 point per 10 of revenue",
        basis=RuleBasis.PER_AMOUNT,
        product_line="cloud",
        points=Decimal("0.1"),
    )
    services.earning_rule_create(
        actor=actor,
        name="Switches: 5 points a unit, at most 500 a quarter",
        basis=RuleBasis.PER_UNIT,
        product=products["SW-48"],
        points=Decimal(5),
        cap_points=500,
        cap_period=CapPeriod.QUARTER,
    )
    services.earning_rule_create(
        actor=actor,
        name="Won deal bonus",
        basis=RuleBasis.PER_EVENT,
        event_name="deal.won",
        points=Decimal(100),
    )
    services.earning_rule_create(
        actor=actor,
        name="Registered deal",
        basis=RuleBasis.PER_EVENT,
        event_name="deal.registered",
        points=Decimal(10),
        cap_points=50,
        cap_period=CapPeriod.MONTH,
    )


def build_demo_incentives(*, actor, seed: int = 15, partners: int = 6) -> int:
    """Returns how many sales lines were reported (0 when the catalogue exists)."""
    if Product.objects.exists():
        return 0
    products = {}
    for sku, name, line, usd, eur in PRODUCTS:
        product, _created = services.product_upsert(
            actor=actor,
            data={
                "sku": sku,
                "name": name,
                "product_line": line,
                "prices": {"USD": usd, "EUR": eur},
            },
        )
        products[sku] = product
    _rules(actor, products)
    chooser = random.Random(seed)
    today = timezone.localdate()
    contoso = list(
        Membership.objects.filter(user__email=PARTNER_LOGIN.email)
        .select_related("partner", "user")
        .order_by("id")[:1]
    )
    others = [
        m
        for m in _sellers(partners)
        if m.partner_id not in {c.partner_id for c in contoso}
    ]
    sellers = contoso + others
    lines_reported = 0
    for index, membership in enumerate(sellers[:partners]):
        lines = []
        for number in range(12 if index == 0 else 6):
            sku, _name, _line, usd, _eur = chooser.choice(PRODUCTS)
            quantity = chooser.randint(1, 8)
            # Prices within a tenth of the list price.
            factor = Decimal(chooser.randint(90, 100)) / 100
            lines.append(
                {
                    "invoice_number": f"{membership.partner_id}-{number + 1:04d}",
                    "invoice_date": (
                        today - datetime.timedelta(days=30 * number + 3)
                    ).isoformat(),
                    "end_customer": chooser.choice(CUSTOMERS),
                    "sku": sku,
                    "quantity": str(quantity),
                    "amount": str(Decimal(usd) * quantity * factor),
                    "currency": "USD",
                }
            )
        report = sales.sales_report(
            actor=membership.user, partner=membership.partner, lines=lines
        )
        lines_reported += report.imported
    if contoso:
        partner = contoso[0].partner
        account = ledger.account_for(partner_id=partner.pk)
        finance = User.objects.filter(vendor_role=VendorRole.FINANCE).first() or actor
        services.points_adjust(
            actor=finance,
            account=account,
            points=25,
            reason="Welcome bonus for joining the loyalty programme",
        )
        backpack = rewards.reward_create(
            actor=actor, name="Branded backpack", points_price=100, stock=40
        )
        conference = rewards.reward_create(
            actor=actor,
            name="Conference pass",
            description="A day at the partner summit.",
            points_price=1500,
            stock=10,
        )
        mdf_budget = (
            funds_selectors.budgets_open_for_requests(on=timezone.localdate())
            .filter(fund__kind=FundKind.MDF, fund__currency="EUR")
            .first()
        )
        if mdf_budget is not None:
            rewards.reward_create(
                actor=actor,
                name="Convert to 50 EUR of MDF",
                description="Credited at once to your market development funds.",
                points_price=500,
                kind=RewardKind.MDF,
                mdf_budget=mdf_budget,
                mdf_amount=Decimal("50.00"),
            )
        card = rewards.reward_create(
            actor=actor,
            name="Gift card, 25 EUR",
            description="Sent by email.",
            points_price=250,
        )
        build_demo_orders(
            actor=actor,
            finance=finance,
            membership=contoso[0],
            account=account,
            backpack=backpack,
            pass_=conference,
            card=card,
        )
    return lines_reported
