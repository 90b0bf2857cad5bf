from django.db import models
from django.utils.translation import gettext_lazy as _


class Operator(models.TextChoices):
    AT_LEAST = ">=", _("at least")
    AT_MOST = "<=", _("at most")
    EQUAL = "==", _("exactly")


class BenefitKind(models.TextChoices):
    DISCOUNT_PERCENT = "discount_percent", _("Discount (%)")
    DEAL_PROTECTION_DAYS = "deal_protection_days", _("Deal protection (days)")
    FUND_ELIGIBLE = "fund_eligible", _("Eligible for funds")
    POINTS_MULTIPLIER = "points_multiplier", _("Points multiplier")
    CONTENT_ACCESS = "content_access", _("Content access")


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")
