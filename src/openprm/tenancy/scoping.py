"""Who sees which partners, and who holds which roles where: the rules behind
``core.scoping`` and ``core.permissions`` (registered in ready())."""

from openprm.accounts.choices import VendorRole
from openprm.partners.choices import Region
from openprm.partners.scoping import NOTHING, PartnerScope
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.selectors import memberships_of_reader


def resolve_partner_scope(user) -> PartnerScope:
    """Vendor staff see all (channel managers: their partners and territories); a
    partner user sees their organisations, and a distributor granted downstream
    visibility also the partners beneath it. Nobody (None) sees nothing."""
    if user is None:
        return NOTHING
    if user.is_vendor_staff:
        if user.vendor_role != VendorRole.CHANNEL_MANAGER:
            return PartnerScope(everything=True)
        territories = [code.upper() for code in user.territories]
        # Region codes first: "NA" is North America here, not Namibia.
        return PartnerScope(
            manager_id=user.pk,
            regions=tuple(code for code in territories if code in Region.values),
            countries=tuple(code for code in territories if code not in Region.values),
        )
    partners = [membership.partner for membership in memberships_of_reader(user=user)]
    if not partners:
        return NOTHING
    return PartnerScope(
        partner_ids=frozenset(partner.pk for partner in partners),
        subtree_paths=tuple(
            partner.path for partner in partners if partner.downstream_visibility
        ),
    )


def resolve_partner_roles(user) -> dict[int, frozenset[str]]:
    """A partner user's roles in each organisation of their active memberships in
    partners that are not terminated, from the memberships the request reads
    anyway (the portal's guard, the partner scope): no query of its own once they
    are read (``core.permissions`` keeps the answer on the user object)."""
    return {
        membership.partner_id: frozenset(membership.roles)
        for membership in memberships_of_reader(user=user)
    }


def resolve_admin_scope(user) -> PartnerScope:
    """Whose administration records (audit entries) a user may read: a vendor admin
    everything; a partner admin the organisations where they hold the partner admin
    role — not the partners beneath a distributor, whose teams and accounts are
    their own business; everyone else nothing."""
    if user is None:
        return NOTHING
    if user.is_vendor_staff:
        if user.vendor_role == VendorRole.VENDOR_ADMIN:
            return PartnerScope(everything=True)
        return NOTHING
    administered = frozenset(
        partner_id
        for partner_id, roles in resolve_partner_roles(user).items()
        if PartnerRole.PARTNER_ADMIN in roles
    )
    if not administered:
        return NOTHING
    return PartnerScope(partner_ids=administered)
