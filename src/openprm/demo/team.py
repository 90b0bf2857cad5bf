"""Demo data of the Team pages: invitations in every state, so that the partner
admins' Team page and the vendor admin's Invitations page have something to show.

The rows are written directly rather than through ``invitation_create``: the demo
must not send emails, and the expired and accepted invitations need dates in the
past. Nobody holds the links of these invitations (their secrets are discarded).
"""

import secrets
from collections.abc import Iterable
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from openprm.accounts.choices import VendorRole
from openprm.accounts.models import User
from openprm.accounts.tokens.keys import hash_token
from openprm.demo.ecosystem import DISTRIBUTOR_LOGIN, PARTNER_LOGIN, VENDOR_LOGINS
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.models import Invitation, Membership

# (inviter's login, invitee, roles or vendor role, state, age in days)
FIXED_INVITATIONS = [
    (PARTNER_LOGIN.email, "jamie.lee@contoso.example", ["sales"], "pending", 1),
    (
        PARTNER_LOGIN.email,
        "morgan.kim@contoso.example",
        ["marketing", "learner"],
        "pending",
        3,
    ),
    (PARTNER_LOGIN.email, "taylor.reed@contoso.example", ["sales"], "expired", 12),
    (PARTNER_LOGIN.email, "old.contact@contoso.example", ["finance"], "revoked", 20),
    (PARTNER_LOGIN.email, "riley.park@contoso.example", ["sales"], "accepted", 30),
    (
        DISTRIBUTOR_LOGIN.email,
        "ops@northwind.example",
        ["partner_admin", "finance"],
        "pending",
        2,
    ),
    (DISTRIBUTOR_LOGIN.email, "trainee@northwind.example", ["learner"], "expired", 9),
    (
        VENDOR_LOGINS[0].email,
        "new.manager@openprm.example",
        VendorRole.CHANNEL_MANAGER,
        "pending",
        1,
    ),
]
# Besides the fixed ones, this many other partner admins have one pending invitation.
OTHER_PARTNERS_WITH_INVITATIONS = 5
EXPIRY = timedelta(days=7)


def _invitation(*, inviter, partner, email, grant, state, age_days, now):
    created = now - timedelta(days=age_days)
    expires = created + EXPIRY if state != "pending" else now + EXPIRY
    is_vendor = isinstance(grant, str)
    return Invitation(
        partner=None if is_vendor else partner,
        email=email,
        roles=[] if is_vendor else list(grant),
        vendor_role=grant if is_vendor else "",
        invited_by=inviter,
        token_hash=hash_token(secrets.token_urlsafe(32)),
        expires_at=expires,
        accepted_at=created + timedelta(days=1) if state == "accepted" else None,
        revoked_at=created + timedelta(days=2) if state == "revoked" else None,
    )


def _accept(invitation: Invitation, *, password_hash: str) -> None:
    """The person behind an accepted invitation: an account and a membership."""
    name = invitation.email.split("@")[0].replace(".", " ").title()
    user = User.objects.create(
        email=invitation.email, full_name=name, password=password_hash
    )
    Membership.objects.create(
        user=user, partner=invitation.partner, roles=list(invitation.roles)
    )
    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)


@transaction.atomic
def build_demo_invitations(*, users: Iterable[User]) -> int:
    """Pending, expired, revoked and accepted invitations from the demo's partner
    admins (and one from the vendor admin), given the users the ecosystem builder
    created. The accepted one's new account shares the demo password. Does nothing
    when the demo invitations exist already; returns how many it created."""
    if Invitation.objects.filter(email=FIXED_INVITATIONS[0][1]).exists():
        return 0
    emails = [user.email for user in users]
    saved = {user.email: user for user in User.objects.filter(email__in=emails)}
    admins = {
        membership.user.email: membership
        for membership in Membership.objects.filter(
            user__email__in=emails, is_active=True
        )
        .select_related("user", "partner")
        .order_by("partner__name", "id")
        if PartnerRole.PARTNER_ADMIN in membership.roles
    }
    now = timezone.now()
    planned: list[tuple[Invitation, str]] = []
    for inviter_email, email, grant, state, age_days in FIXED_INVITATIONS:
        inviter = saved.get(inviter_email)
        if inviter is None:
            continue
        membership = admins.get(inviter_email)
        if membership is None and not isinstance(grant, str):
            continue
        planned.append(
            (
                _invitation(
                    inviter=inviter,
                    partner=membership.partner if membership else None,
                    email=email,
                    grant=grant,
                    state=state,
                    age_days=age_days,
                    now=now,
                ),
                state,
            )
        )
    fixed_inviters = {row[0] for row in FIXED_INVITATIONS}
    others = [
        membership
        for email, membership in admins.items()
        if email not in fixed_inviters
    ][:OTHER_PARTNERS_WITH_INVITATIONS]
    for membership in others:
        domain = membership.user.email.split("@")[1]
        planned.append(
            (
                _invitation(
                    inviter=membership.user,
                    partner=membership.partner,
                    email=f"new.colleague@{domain}",
                    grant=[PartnerRole.SALES],
                    state="pending",
                    age_days=2,
                    now=now,
                ),
                "pending",
            )
        )
    for invitation, state in planned:
        invitation.save()
        if state == "accepted":
            _accept(invitation, password_hash=invitation.invited_by.password)
    return len(planned)
