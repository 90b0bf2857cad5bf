"""Demo data of SPIFFs and rebates: a SPIFF running this quarter (50 EUR per
security appliance, budget 5,000 EUR) that Contoso's new sales earn, a quarterly
volume rebate calculated for last quarter (final, trued up) and this one
(accrued), and a payout of Contoso's money waiting for finance.

Runs after the incentives demo (it needs the catalogue and the sellers); made
through the services; safe to run twice: nothing is added once a SPIFF exists.
"""

import contextlib
import datetime
from decimal import Decimal

from django.utils import timezone

from openprm.accounts.choices import VendorRole
from openprm.accounts.models import User
from openprm.accruals import payouts, rebates, spiffs
from openprm.accruals.choices import PayIn, RebateBasis, RebatePeriod
from openprm.accruals.models import Spiff
from openprm.core.errors import Conflict
from openprm.demo.ecosystem import PARTNER_LOGIN
from openprm.incentives import sales
from openprm.incentives.earning import period_bounds
from openprm.incentives.models import Product
from openprm.tenancy.models import Membership


def build_demo_accruals(*, actor) -> int:
    """Returns how many SPIFF earnings the demo sales made (0 when run before)."""
    if Spiff.objects.exists() or not Product.objects.filter(sku="FW-100").exists():
        return 0
    today = timezone.localdate()
    start, end = period_bounds(RebatePeriod.QUARTER, today)
    spiff = spiffs.spiff_create(
        actor=actor,
        name="This quarter: 50 EUR per security appliance",
        description="Every firewall you sell this quarter pays 50 EUR.",
        product=None,
        product_line="security",
        audience=None,
        starts_on=start,
        ends_on=end - datetime.timedelta(days=1),
        pay_in=PayIn.MONEY,
        rate=Decimal(50),
        budget=Decimal(5000),
        is_active=True,
    )
    membership = (
        Membership.objects.filter(user__email=PARTNER_LOGIN.email)
        .select_related("partner", "user")
        .order_by("id")
        .first()
    )
    if membership is not None:
        sales.sales_report(
            actor=membership.user,
            partner=membership.partner,
            lines=[
                {
                    "invoice_number": f"SPIFF-{number}",
                    "invoice_date": max(
                        start, today - datetime.timedelta(days=1)
                    ).isoformat(),
                    "end_customer": "Globex Corporation",
                    "sku": sku,
                    "quantity": str(quantity),
                    "amount": str(price * quantity),
                    "currency": "EUR",
                }
                for number, (sku, quantity, price) in enumerate(
                    [("FW-100", 4, Decimal(1100)), ("FW-500", 2, Decimal(4400))], 1
                )
            ],
        )
    programme = rebates.rebate_programme_create(
        actor=actor,
        name="Quarterly volume rebate",
        basis=RebateBasis.VOLUME,
        period=RebatePeriod.QUARTER,
        product_line="",
        audience=None,
        starts_on=today.replace(year=today.year - 1, month=1, day=1),
        ends_on=None,
        is_active=True,
        tiers=[(Decimal(0), Decimal(1)), (Decimal(20000), Decimal(2))],
    )
    finance = User.objects.filter(vendor_role=VendorRole.FINANCE).first() or actor
    last_quarter = start - datetime.timedelta(days=1)
    rebates.rebate_calculate(actor=finance, programme=programme, on=last_quarter)
    rebates.rebate_calculate(
        actor=finance, programme=programme, on=last_quarter, final=True
    )
    rebates.rebate_calculate(actor=finance, programme=programme, on=today)
    if membership is not None:
        with contextlib.suppress(Conflict):  # nothing owed
            payouts.payout_request(actor=finance, partner=membership.partner)
    return spiff.earnings.count()
