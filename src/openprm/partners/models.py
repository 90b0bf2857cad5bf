import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openprm.core import iso, search
from openprm.core.formatting import choice_labels
from openprm.core.models import TimeStampedModel
from openprm.core.scoping import PartnerOwnedModel, PartnerOwnedQuerySet
from openprm.partners.choices import (
    CustomFieldType,
    EmployeeBand,
    Industry,
    PartnerStatus,
    PartnerType,
    Region,
    RevenueBand,
    specialisation_choices,
)


class PartnerQuerySet(PartnerOwnedQuerySet):
    """A partner is scoped by itself: its own id, path, manager and territory."""

    partner_field = ""


# The condition of the partial unique index on external ids. A lookup by external
# id repeats it so that SQLite uses the index (it does only when the query states
# the index's condition; otherwise it reads the whole table).
HAS_EXTERNAL_ID = ~models.Q(external_id="")


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
    # --- profile
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    # Every type the partner has, the primary ``partner_type`` first.
    partner_types = models.JSONField(_("partner types"), default=list, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    state = models.CharField(_("state or province"), max_length=120, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    industries = models.JSONField(_("industries"), default=list, blank=True)
    specialisations = models.JSONField(_("specialisations"), default=list, blank=True)
    employee_band = models.CharField(
        _("employees"), max_length=16, choices=EmployeeBand.choices, blank=True
    )
    revenue_band = models.CharField(
        _("annual revenue"), max_length=16, choices=RevenueBand.choices, blank=True
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_("ISO 639-1 codes")
    )
    logo = models.ImageField(_("logo"), upload_to="partners/logos/", blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    external_id = models.CharField(
        _("external id"),
        max_length=100,
        blank=True,
        help_text=_("The partner's id in the CRM, for sync and import upserts."),
    )
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
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
            # Status and region, the directory's commonest pair of filters: their
            # (capped) count reads the index alone, and newest-first pages of
            # them walk it in order.
            models.Index(
                fields=["status", "region", "created_at"],
                name="partners_status_region_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=PartnerStatus.values),
                name="partners_partner_status_valid",
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=HAS_EXTERNAL_ID,
                name="partners_partner_external_id_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90),
                name="partners_partner_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="partners_partner_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owning_partner_id(self) -> int:
        return self.pk

    # People's words for the codes the profile stores (see core.iso, core.formatting).

    @property
    def country_name(self) -> str:
        return iso.country_name(self.country)

    @property
    def partner_types_display(self) -> str:
        """The main type first, then the others it also works as."""
        others = [
            code for code in self.partner_types or [] if code != self.partner_type
        ]
        return choice_labels([self.partner_type, *others], PartnerType)

    @property
    def industries_display(self) -> str:
        return choice_labels(self.industries, Industry)

    @property
    def specialisations_display(self) -> str:
        return choice_labels(self.specialisations, specialisation_choices())

    @property
    def languages_display(self) -> str:
        return ", ".join(iso.language_name(code) for code in self.languages or [])


class PartnerDomain(TimeStampedModel, PartnerOwnedModel):
    """An email or web domain that belongs to a partner (``contoso.com``): finds the
    partner of a signing-up user or an imported row, and flags duplicates."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="domains"
    )
    # Lowercase, without scheme or "www."; services normalise it.
    domain = models.CharField(_("domain"), max_length=253, unique=True)

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class Contact(TimeStampedModel, PartnerOwnedModel):
    """A person at a partner the vendor deals with, who need not be a user."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    title = models.CharField(_("job title"), max_length=120, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-is_primary", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"],
                condition=models.Q(is_primary=True),
                name="partners_contact_one_primary",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CustomFieldDefinition(TimeStampedModel):
    """A profile field the vendor adds to every partner; values live in
    ``Partner.custom_fields`` under ``key`` and are checked by custom_fields.py."""

    key = models.SlugField(_("key"), max_length=50, unique=True)
    label = models.CharField(_("label"), max_length=120)
    field_type = models.CharField(
        _("type"), max_length=16, choices=CustomFieldType.choices
    )
    choices = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_("The allowed values of a choice or multiple-choice field."),
    )
    is_required = models.BooleanField(_("required"), default=False)
    help_text = models.CharField(_("help text"), max_length=255, blank=True)
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    visible_to_partners = models.BooleanField(_("visible to partners"), default=False)
    editable_by_partners = models.BooleanField(_("editable by partners"), default=False)

    class Meta:
        ordering = ["ordering", "key"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(field_type__in=CustomFieldType.values),
                name="partners_customfield_type_valid",
            ),
            # A field partners edit is a field they see.
            models.CheckConstraint(
                condition=models.Q(editable_by_partners=False)
                | models.Q(visible_to_partners=True),
                name="partners_customfield_editable_visible",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class SavedView(TimeStampedModel):
    """A named search of the partner directory (its filters and sort), private to
    its owner or shared with all vendor staff. ``query`` holds the normalised query
    string as ``{key: [values]}``; it is checked again whenever it is applied."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_saved_views",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=100)
    is_shared = models.BooleanField(
        _("shared with vendor staff"),
        default=False,
        help_text=_("Every member of vendor staff sees and applies it."),
    )
    query = models.JSONField(_("filters"), default=dict, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"], name="partners_savedview_owner_name"
            ),
        ]
        indexes = [
            models.Index(fields=["is_shared", "name"], name="partners_view_shared_idx"),
        ]

    def __str__(self) -> str:
        return self.name


# The directory's searchable text (core.search; created by migration partners.0007):
# a partner's names and city, its domains and its contacts' names and emails.
PARTNER_SEARCH = search.declare("partners_partner", ("name", "legal_name", "city"))
DOMAIN_SEARCH = search.declare("partners_partnerdomain", ("domain",), key="partner_id")
CONTACT_SEARCH = search.declare("partners_contact", ("name", "email"), key="partner_id")
