"""Roles and team: every write about who may sign in, where, with which roles.
Each service authorizes its actor (see tenancy.permissions), validates, writes,
records an audit entry and emits an event in one transaction."""

import secrets
from collections.abc import Iterable
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.accounts.choices import VendorRole
from openprm.accounts.models import User
from openprm.accounts.tokens.keys import hash_token
from openprm.core import audit, events
from openprm.core.errors import (
    ApplicationError,
    Conflict,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from openprm.core.models import AuditAction
from openprm.core.permissions import forget_reader_facts
from openprm.partners.choices import PartnerStatus, Region
from openprm.partners.models import Partner
from openprm.tenancy.choices import InvitationStatus, PartnerRole
from openprm.tenancy.models import Invitation, Membership
from openprm.tenancy.permissions import require_in_team, require_vendor_admin

INVITATION_AUDITED_FIELDS = ["partner", "email", "roles", "vendor_role", "expires_at"]
MEMBERSHIP_AUDITED_FIELDS = ["user", "partner", "roles", "is_active"]
USER_AUDITED_FIELDS = ["email", "full_name", "vendor_role", "territories", "is_active"]


class InvitationNotUsable(ApplicationError):
    """The invitation link cannot be used (any more): unknown, used, expired or
    revoked. ``reason`` says which."""

    code = "invitation_not_usable"
    status = 410
    MESSAGES = {
        "invalid": _(
            "This invitation link is not valid. Check that you opened the whole "
            "link from the email."
        ),
        InvitationStatus.ACCEPTED: _(
            "This invitation has already been used. Sign in with the account it "
            "created."
        ),
        InvitationStatus.EXPIRED: _(
            "This invitation has expired. Ask the person who invited you to send "
            "it again."
        ),
        InvitationStatus.REVOKED: _(
            "This invitation has been withdrawn. Ask the person who invited you if "
            "you still need access."
        ),
    }

    def __init__(self, reason: str):
        self.reason = str(reason)
        if self.reason == "invalid":
            self.status = 404
        super().__init__(self.MESSAGES[self.reason])


class LastPartnerAdmin(Conflict):
    """The change would leave a partner without an active partner admin."""

    code = "last_partner_admin"

    def __init__(self, partner: Partner):
        super().__init__(
            _(
                "%(partner)s needs at least one active partner admin: make another "
                "member a partner admin first."
            )
            % {"partner": partner.name}
        )


# --- validation helpers -------------------------------------------------------------


def clean_partner_roles(roles: Iterable[str]) -> list[str]:
    """Known partner roles, at least one, without repeats, in the canonical order."""
    chosen = set(roles)
    unknown = sorted(chosen - set(PartnerRole.values))
    if unknown:
        raise ValidationFailed(
            field_errors={
                "roles": [
                    _("Unknown role: %(role)s.") % {"role": role} for role in unknown
                ]
            }
        )
    if not chosen:
        raise ValidationFailed(field_errors={"roles": [_("Choose at least one role.")]})
    return [role for role in PartnerRole.values if role in chosen]


def clean_vendor_role(vendor_role: str) -> str:
    if vendor_role not in VendorRole.values:
        raise ValidationFailed(
            field_errors={"vendor_role": [_("Choose one of the vendor roles.")]}
        )
    return vendor_role


def clean_territories(territories: Iterable[str]) -> list[str]:
    """Region codes (EMEA, APAC, LATAM) or ISO country codes, upper case, unique.

    Two-letter codes are read as countries by the partner scoping (so "NA" is
    Namibia, not North America)."""
    cleaned: list[str] = []
    errors = []
    for raw in territories:
        code = str(raw).strip().upper()
        if not code:
            continue
        if not (code in Region.values or (len(code) == 2 and code.isalpha())):
            errors.append(
                _("%(code)s is neither a region nor a two-letter country code.")
                % {"code": code}
            )
        elif code not in cleaned:
            cleaned.append(code)
    if errors:
        raise ValidationFailed(field_errors={"territories": errors})
    return cleaned


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError as error:
        raise ValidationFailed(field_errors={"email": error.messages}) from error
    return email


# --- payloads (what events and webhooks carry) --------------------------------------


def invitation_payload(invitation: Invitation) -> dict:
    return {
        "id": str(invitation.public_id),
        "partner": invitation.partner_id,
        "email": invitation.email,
        "roles": invitation.roles,
        "vendor_role": invitation.vendor_role,
        "expires_at": invitation.expires_at.isoformat(),
        "invited_by": str(invitation.invited_by.public_id)
        if invitation.invited_by
        else None,
    }


def membership_payload(membership: Membership) -> dict:
    return {
        "id": membership.pk,
        "partner": membership.partner_id,
        "user": str(membership.user.public_id),
        "email": membership.user.email,
        "roles": membership.roles,
        "is_active": membership.is_active,
    }


def user_payload(user: User) -> dict:
    return {
        "id": str(user.public_id),
        "email": user.email,
        "full_name": user.full_name,
        "vendor_role": user.vendor_role,
        "territories": user.territories,
        "is_active": user.is_active,
    }


# --- invitations --------------------------------------------------------------------


def invitation_expiry() -> timedelta:
    return timedelta(days=settings.OPENPRM_INVITATION_EXPIRY_DAYS)


def _new_invitation_secret() -> str:
    return secrets.token_urlsafe(32)


def _send_invitation_email(
    invitation: Invitation, *, secret: str, base_url: str, inviter: User
) -> None:
    """Email the link once the invitation is committed (never a link to a row that
    was rolled back; no mail server held up inside the transaction)."""
    link = base_url.rstrip("/") + reverse("invitation_accept", kwargs={"token": secret})
    context = {
        "invitation": invitation,
        "partner": invitation.partner,
        "inviter": inviter,
        "link": link,
        "expires_at": invitation.expires_at,
        "role_labels": invitation.role_labels(),
        "vendor_role_label": invitation.get_vendor_role_display(),
    }
    subject = " ".join(
        render_to_string("tenancy/email/invitation_subject.txt", context).split()
    )
    body = render_to_string("tenancy/email/invitation_message.txt", context)
    transaction.on_commit(
        lambda: send_mail(subject, body, None, [invitation.email]), robust=True
    )


def _authorize_invitation(actor: User, invitation: Invitation) -> None:
    require_in_team(actor, invitation.partner_id)


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    email: str,
    base_url: str,
    partner: Partner | None = None,
    roles: Iterable[str] = (),
    vendor_role: str = "",
) -> Invitation:
    """Invite a person by email: into ``partner`` with partner ``roles``, or (no
    partner; vendor admins only) into the vendor's staff with ``vendor_role``.
    ``base_url`` is the site address the emailed link starts with."""
    if partner is None:
        require_vendor_admin(actor)
    else:
        require_in_team(actor, partner.pk)
    email = _clean_email(email)
    if partner is None:
        vendor_role = clean_vendor_role(vendor_role)
        if roles:
            raise ValidationFailed(
                field_errors={"roles": [_("Partner roles need a partner.")]}
            )
        if User.objects.filter(email__iexact=email).exists():
            raise Conflict(
                _("An account with this email address already exists."),
                field_errors={"email": [_("An account with this address exists.")]},
            )
        roles = []
    else:
        if vendor_role:
            raise ValidationFailed(
                field_errors={
                    "vendor_role": [_("Partner users do not have a vendor role.")]
                }
            )
        roles = clean_partner_roles(roles)
        if partner.status == PartnerStatus.TERMINATED:
            raise ValidationFailed(_("This partner organisation is terminated."))
        membership = (
            Membership.objects.filter(partner=partner, user__email__iexact=email)
            .only("is_active")
            .first()
        )
        if membership is not None:
            message = (
                _("This person is already a member.")
                if membership.is_active
                else _("This person is a deactivated member: reactivate them instead.")
            )
            raise Conflict(message, field_errors={"email": [message]})
    secret = _new_invitation_secret()
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                partner=partner,
                email=email,
                roles=list(roles),
                vendor_role=vendor_role if partner is None else "",
                invited_by=actor,
                token_hash=hash_token(secret),
                expires_at=timezone.now() + invitation_expiry(),
            )
    except IntegrityError as error:  # the open-invitation constraint
        message = _("An invitation to this address is open already: resend it.")
        raise Conflict(message, field_errors={"email": [message]}) from error
    audit.record_create(
        actor=actor,
        instance=invitation,
        fields=INVITATION_AUDITED_FIELDS,
        verb="invitation.created",
    )
    events.emit(
        "user.invited" if partner is None else "membership.invited",
        payload=invitation_payload(invitation),
        actor=actor,
        partner_id=invitation.partner_id,
    )
    _send_invitation_email(invitation, secret=secret, base_url=base_url, inviter=actor)
    return invitation


