import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from openprm.core.models import TimeStampedModel
from openprm.partners.choices import PartnerStatus, PartnerType, Region


class Partner(TimeStampedModel):
    """A partner organisation, actual or potential: a distributor, reseller, etc."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    partner_type = models.CharField(
        _("partner type"), max_length=32, choices=PartnerType.choices
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PartnerStatus.choices,
        default=PartnerStatus.PROSPECT,
    )
    country = models.CharField(
        _("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2")
    )
    region = models.CharField(_("region"), max_length=8, choices=Region.choices)
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent partner"),
        help_text=_("The distributor (or partner) this one sits beneath."),
    )
    # Materialised path of ids from the root, e.g. "/12/57/": a distributor's
    # downstream is every partner whose path starts with its own, in one query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["status", "name"], name="partners_status_name_idx"),
            models.Index(fields=["country"], name="partners_country_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=PartnerStatus.values),
                name="partners_partner_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name
