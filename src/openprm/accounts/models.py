import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.accounts.choices import InvitationStatus, PartnerRole, VendorRole
from openprm.core.models import TimeStampedModel
from openprm.core.scoping import PartnerOwnedQuerySet


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        # A superuser also runs the channel console.
        fields.setdefault("vendor_role", VendorRole.VENDOR_ADMIN)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: vendor staff (with a vendor role) or a partner user
    (with one or more partner memberships)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    vendor_role = models.CharField(
        _("vendor role"),
        max_length=32,
        choices=VendorRole.choices,
        blank=True,
        help_text=_("Set for vendor staff; empty for partner users."),
    )
    territories = models.JSONField(
        _("territories"),
        default=list,
        blank=True,
        help_text=_(
            "Channel managers: regions (e.g. EMEA) or ISO country codes whose partners "
            "they see, besides the partners assigned to them."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Django admin access also needs superuser status."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), name="accounts_user_email_ci_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_vendor_staff(self) -> bool:
        return bool(self.vendor_role)


class Membership(TimeStampedModel):
    """A user's place in a partner organisation, with the roles held there."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="memberships"
    )
    roles = models.JSONField(
        _("roles"), default=list, help_text=_("Partner roles held, e.g. partner_admin.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["partner_id", "user_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partner"], name="accounts_membership_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.partner}"

    @property
    def owning_partner_id(self) -> int:
        return self.partner_id

    def role_labels(self) -> list[str]:
        labels = dict(PartnerRole.choices)
        return [str(labels.get(role, role)) for role in self.roles]


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A named secret that lets a script act as its user through the API.

    Only a SHA-256 hash of the token is kept; the token itself is shown once, when it
    is created. A token never has more rights than its user.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    # The first characters, shown in lists so a person can tell tokens apart.
    prefix = models.CharField(_("prefix"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class InvitationQuerySet(PartnerOwnedQuerySet):
    """Invitations; those for vendor staff have no partner and only vendor admins
    see them (a partner scope never matches a missing partner)."""

    def with_status(self, status: str, *, now=None):
        """Invitations in ``status`` at ``now`` (see :class:`InvitationStatus`)."""
        now = now or timezone.now()
        open_ = Q(accepted_at__isnull=True, revoked_at__isnull=True)
        conditions = {
            InvitationStatus.PENDING: open_ & Q(expires_at__gt=now),
            InvitationStatus.EXPIRED: open_ & Q(expires_at__lte=now),
            InvitationStatus.ACCEPTED: Q(accepted_at__isnull=False),
            InvitationStatus.REVOKED: Q(revoked_at__isnull=False),
        }
        return self.filter(conditions[status])


class Invitation(TimeStampedModel):
    """An emailed, single-use link that lets a person join a partner organisation
    with given roles, or join the vendor's staff with a vendor role.

    Only a SHA-256 hash of the link's secret is stored: the link itself exists only
    in the email. An invitation is open until it is accepted or revoked; past
    ``expires_at`` an open invitation is expired and can only be resent.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        help_text=_("Empty for an invitation to join the vendor's staff."),
    )
    email = models.EmailField(_("email address"))
    roles = models.JSONField(
        _("roles"), default=list, blank=True, help_text=_("Partner roles to grant.")
    )
    vendor_role = models.CharField(
        _("vendor role"), max_length=32, choices=VendorRole.choices, blank=True
    )
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        constraints = [
            # One open invitation per address and organisation: a second one is a
            # resend of the first.
            models.UniqueConstraint(
                fields=["partner", "email"],
                condition=Q(
                    partner__isnull=False,
                    accepted_at__isnull=True,
                    revoked_at__isnull=True,
                ),
                name="accounts_invitation_open_partner_unique",
            ),
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(
                    partner__isnull=True,
                    accepted_at__isnull=True,
                    revoked_at__isnull=True,
                ),
                name="accounts_invitation_open_vendor_unique",
            ),
            # Either a partner invitation with partner roles, or a vendor one.
            models.CheckConstraint(
                condition=(
                    Q(partner__isnull=False, vendor_role="")
                    | (Q(partner__isnull=True) & ~Q(vendor_role=""))
                ),
                name="accounts_invitation_partner_xor_vendor_role",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def owning_partner_id(self) -> int | None:
        return self.partner_id

    @property
    def is_for_vendor_staff(self) -> bool:
        return self.partner_id is None

    def status_at(self, now) -> str:
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        if self.expires_at <= now:
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    def get_status_display(self) -> str:
        return str(InvitationStatus(self.status).label)

    def role_labels(self) -> list[str]:
        labels = dict(PartnerRole.choices)
        return [str(labels.get(role, role)) for role in self.roles]
