"""Who may change a partner's profile, contacts and custom field definitions.

- A vendor admin: every partner, every field, and the custom field definitions.
- A channel manager: the partners in their scope (assigned to them or in their
  territories), every profile field.
- A partner admin: their own organisation (not the partners beneath a distributor),
  the partner-editable fields only (:data:`PARTNER_EDITABLE_FIELDS` and the custom
  fields marked editable by partners), and its contacts.
- Everyone else reads at most. A partner outside the actor's scope is 404.
"""

from openprm.accounts.choices import VendorRole
from openprm.core.errors import NotFound, PermissionDenied
from openprm.core.scoping import admin_scope_for, scope_for

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


def is_vendor_admin(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.vendor_role == VendorRole.VENDOR_ADMIN
    )


def profile_edit_level(user, partner) -> str | None:
    """``"vendor"`` (every field), ``"partner"`` (partner-editable fields) or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_vendor_staff:
        if user.vendor_role == VendorRole.VENDOR_ADMIN:
            return VENDOR
        if user.vendor_role == VendorRole.CHANNEL_MANAGER and scope_for(user).includes(
            partner
        ):
            return VENDOR
        return None
    if partner.pk in admin_scope_for(user).partner_ids:
        return PARTNER
    return None


def require_visible(user, partner) -> None:
    if not scope_for(user).includes(partner):
        raise NotFound


def require_profile_editor(user, partner) -> str:
    """The actor's edit level; 404 outside their scope, 403 when they only read."""
    require_visible(user, partner)
    level = profile_edit_level(user, partner)
    if level is None:
        raise PermissionDenied
    return level


def require_vendor_admin(user) -> None:
    if not is_vendor_admin(user):
        raise PermissionDenied


def can_create_partners(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.vendor_role in (VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MANAGER)
    )


def require_vendor_staff(user) -> None:
    """Vendor staff only (saved directory views, ...): everyone else gets 403."""
    if not getattr(user, "is_vendor_staff", False):
        raise PermissionDenied