@transaction.atomic
def invitation_resend(
    *, actor: User, invitation: Invitation, base_url: str
) -> Invitation:
    """Email an open invitation again with a new link and a new expiry; the old
    link stops working."""
    _authorize_invitation(actor, invitation)
    secret = _new_invitation_secret()
    before = audit.snapshot(invitation, ["expires_at"])
    now = timezone.now()
    # Conditional UPDATE: an invitation accepted or revoked meanwhile is not revived.
    updated = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(
        token_hash=hash_token(secret),
        expires_at=now + invitation_expiry(),
        updated_at=now,
    )
    if not updated:
        invitation.refresh_from_db()
        raise InvalidTransition(
            invitation.status,
            InvitationStatus.PENDING,
            message=_("Only an open invitation can be sent again."),
        )
    invitation.refresh_from_db()
    audit.record_change(
        actor=actor, instance=invitation, before=before, verb="invitation.resent"
    )
    events.emit(
        "invitation.resent",
        payload=invitation_payload(invitation),
        actor=actor,
        partner_id=invitation.partner_id,
    )
    _send_invitation_email(invitation, secret=secret, base_url=base_url, inviter=actor)
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    """Withdraw an open (pending or expired) invitation: its link stops working."""
    _authorize_invitation(actor, invitation)
    before = audit.snapshot(invitation, ["revoked_at"])
    now = timezone.now()
    updated = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now, updated_at=now)
    if not updated:
        invitation.refresh_from_db()
        raise InvalidTransition(
            invitation.status,
            InvitationStatus.REVOKED,
            message=_("Only an open invitation can be revoked."),
        )
    invitation.refresh_from_db()
    audit.record_change(
        actor=actor, instance=invitation, before=before, verb="invitation.revoked"
    )
    events.emit(
        "invitation.revoked",
        payload=invitation_payload(invitation),
        actor=actor,
        partner_id=invitation.partner_id,
    )
    return invitation


