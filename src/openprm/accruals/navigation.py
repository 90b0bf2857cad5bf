"""Navigation items of SPIFFs, rebates and payouts (found at start-up)."""

from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import (
    CONSOLE_AREA,
    INCENTIVES,
    PORTAL_AREA,
    NavItem,
    register,
)

for label, name, prefix, order in (
    (_("SPIFFs"), "console:accrual_spiffs", "console:accrual_spiff", 65),
    (_("Rebates"), "console:accrual_rebates", "console:accrual_rebate", 66),
    (_("Incentive payouts"), "console:accrual_payouts", "console:accrual_pay", 67),
    (_("Sales returns"), "console:accrual_returns", "console:accrual_return", 68),
):
    register(
        CONSOLE_AREA,
        NavItem(label, name, active_prefix=prefix, order=order, section=INCENTIVES),
    )
register(
    PORTAL_AREA,
    NavItem(_("My SPIFFs"), "portal:spiffs", active_prefix="portal:spiffs", order=11),
)
register(
    PORTAL_AREA,
    NavItem(
        _("Money and rebates"), "portal:money", active_prefix="portal:money", order=12
    ),
)
