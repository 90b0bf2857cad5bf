from django.db import models
from django.utils.translation import gettext_lazy as _


class FundKind(models.TextChoices):
    MDF = "mdf", _("Market development funds")
    COOP = "coop", _("Co-op")


class AllocationMethod(models.TextChoices):
    FIXED = "fixed", _("Fixed amount per partner")
    TIER = "tier", _("Amount by tier")
    ACCRUAL = "accrual", _("Co-op accrual: a percentage of reported sales")


class EntryKind(models.TextChoices):
    """What a ledger entry records; how it moves each figure is in ``ledger.py``."""

    ALLOCATION = "allocation", _("Allocation")
    COMMITMENT = "commitment", _("Commitment")
    RELEASE = "release", _("Release")
    CLAIM = "claim", _("Claim")
    PAYOUT = "payout", _("Payout")
    EXPIRY = "expiry", _("Expiry")
    ADJUSTMENT = "adjustment", _("Adjustment")
    # Funds a partner bought with points (an incentives "convert to MDF" reward).
    POINTS = "points", _("Converted from points")


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed")


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAYOUT_APPROVED = "payout_approved", _("Payout approved")
    PAID = "paid", _("Paid")


class PayoutMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CREDIT_NOTE = "credit_note", _("Credit note")
    POINTS = "points", _("Points")


class ClaimFileKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    PROOF = "proof", _("Proof of performance")


class AttributionKind(models.TextChoices):
    LEAD = "lead", _("Lead")
    DEAL = "deal", _("Deal")


class AttributionSource(models.TextChoices):
    CAMPAIGN_CODE = "campaign_code", _("Campaign code")
    PARTNER = "partner", _("Chosen by the partner")


class AttributionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
