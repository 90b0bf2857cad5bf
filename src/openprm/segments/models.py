import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core.models import TimeStampedModel
from openprm.core.scoping import PartnerOwnedModel, PartnerOwnedQuerySet


class SegmentKind(models.TextChoices):
    DYNAMIC = "dynamic", _("Dynamic (rule)")
    STATIC = "static", _("Static list")


class Segment(TimeStampedModel):
    """A named set of partners: chosen by a rule evaluated at query time (dynamic)
    or hand-picked (a static list); what content, campaigns and funds target."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=SegmentKind.choices)
    # The rule tree of a dynamic segment (see rules.py); {} for a static list.
    rule = models.JSONField(_("rule"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("segment")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=SegmentKind.values),
                name="segments_segment_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_static(self) -> bool:
        return self.kind == SegmentKind.STATIC


class StaticListMember(PartnerOwnedModel):
    """A partner hand-picked into a static list."""

    segment = models.ForeignKey(
        Segment, on_delete=models.CASCADE, related_name="static_members"
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["segment_id", "partner_id"]
        verbose_name = _("static list member")
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "partner"], name="segments_member_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} in {self.segment}"


class Audience(TimeStampedModel):
    """Who a piece of content (and later a course, an incentive or a fund) is for:
    the partners a rule selects — evaluated in SQL on every read, so a change of
    the rule or of a partner shows on the next request — and, inside them, the
    users holding one of ``partner_roles`` (every role when it is empty)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    # A rule tree of rules.py (the same conditions as a dynamic segment's, plus a
    # segment's membership); {"all": []} selects every partner.
    rule = models.JSONField(_("rule"), default=dict)
    # Roles inside the partner (tenancy's PartnerRole values); [] is every role.
    partner_roles = models.JSONField(_("roles"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("audience")

    def __str__(self) -> str:
        return self.name
