"""Who sees which partners: the rule behind ``visible_to`` (registered in ready())."""

from openprm.accounts.choices import PartnerRole, VendorRole
from openprm.core.scoping import NOTHING, PartnerScope


def resolve_partner_scope(user) -> PartnerScope:
    """Vendor staff see all (channel managers: their partners and territories); a
    partner user sees their organisations, and a distributor granted downstream
    visibility also the partners beneath it."""
    if user.is_vendor_staff:
        if user.vendor_role != VendorRole.CHANNEL_MANAGER:
            return PartnerScope(everything=True)
        territories = [code.upper() for code in user.territories]
        return PartnerScope(
            manager_id=user.pk,
            regions=tuple(code for code in territories if len(code) > 2),
            countries=tuple(code for code in territories if len(code) == 2),
        )
    from openprm.accounts.selectors import memberships_active_for

    partners = [membership.partner for membership in memberships_active_for(user=user)]
    if not partners:
        return NOTHING
    return PartnerScope(
        partner_ids=frozenset(partner.pk for partner in partners),
        subtree_paths=tuple(
            partner.path for partner in partners if partner.downstream_visibility
        ),
    )


def resolve_admin_scope(user) -> PartnerScope:
    """Whose administration records a user may read: a vendor admin everything; a
    partner admin the organisations where they hold the partner admin role (and the
    partners beneath a distributor granted downstream visibility), never more than
    :func:`resolve_partner_scope` gives them; everyone else nothing."""
    if user.is_vendor_staff:
        if user.vendor_role == VendorRole.VENDOR_ADMIN:
            return PartnerScope(everything=True)
        return NOTHING
    from openprm.accounts.selectors import memberships_active_for

    administered = [
        membership.partner
        for membership in memberships_active_for(user=user)
        if PartnerRole.PARTNER_ADMIN in membership.roles
    ]
    if not administered:
        return NOTHING
    return PartnerScope(
        partner_ids=frozenset(partner.pk for partner in administered),
        subtree_paths=tuple(
            partner.path for partner in administered if partner.downstream_visibility
        ),
    )
