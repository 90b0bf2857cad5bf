"""Access policies of the Team (portal), Users (console) and invitation pages and of
the team API (included by policies.py).

People management is gated by role before any object is looked up: vendor admins
and partner admins pass, everyone else gets 403; past the gate, a member or an
invitation of another partner is 404 (a distributor's downstream visibility does not
extend to teams). Changing accounts themselves is for vendor admins only.
"""

import itertools

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import UserFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.permissions import MANAGE_ACCOUNTS, MANAGE_TEAM
from openprm.tenancy.tests.factories import InvitationFactory, MembershipFactory
from openprm.testing.authz import Policy, World, gated, public, vendor

team_admins = gated(rule=MANAGE_TEAM)
owner_team_admins = gated(rule=MANAGE_TEAM, owner_only=True)
# The portal's Team pages: MANAGE_TEAM's partner roles (vendor staff have no portal).
partner_admins = gated(partner_roles=MANAGE_TEAM.partner)
owner_partner_admins = gated(partner_roles=MANAGE_TEAM.partner, owner_only=True)
vendor_admins = vendor(rule=MANAGE_ACCOUNTS)
vendor_admins_api = gated(rule=MANAGE_ACCOUNTS)
_emails = itertools.count()


def owner_member(world: World):
    """A salesperson of the owning partner (never its last admin)."""
    return MembershipFactory(partner=world.owner, roles=[PartnerRole.SALES])


def owner_former_member(world: World):
    return MembershipFactory(
        partner=world.owner, roles=[PartnerRole.SALES], is_active=False
    )


def owner_invitation(world: World):
    return InvitationFactory(partner=world.owner)


def staff_member(world: World):
    return UserFactory(vendor_role=VendorRole.CHANNEL_MANAGER)


def inactive_staff_member(world: World):
    return UserFactory(vendor_role=VendorRole.ANALYST, is_active=False)


def membership_id(membership) -> dict:
    return {"membership_id": membership.pk}


def invitation_id(invitation) -> dict:
    return {"invitation_id": invitation.public_id}


def new_invitation(partner) -> dict:
    return {
        "email": f"matrix-{next(_emails)}@owner.example",
        "partner": partner.pk,
        "roles": [PartnerRole.SALES],
    }


TEAM_POLICIES = [
    # The page an invitation email links to: open to anyone holding the link.
    Policy(
        "web:invitation_accept",
        public(),
        make=owner_invitation,
        kwargs=lambda invitation: {"token": invitation.token},
    ),
    # Portal: the partner admin's Team pages.
    Policy("web:portal:team", partner_admins),
    Policy("web:portal:team_invite", partner_admins),
    Policy(
        "web:portal:team_member",
        owner_partner_admins,
        make=owner_member,
        kwargs=membership_id,
    ),
    Policy(
        "web:portal:team_member_deactivate",
        owner_partner_admins,
        method="POST",
        make=owner_member,
        kwargs=membership_id,
    ),
    Policy(
        "web:portal:team_member_reactivate",
        owner_partner_admins,
        method="POST",
        make=owner_former_member,
        kwargs=membership_id,
    ),
    Policy(
        "web:portal:team_invitation_resend",
        owner_partner_admins,
        method="POST",
        make=owner_invitation,
        kwargs=lambda invitation: {"public_id": invitation.public_id},
    ),
    Policy(
        "web:portal:team_invitation_revoke",
        owner_partner_admins,
        method="POST",
        make=owner_invitation,
        kwargs=lambda invitation: {"public_id": invitation.public_id},
    ),
    # Console: the vendor admin's Users pages.
    Policy("web:console:user_list", vendor_admins),
    Policy("web:console:user_invite", vendor_admins),
    Policy("web:console:user_invitations", vendor_admins),
    Policy(
        "web:console:user_invitation_resend",
        vendor_admins,
        method="POST",
        make=owner_invitation,
        kwargs=lambda invitation: {"public_id": invitation.public_id},
    ),
    Policy(
        "web:console:user_invitation_revoke",
        vendor_admins,
        method="POST",
        make=owner_invitation,
        kwargs=lambda invitation: {"public_id": invitation.public_id},
    ),
    Policy(
        "web:console:user_detail",
        vendor_admins,
        make=lambda world: owner_member(world).user,
        kwargs=lambda user: {"public_id": user.public_id},
    ),
    Policy(
        "web:console:user_deactivate",
        vendor_admins,
        method="POST",
        make=staff_member,
        kwargs=lambda user: {"public_id": user.public_id},
    ),
    Policy(
        "web:console:user_reactivate",
        vendor_admins,
        method="POST",
        make=inactive_staff_member,
        kwargs=lambda user: {"public_id": user.public_id},
    ),
    # API: users.
    Policy("api:GET /api/v1/users", team_admins),
    Policy(
        "api:GET /api/v1/users/{user_id}",
        owner_team_admins,
        make=lambda world: owner_member(world).user,
        kwargs=lambda user: {"user_id": user.public_id},
    ),
    Policy(
        "api:PATCH /api/v1/users/{user_id}",
        vendor_admins_api,
        make=staff_member,
        kwargs=lambda user: {"user_id": user.public_id},
        data=lambda user: {"vendor_role": VendorRole.ANALYST},
    ),
    Policy(
        "api:POST /api/v1/users/{user_id}/deactivate",
        vendor_admins_api,
        make=staff_member,
        kwargs=lambda user: {"user_id": user.public_id},
    ),
    Policy(
        "api:POST /api/v1/users/{user_id}/reactivate",
        vendor_admins_api,
        make=inactive_staff_member,
        kwargs=lambda user: {"user_id": user.public_id},
    ),
    # API: memberships.
    Policy("api:GET /api/v1/memberships", team_admins),
    Policy(
        "api:GET /api/v1/memberships/{membership_id}",
        owner_team_admins,
        make=owner_member,
        kwargs=membership_id,
    ),
    Policy(
        "api:PATCH /api/v1/memberships/{membership_id}",
        owner_team_admins,
        make=owner_member,
        kwargs=membership_id,
        data=lambda membership: {"roles": [PartnerRole.SALES, PartnerRole.MARKETING]},
    ),
    Policy(
        "api:POST /api/v1/memberships/{membership_id}/deactivate",
        owner_team_admins,
        make=owner_member,
        kwargs=membership_id,
    ),
    Policy(
        "api:POST /api/v1/memberships/{membership_id}/reactivate",
        owner_team_admins,
        make=owner_former_member,
        kwargs=membership_id,
    ),
    # API: invitations.
    Policy("api:GET /api/v1/invitations", team_admins),
    # Accepting creates the invited person's account: open to anyone holding the
    # link's token (no authentication; a token sent along is not looked at).
    Policy(
        "api:POST /api/v1/invitations/accept",
        public(),
        make=owner_invitation,
        data=lambda invitation: {
            "token": invitation.token,
            "full_name": "Matrix Invitee",
            "password": "a long and unusual passphrase",
        },
    ),
    Policy(
        "api:POST /api/v1/invitations",
        owner_team_admins,
        make=lambda world: world.owner,
        data=new_invitation,
    ),
    Policy(
        "api:GET /api/v1/invitations/{invitation_id}",
        owner_team_admins,
        make=owner_invitation,
        kwargs=invitation_id,
    ),
    Policy(
        "api:POST /api/v1/invitations/{invitation_id}/resend",
        owner_team_admins,
        make=owner_invitation,
        kwargs=invitation_id,
    ),
    Policy(
        "api:DELETE /api/v1/invitations/{invitation_id}",
        owner_team_admins,
        make=owner_invitation,
        kwargs=invitation_id,
    ),
]