def _verify_email_address(user: User) -> None:
    """Holding the emailed link proves the address: mark it verified (allauth)."""
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.create(
            user=user,
            email=user.email,
            verified=True,
            primary=not EmailAddress.objects.filter(user=user, primary=True).exists(),
        )
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    user: User | None = None,
    full_name: str = "",
    password: str = "",
) -> User:
    """Accept an invitation from its emailed link.

    When an account with the invited address exists, that account must be the
    signed-in ``user`` and it gains the membership. Otherwise the account is created
    with ``full_name`` and ``password`` (Django's password validation). Either way
    the address is marked verified. Returns the account, which the caller signs in.
    """
    invitation = (
        Invitation.objects.select_related("partner", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        raise InvitationNotUsable("invalid")
    now = timezone.now()
    if invitation.status_at(now) != InvitationStatus.PENDING:
        raise InvitationNotUsable(invitation.status_at(now))
    signed_in = user if user is not None and user.is_authenticated else None
    account = User.objects.filter(email__iexact=invitation.email).first()
    if account is not None:
        if signed_in is None or signed_in.pk != account.pk:
            raise PermissionDenied(
                _("Sign in as %(email)s to accept this invitation.")
                % {"email": invitation.email}
            )
        if invitation.is_for_vendor_staff or account.is_vendor_staff:
            raise Conflict(_("Vendor staff and partner users need separate accounts."))
    else:
        if signed_in is not None:
            raise PermissionDenied(
                _("This invitation is for %(email)s: sign out first.")
                % {"email": invitation.email}
            )
        full_name = full_name.strip()
        if not full_name:
            raise ValidationFailed(
                field_errors={"full_name": [_("Tell us your name.")]}
            )
        candidate = User(
            email=invitation.email,
            full_name=full_name,
            vendor_role=invitation.vendor_role,
        )
        try:
            validate_password(password, user=candidate)
        except DjangoValidationError as error:
            raise ValidationFailed(field_errors={"password": error.messages}) from error
    # Claim the link with a conditional UPDATE: of two racing requests only one
    # gets the row, so a link is used once.
    claimed = Invitation.objects.filter(
        pk=invitation.pk,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    ).update(accepted_at=now, updated_at=now)
    if not claimed:
        invitation.refresh_from_db()
        raise InvitationNotUsable(invitation.status_at(now))
    if account is None:
        try:
            with transaction.atomic():
                account = User.objects.create_user(
                    invitation.email,
                    password,
                    full_name=full_name,
                    vendor_role=invitation.vendor_role,
                )
        except IntegrityError as error:  # the address was taken meanwhile
            raise Conflict(
                _("An account with this email address already exists.")
            ) from error
        audit.record_create(
            actor=account,
            instance=account,
            fields=USER_AUDITED_FIELDS,
            verb="user.created",
        )
        events.emit("user.created", payload=user_payload(account), actor=account)
    Invitation.objects.filter(pk=invitation.pk).update(accepted_by=account)
    audit.record(
        actor=account,
        instance=invitation,
        action=AuditAction.UPDATE,
        changes={"accepted_at": [None, audit.json_value(now)]},
        verb="invitation.accepted",
    )
    _verify_email_address(account)
    if invitation.partner is not None:
        _join_partner(account=account, invitation=invitation)
    forget_reader_facts(account)
    return account


def _join_partner(*, account: User, invitation: Invitation) -> Membership:
    partner = invitation.partner
    membership = Membership.objects.filter(user=account, partner=partner).first()
    if membership is None:
        membership = Membership.objects.create(
            user=account, partner=partner, roles=list(invitation.roles)
        )
        audit.record_create(
            actor=account,
            instance=membership,
            fields=MEMBERSHIP_AUDITED_FIELDS,
            verb="membership.created",
        )
        events.emit(
            "membership.created",
            payload={
                **membership_payload(membership),
                "invitation": str(invitation.public_id),
            },
            actor=account,
            partner_id=partner.pk,
        )
        return membership
    if membership.is_active:
        raise Conflict(
            _("You are already a member of %(partner)s.") % {"partner": partner.name}
        )
    before = audit.snapshot(membership, ["roles", "is_active"])
    membership.roles = list(invitation.roles)
    membership.is_active = True
    membership.save(update_fields=["roles", "is_active", "updated_at"])
    audit.record_change(
        actor=account, instance=membership, before=before, verb="membership.reactivated"
    )
    events.emit(
        "membership.reactivated",
        payload=membership_payload(membership),
        actor=account,
        partner_id=partner.pk,
    )
    return membership


# --- memberships --------------------------------------------------------------------


def _lock_team(membership: Membership) -> tuple[Membership, list[Membership]]:
    """The partner's memberships, locked (PostgreSQL) for the last-admin rule: two
    admins demoting each other at once must not both succeed. SQLite takes the
    write lock when the transaction begins (IMMEDIATE), which serialises them."""
    team = list(
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "partner")
        .filter(partner_id=membership.partner_id)
        .order_by("pk")
    )
    current = next(member for member in team if member.pk == membership.pk)
    return current, team


def _ensure_another_admin(leaving: Membership, team: list[Membership]) -> None:
    """Refuse when ``leaving`` is the partner's last active partner admin."""
    if not (
        leaving.is_active
        and leaving.user.is_active
        and PartnerRole.PARTNER_ADMIN in leaving.roles
    ):
        return
    if not any(
        member.pk != leaving.pk
        and member.is_active
        and member.user.is_active
        and PartnerRole.PARTNER_ADMIN in member.roles
        for member in team
    ):
        raise LastPartnerAdmin(leaving.partner)


def _sync(target: Membership, source: Membership) -> Membership:
    """Reflect a change made on the locked copy in the caller's object."""
    target.roles, target.is_active = source.roles, source.is_active
    target.updated_at = source.updated_at
    return target


@transaction.atomic
def membership_roles_update(
    *, actor: User, membership: Membership, roles: Iterable[str]
) -> Membership:
    """Change a member's partner roles; the last active partner admin stays one."""
    require_in_team(actor, membership.partner_id)
    roles = clean_partner_roles(roles)
    current, team = _lock_team(membership)
    if PartnerRole.PARTNER_ADMIN not in roles:
        _ensure_another_admin(current, team)
    before = audit.snapshot(current, ["roles"])
    current.roles = roles
    current.save(update_fields=["roles", "updated_at"])
    if audit.record_change(
        actor=actor, instance=current, before=before, verb="membership.roles_changed"
    ):
        events.emit(
            "membership.roles_changed",
            payload={**membership_payload(current), "previous_roles": before["roles"]},
            actor=actor,
            partner_id=current.partner_id,
        )
    return _sync(membership, current)


@transaction.atomic
def membership_deactivate(*, actor: User, membership: Membership) -> Membership:
    """Shut a member out of the partner (the account itself stays)."""
    require_in_team(actor, membership.partner_id)
    current, team = _lock_team(membership)
    if not current.is_active:
        raise InvalidTransition(
            "inactive", "inactive", message=_("This member is already deactivated.")
        )
    _ensure_another_admin(current, team)
    return _sync(membership, _set_membership_active(actor, current, active=False))


@transaction.atomic
def membership_reactivate(*, actor: User, membership: Membership) -> Membership:
    """Let a deactivated member back in, with the roles they held."""
    require_in_team(actor, membership.partner_id)
    current, _team = _lock_team(membership)
    if current.is_active:
        raise InvalidTransition(
            "active", "active", message=_("This member is already active.")
        )
    return _sync(membership, _set_membership_active(actor, current, active=True))


def _set_membership_active(
    actor: User, membership: Membership, *, active: bool
) -> Membership:
    before = audit.snapshot(membership, ["is_active"])
    membership.is_active = active
    membership.save(update_fields=["is_active", "updated_at"])
    verb = "membership.reactivated" if active else "membership.deactivated"
    audit.record_change(actor=actor, instance=membership, before=before, verb=verb)
    events.emit(
        verb,
        payload=membership_payload(membership),
        actor=actor,
        partner_id=membership.partner_id,
    )
    return membership


def memberships_merge_move(*, duplicate: Partner, survivor: Partner) -> tuple[int, int]:
    """Move the members of a duplicate being merged (``partners.lifecycle.services.
    partner_merge``, which audits the merge) to the survivor: a person who is
    already a member of the survivor keeps that membership, and their membership
    of the (terminated) duplicate stays behind. Returns (moved, left)."""
    survivor_users = Membership.objects.filter(partner=survivor).values("user_id")
    memberships = Membership.objects.filter(partner=duplicate)
    moved = memberships.exclude(user_id__in=survivor_users).update(
        partner=survivor, updated_at=timezone.now()
    )
    left = Membership.objects.filter(partner=duplicate).count()
    return moved, left


# --- users (vendor admins) ----------------------------------------------------------


def _set_user_active(actor: User, user: User, *, active: bool) -> User:
    before = audit.snapshot(user, ["is_active"])
    # Conditional UPDATE: deactivating twice at once writes one entry.
    updated = User.objects.filter(pk=user.pk, is_active=not active).update(
        is_active=active
    )
    if not updated:
        state = "active" if active else "inactive"
        raise InvalidTransition(
            state,
            state,
            message=_("This account is already active.")
            if active
            else _("This account is already deactivated."),
        )
    user.is_active = active
    verb = "user.reactivated" if active else "user.deactivated"
    audit.record_change(actor=actor, instance=user, before=before, verb=verb)
    events.emit(verb, payload=user_payload(user), actor=actor)
    return user


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    """Shut an account out of everything: its sessions and API tokens stop working
    at their next request. (A vendor admin may deactivate a partner's last admin;
    the partner then needs a new invitation.)"""
    require_vendor_admin(actor)
    if user.pk == actor.pk:
        raise Conflict(_("You cannot deactivate your own account."))
    return _set_user_active(actor, user, active=False)


@transaction.atomic
def user_reactivate(*, actor: User, user: User) -> User:
    """Let a deactivated account sign in again."""
    require_vendor_admin(actor)
    return _set_user_active(actor, user, active=True)


@transaction.atomic
def user_vendor_role_update(
    *,
    actor: User,
    user: User,
    vendor_role: str,
    territories: Iterable[str] = (),
) -> User:
    """Change a staff member's vendor role; a channel manager's ``territories``
    (regions or country codes) decide which partners they see besides those
    assigned to them. Other roles keep no territories."""
    require_vendor_admin(actor)
    if not user.is_vendor_staff:
        raise ValidationFailed(
            _("Only vendor staff have a vendor role."),
            field_errors={"vendor_role": [_("This account is a partner user.")]},
        )
    vendor_role = clean_vendor_role(vendor_role)
    if user.pk == actor.pk and vendor_role != VendorRole.VENDOR_ADMIN:
        raise Conflict(_("You cannot give up your own vendor admin role."))
    territories = (
        clean_territories(territories)
        if vendor_role == VendorRole.CHANNEL_MANAGER
        else []
    )
    before = audit.snapshot(user, ["vendor_role", "territories"])
    user.vendor_role = vendor_role
    user.territories = territories
    user.save(update_fields=["vendor_role", "territories"])
    forget_reader_facts(user)
    if audit.record_change(
        actor=actor, instance=user, before=before, verb="user.vendor_role_changed"
    ):
        events.emit(
            "user.vendor_role_changed",
            payload={
                **user_payload(user),
                "previous_vendor_role": before["vendor_role"],
            },
            actor=actor,
        )
    return user
