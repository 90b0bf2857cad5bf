from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    EARN = "earn", _("Earned")
    BONUS = "bonus", _("Bonus")
    ADJUST = "adjust", _("Adjustment")
    REDEEM = "redeem", _("Redeemed")
    REVERSE = "reverse", _("Reversed")
    EXPIRE = "expire", _("Expired")


# Entries that add points and so open a lot of their own (an adjustment adds
# when it is positive).
CREDIT_KINDS = (EntryKind.EARN, EntryKind.BONUS, EntryKind.ADJUST)


class HolderKind(models.TextChoices):
    """Who holds points: each partner user, or the partner company as a whole."""

    COMPANY = "company", _("The partner company")
    USER = "user", _("Each partner user")


class RuleBasis(models.TextChoices):
    PER_UNIT = "per_unit", _("Points per unit sold")
    PER_AMOUNT = "per_amount", _("Points per unit of reporting currency")
    PER_EVENT = "per_event", _("Points per event")


class CapPeriod(models.TextChoices):
    NONE = "", _("No cap")
    MONTH = "month", _("Per month")
    QUARTER = "quarter", _("Per quarter")
    YEAR = "year", _("Per year")


class UploadStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    PROCESSING = "processing", _("Processing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class IssueLevel(models.TextChoices):
    ERROR = "error", _("Not imported")
    WARNING = "warning", _("Imported, with a warning")


class RewardKind(models.TextChoices):
    GOODS = "goods", _("Gift, merchandise or experience")
    MDF = "mdf", _("Convert to MDF")


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    PENDING_APPROVAL = "pending", _("Awaiting approval")
    REJECTED = "rejected", _("Rejected (points refunded)")
    SUBMITTED = "submitted", _("Sent for fulfilment")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Not fulfilled (points refunded)")
    CANCELLED = "cancelled", _("Cancelled (points refunded)")


# What a fulfilment provider (or a vendor user) may report about an order, and
# from which statuses: a failure refunds the points; delivered is final.
FULFILMENT_STEPS = {
    OrderStatus.SHIPPED: (OrderStatus.PLACED, OrderStatus.SUBMITTED),
    OrderStatus.DELIVERED: (
        OrderStatus.PLACED,
        OrderStatus.SUBMITTED,
        OrderStatus.SHIPPED,
    ),
    OrderStatus.FAILED: (
        OrderStatus.PLACED,
        OrderStatus.SUBMITTED,
        OrderStatus.SHIPPED,
    ),
}
