from django.db import models
from django.utils.translation import gettext_lazy as _


class PayIn(models.TextChoices):
    POINTS = "points", _("Points")
    MONEY = "money", _("Money")


class SpiffBasis(models.TextChoices):
    PER_UNIT = "per_unit", _("Per unit sold")
    PERCENT = "percent", _("Per cent of the line's amount")


class MoneyKind(models.TextChoices):
    SPIFF = "spiff", _("SPIFF")
    REBATE = "rebate", _("Rebate accrued")
    TRUE_UP = "true_up", _("Rebate true-up")
    REVERSE = "reverse", _("Reversed")
    PAYOUT = "payout", _("Paid out")


class PayoutStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved, to be paid")
    REJECTED = "rejected", _("Rejected")
    EXPORTED = "exported", _("Sent to finance")


class RebateBasis(models.TextChoices):
    VOLUME = "volume", _("Sales volume tiers")
    GROWTH = "growth", _("Growth over the prior period")


class RebatePeriod(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class StatementStatus(models.TextChoices):
    ACCRUED = "accrued", _("Accrued (period open)")
    FINAL = "final", _("Final (trued up)")
