"""Who belongs to which partner organisation, with which roles, and the invitations
that bring people in.

The tables were created by the accounts app (``accounts_membership``,
``accounts_invitation``) and keep their names: the models moved here without moving
data (see migrations/0001_initial.py).
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.accounts.choices import VendorRole
from openprm.accounts.models import User
from openprm.core.models import TimeStampedModel
from openprm.core.scoping import PartnerOwnedQuerySet
from openprm.tenancy.choices import InvitationStatus, PartnerRole


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
        db_table = "accounts_membership"
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
        db_table = "accounts_invitation"
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
