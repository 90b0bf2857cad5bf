"""Certifications of partner people and accreditations of partner companies."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from openprm.certifications.choices import (
    AccreditationStatus,
    AwardSource,
    EarningKind,
    HolderStatus,
    ReviewStatus,
)
from openprm.core.formatting import choice_label
from openprm.core.models import TimeStampedModel
from openprm.core.scoping import PartnerOwnedQuerySet
from openprm.partners.choices import specialisation_choices
from openprm.tenancy.choices import PartnerRole

# Letters and digits people cannot confuse (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16  # 31^16: about 79 bits, not guessable


def new_verification_code() -> str:
    """A code printed on a certificate: 16 characters in groups of four."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[index : index + 4] for index in range(0, CODE_LENGTH, 4))


class Certification(TimeStampedModel):
    """A certification the vendor offers: what earns it (a learning path, an exam
    or an external certificate), for which product line and role, for how long,
    and the shorter path or exam that renews it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    # A product line code (partners.choices.specialisation_choices); "" for none.
    product_line = models.CharField(_("product line"), max_length=64, blank=True)
    # The partner role it is meant for (what an accreditation counts people as).
    role = models.CharField(
        _("meant for"), max_length=32, choices=PartnerRole.choices, blank=True
    )
    validity_months = models.PositiveSmallIntegerField(_("valid for (months)"))
    kind = models.CharField(_("earned by"), max_length=16, choices=EarningKind.choices)
    # What earns it: a learning path (kind "path") or an exam, a quiz (kind
    # "exam"); neither for an external certificate.
    path = models.ForeignKey(
        "learning.LearningPath",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("learning path"),
    )
    exam = models.ForeignKey(
        "learning.Quiz",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exam"),
    )
    # The shorter recertification path or exam that renews it (one at most).
    renewal_path = models.ForeignKey(
        "learning.LearningPath",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recertification path"),
    )
    renewal_exam = models.ForeignKey(
        "learning.Quiz",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recertification exam"),
    )
    audience = models.ForeignKey(
        "segments.Audience",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("audience"),
    )
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("certification")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EarningKind.values), name="cert_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(validity_months__gte=1), name="cert_validity_positive"
            ),
            models.CheckConstraint(
                condition=Q(
                    kind=EarningKind.PATH, path__isnull=False, exam__isnull=True
                )
                | Q(kind=EarningKind.EXAM, exam__isnull=False, path__isnull=True)
                | Q(kind=EarningKind.EXTERNAL, path__isnull=True, exam__isnull=True),
                name="cert_source_named",
            ),
            models.CheckConstraint(
                condition=Q(renewal_path__isnull=True) | Q(renewal_exam__isnull=True),
                name="cert_one_renewal",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def source(self):
        """The learning path or exam that earns it (None for an external one)."""
        return self.path or self.exam

    @property
    def source_id(self) -> uuid.UUID | None:
        """The public id of ``source`` (what the API and the form name)."""
        source = self.source
        return source.public_id if source else None

    @property
    def renewal_source(self):
        return self.renewal_path or self.renewal_exam

    @property
    def renewal_source_id(self) -> uuid.UUID | None:
        source = self.renewal_source
        return source.public_id if source else None

    @property
    def product_line_label(self) -> str:
        return choice_label(self.product_line, specialisation_choices())


class UserCertificationQuerySet(PartnerOwnedQuerySet):
    def active(self, now):
        """Certifications that count at ``now``: active and still valid."""
        return self.filter(status=HolderStatus.ACTIVE, valid_until__gt=now)


class UserCertification(TimeStampedModel):
    """A person's certification, earned for (and counted by) a partner: valid
    until ``valid_until``, renewed by extending it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="certifications",
        verbose_name=_("holder"),
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("partner"),
    )
    certification = models.ForeignKey(
        Certification,
        on_delete=models.PROTECT,
        related_name="holders",
        verbose_name=_("certification"),
    )
    earned_at = models.DateTimeField(_("earned at"))
    valid_until = models.DateTimeField(_("valid until"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=HolderStatus.choices,
        default=HolderStatus.ACTIVE,
    )
    verification_code = models.CharField(
        _("verification code"),
        max_length=24,
        unique=True,
        default=new_verification_code,
        editable=False,
    )
    source = models.CharField(
        _("earned by"), max_length=16, choices=AwardSource.choices
    )
    renewed_at = models.DateTimeField(_("last renewed"), null=True, blank=True)

    objects = UserCertificationQuerySet.as_manager()

    class Meta:
        ordering = ["valid_until", "id"]
        verbose_name = _("held certification")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "user", "certification"],
                name="cert_holder_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=HolderStatus.values),
                name="cert_holder_status_valid",
            ),
        ]
        indexes = [
            # The accreditation count: a partner's active holders by certification,
            # with their validity, so the grouped query reads this index alone in
            # partner order (no table lookups, no sort; bench/README.md).
            models.Index(
                fields=["status", "partner", "certification", "user", "valid_until"],
                name="cert_holder_count_idx",
            ),
            models.Index(fields=["status", "valid_until"], name="cert_holder_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.certification} ({self.user})"

    @property
    def owning_partner_id(self) -> int:
        return self.partner_id


class CertificationAward(models.Model):
    """One award of a held certification (the first or a renewal), keyed on what
    caused it so that an event delivered twice awards once."""

    held = models.ForeignKey(
        UserCertification, on_delete=models.CASCADE, related_name="awards"
    )
    key = models.CharField(max_length=100)
    source = models.CharField(max_length=16, choices=AwardSource.choices)
    awarded_at = models.DateTimeField()
    valid_until = models.DateTimeField()

    class Meta:
        ordering = ["held_id", "awarded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["held", "key"], name="cert_award_once")
        ]

    def __str__(self) -> str:
        return f"{self.held_id}: {self.key}"


class ExpiryReminder(models.Model):
    """A reminder sent ``days`` before a held certification's ``valid_until``: one
    per period, sent again after a renewal moves the date."""

    held = models.ForeignKey(
        UserCertification, on_delete=models.CASCADE, related_name="reminders"
    )
    days = models.PositiveSmallIntegerField()
    valid_until = models.DateTimeField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["held_id", "-days"]
        constraints = [
            models.UniqueConstraint(
                fields=["held", "days", "valid_until"], name="cert_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.held_id}: {self.days} days"


class ExternalCertificateQuerySet(PartnerOwnedQuerySet):
    pass


class ExternalCertificate(TimeStampedModel):
    """A certificate a partner user earned elsewhere, uploaded with its evidence
    for a vendor reviewer to approve (which awards the certification) or reject."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("holder"),
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("partner"),
    )
    certification = models.ForeignKey(
        Certification,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("certification"),
    )
    issuer = models.CharField(_("issued by"), max_length=200)
    credential_id = models.CharField(_("credential id"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"))
    evidence = models.FileField(
        _("evidence"), upload_to="certifications/evidence/%Y/%m/"
    )
    evidence_name = models.CharField(_("file name"), max_length=255)
    evidence_type = models.CharField(_("file type"), max_length=100)
    evidence_size = models.PositiveBigIntegerField(_("file size"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ReviewStatus.choices,
        default=ReviewStatus.SUBMITTED,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = ExternalCertificateQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("external certificate")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values),
                name="cert_external_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="cert_ext_q_idx")]

    def __str__(self) -> str:
        return f"{self.certification} from {self.issuer}"

    @property
    def owning_partner_id(self) -> int:
        return self.partner_id


class Accreditation(TimeStampedModel):
    """What a partner company is accredited for when its people hold enough active
    certifications: every condition must be met."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("accreditation")

    def __str__(self) -> str:
        return self.name


class AccreditationCondition(models.Model):
    """At least ``count`` people holding an active certification — a named one, or
    any of a product line — meant for ``role`` (any role when blank)."""

    accreditation = models.ForeignKey(
        Accreditation, on_delete=models.CASCADE, related_name="conditions"
    )
    certification = models.ForeignKey(
        Certification,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("certification"),
    )
    product_line = models.CharField(_("product line"), max_length=64, blank=True)
    role = models.CharField(
        _("role"), max_length=32, choices=PartnerRole.choices, blank=True
    )
    count = models.PositiveSmallIntegerField(_("people"), default=1)

    class Meta:
        ordering = ["accreditation_id", "id"]
        verbose_name = _("accreditation condition")
        constraints = [
            models.CheckConstraint(
                condition=Q(certification__isnull=False) | ~Q(product_line=""),
                name="cert_condition_names_what",
            ),
            models.CheckConstraint(
                condition=Q(count__gte=1), name="cert_condition_count_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        what = (
            str(self.certification)
            if self.certification_id
            else _("certified in %(line)s")
            % {"line": choice_label(self.product_line, specialisation_choices())}
        )
        role = choice_label(self.role, PartnerRole) if self.role else _("any role")
        return ngettext(
            "At least %(count)s person: %(what)s, %(role)s",
            "At least %(count)s people: %(what)s, %(role)s",
            self.count,
        ) % {
            "count": self.count,
            "what": what,
            "role": role,
        }


class PartnerAccreditation(TimeStampedModel):
    """Whether a partner holds an accreditation, since when; kept when lost so the
    history shows."""

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("partner"),
    )
    accreditation = models.ForeignKey(
        Accreditation,
        on_delete=models.CASCADE,
        related_name="partners",
        verbose_name=_("accreditation"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=AccreditationStatus.choices
    )
    gained_at = models.DateTimeField(_("gained at"))
    lost_at = models.DateTimeField(_("lost at"), null=True, blank=True)

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["partner_id", "accreditation_id"]
        verbose_name = _("partner accreditation")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "accreditation"], name="cert_partner_accr_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.accreditation} ({self.get_status_display()})"

    @property
    def owning_partner_id(self) -> int:
        return self.partner_id
