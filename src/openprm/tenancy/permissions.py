"""Who may manage people: the team scope behind the Team and Users pages and API.

Managing people is a job for administrators only: a vendor admin manages every user,
membership and invitation; a partner admin manages the members of the organisations
where they hold the partner admin role. Nobody else gets past the gate (403). Past
the gate, an object outside the actor's team scope does not exist for them (404).

A distributor's downstream visibility does not extend to teams: a distributor admin
does not see or manage the staff of the partners beneath it.
"""

from dataclasses import dataclass

from openprm.accounts.choices import VendorRole
from openprm.core.errors import NotFound, PermissionDenied
from openprm.core.permissions import Rule, is_active_user, partner_roles_of
from openprm.tenancy.choices import PartnerRole

# The gate of every people-management page and operation: vendor admins, and partner
# admins for the organisations they administer (the team scope below).
MANAGE_TEAM = Rule(
    "tenancy.manage_team",
    vendor=[VendorRole.VENDOR_ADMIN],
    partner=[PartnerRole.PARTNER_ADMIN],
)
# Changing an account itself (vendor role, deactivation): vendor admins only.
MANAGE_ACCOUNTS = Rule("tenancy.manage_accounts", vendor=[VendorRole.VENDOR_ADMIN])


@dataclass(frozen=True)
class TeamScope:
    """The partners whose members a user may manage."""

    everything: bool = False
    partner_ids: frozenset[int] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.partner_ids)

    def includes(self, partner_id: int | None) -> bool:
        """Whether the scope holds a partner (``None``: the vendor's own staff)."""
        if self.everything:
            return True
        return partner_id is not None and partner_id in self.partner_ids


NO_TEAM = TeamScope()


def is_vendor_admin(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.vendor_role == VendorRole.VENDOR_ADMIN
    )


def team_scope_for(user) -> TeamScope:
    """The user's team scope, computed once per user object (once per request)."""
    if not is_active_user(user):
        return NO_TEAM
    cached = getattr(user, "_openprm_team_scope", None)
    if cached is None:
        if user.is_vendor_staff:
            cached = TeamScope(everything=True) if is_vendor_admin(user) else NO_TEAM
        else:
            cached = TeamScope(
                partner_ids=frozenset(
                    partner_id
                    for partner_id, roles in partner_roles_of(user).items()
                    if PartnerRole.PARTNER_ADMIN in roles
                )
            )
        user._openprm_team_scope = cached
    return cached


def require_team_admin(user) -> TeamScope:
    """The gate of the team services: the actor's team scope, refused when empty.
    (The scope, not ``MANAGE_TEAM``: a service acting for a user, e.g. onboarding's
    invitation of an approved applicant, may set that scope on the user object.)"""
    scope = team_scope_for(user)
    if scope.is_empty:
        raise PermissionDenied
    return scope


def require_vendor_admin(user) -> None:
    if not is_vendor_admin(user):
        raise PermissionDenied


def require_in_team(user, partner_id: int | None) -> None:
    """Past the gate, a partner (or, for ``None``, the vendor's staff) outside the
    actor's scope answers 404."""
    scope = require_team_admin(user)
    if not scope.includes(partner_id):
        raise NotFound
