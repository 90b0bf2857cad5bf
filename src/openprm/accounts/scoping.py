"""Who sees which partners: the rule behind ``visible_to`` (registered in ready())."""

import json

from openprm.accounts.choices import PartnerRole, VendorRole
from openprm.core.db import PreparedQuery
from openprm.core.scoping import NOTHING, PartnerScope
from openprm.partners.choices import Region


def resolve_partner_scope(user) -> PartnerScope:
    """Vendor staff see all (channel managers: their partners and territories); a
    partner user sees their organisations, and a distributor granted downstream
    visibility also the partners beneath it."""
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


def _admin_memberships_query(user):
    # ``user`` is the prepared query's slot for the reader's id.
    from openprm.accounts.selectors import memberships_active_for

    return (
        memberships_active_for(user=user).order_by().values_list("partner_id", "roles")
    )


# The rule of memberships_active_for, compiled once: it runs on every API call of a
# partner admin, where compiling it cost more than the audit list's own work.
_admin_memberships = PreparedQuery(_admin_memberships_query)


def resolve_admin_scope(user) -> PartnerScope:
    """Whose administration records (audit entries) a user may read: a vendor admin
    everything; a partner admin the organisations where they hold the partner admin
    role — not the partners beneath a distributor, whose teams and accounts are
    their own business; everyone else nothing."""
    if user.is_vendor_staff:
        if user.vendor_role == VendorRole.VENDOR_ADMIN:
            return PartnerScope(everything=True)
        return NOTHING
    administered = set()
    for partner_id, roles in _admin_memberships.rows(user.pk):
        # The raw column: JSON text on SQLite and PostgreSQL (as Django loads it).
        if isinstance(roles, str):
            roles = json.loads(roles)
        if PartnerRole.PARTNER_ADMIN in roles:
            administered.add(partner_id)
    if not administered:
        return NOTHING
    return PartnerScope(partner_ids=frozenset(administered))
