import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openprm.core.models import TimeStampedModel
from openprm.core.scoping import PartnerOwnedQuerySet
from openprm.partners.choices import PartnerStatus, PartnerType, Region


class PartnerQuerySet(PartnerOwnedQuerySet):
    """A partner is scoped by itself: its own id, path, manager and territory."""

    partner_field = ""


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
    channel_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_partners",
        verbose_name=_("channel manager"),
    )
    downstream_visibility = models.BooleanField(
        _("sees downstream partners"),
        default=False,
        help_text=_(
            "Its users see the data of the partners beneath it "
            "(granted by its programme)."
        ),
    )
    # Materialised path of ids from the root, e.g. "/12/57/": a distributor's
    # downstream is every partner whose path starts with its own, in one query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            # The directory's default order, so a page is read off an index.
            models.Index(fields=["name", "id"], name="partners_name_id_idx"),
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

    @property
    def owning_partner_id(self) -> int:
        return self.pk
