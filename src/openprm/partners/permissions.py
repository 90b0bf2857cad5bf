"""Who may do what with the partner database (see ``core.permissions``).

A rule is the role gate; whether the partner is in the actor's scope is the
selectors' business (404 outside it). Changing a profile is the one object-level
decision: :func:`profile_edit_level` says how much of it a user may change.
"""

from openprm.accounts.choices import VendorRole
from openprm.core.errors import NotFound, PermissionDenied
from openprm.core.permissions import Rule, is_active_user
from openprm.core.scoping import scope_for

# The partner admin role of a membership. Memberships (and their role names) sit
# above partners, so the role is named by its value here; a test holds the two equal.
PARTNER_ADMIN = "partner_admin"
SALES = "sales"

# Adding a partner or prospect: a channel manager's new partner is theirs.
CREATE = Rule(
    "partners.create", vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MANAGER]
)
# Changing a profile and its contacts: vendor admins every partner, channel managers
# the partners in their scope, partner admins their own organisation (not those
# beneath a distributor), its partner-editable fields only.
EDIT_PROFILE = Rule(
    "partners.edit_profile",
    vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MANAGER],
    partner=[PARTNER_ADMIN],
)
# Custom field definitions are the vendor's data model.
DEFINE_FIELDS = Rule("partners.define_fields", vendor=[VendorRole.VENDOR_ADMIN])
# Moving along the lifecycle; channel managers for the partners in their scope.
CHANGE_STATUS = Rule(
    "partners.change_status",
    vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MANAGER],
)
# The hierarchy: moving a partner beneath another, and whether a distributor sees
# the partners beneath it. Both change who sees whose data.
PLACE = Rule("partners.place", vendor=[VendorRole.VENDOR_ADMIN])
# Finding duplicates and merging them.
MERGE = Rule("partners.merge", vendor=[VendorRole.VENDOR_ADMIN])
# A distributor's people follow the resellers beneath it (their admins and
# salespeople; what they see of each follows its downstream visibility).
READ_RESELLERS = Rule("partners.read_resellers", partner=[PARTNER_ADMIN, SALES])
# Saved directory views: any vendor staff member keeps their own and reads shared ones.
SAVE_VIEWS = Rule("partners.save_views", vendor=VendorRole.values)

VENDOR = "vendor"
PARTNER = "partner"

# Profile fields a partner admin may change about their own organisation; the rest
# (names, types, country and region, external id, tags, domains, channel manager)
# decide routing, scoping and duplicates and stay with the vendor.
PARTNER_EDITABLE_FIELDS = frozenset(
    {
        "website",
        "street",
        "postal_code",
        "state",
        "city",
        "latitude",
        "longitude",
        "industries",
        "specialisations",
        "employee_band",
        "revenue_band",
        "languages",
        "logo",
        "custom_fields",
    }
)


def profile_edit_level(user, partner) -> str | None:
    """``"vendor"`` (every field), ``"partner"`` (partner-editable fields) or None.

    :data:`EDIT_PROFILE` decides by role: vendor staff need the partner in their
    scope as well; partner users the partner admin role in this very organisation.
    """
    if not is_active_user(user):
        return None
    if user.is_vendor_staff:
        if EDIT_PROFILE.allows(user) and scope_for(user).includes(partner):
            return VENDOR
        return None
    if EDIT_PROFILE.allows(user, partner_id=partner.pk):
        return PARTNER
    return None


def require_profile_editor(user, partner) -> str:
    """The actor's edit level; 404 outside their scope, 403 when they only read."""
    if not scope_for(user).includes(partner):
        raise NotFound
    level = profile_edit_level(user, partner)
    if level is None:
        raise PermissionDenied
    return level


# Names that callers in other apps not yet on the rules still use (console.views,
# integrations); their answers come from the rules above.
can_create_partners = CREATE.allows


def is_vendor_admin(user) -> bool:
    """Whether the user is an active vendor admin (integrations' import scopes)."""
    return is_active_user(user) and user.vendor_role == VendorRole.VENDOR_ADMIN
