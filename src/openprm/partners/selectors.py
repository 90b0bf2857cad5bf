from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from openprm.accounts.models import User
from openprm.core import scoping as core_scoping
from openprm.core import selectors as core_selectors
from openprm.core.errors import NotFound, PermissionDenied, ValidationFailed
from openprm.core.search import search_q
from openprm.partners import permissions
from openprm.partners.choices import PartnerType, Region
from openprm.partners.models import (
    DOMAIN_SEARCH,
    PARTNER_SEARCH,
    Contact,
    CustomFieldDefinition,
    Partner,
)


def partner_list_visible_to(*, user: User, search: str = "") -> QuerySet[Partner]:
    """Partners a console user may browse, with what the directory table shows."""
    partners = Partner.objects.visible_to(user).select_related("parent")
    if search:
        partners = partners.filter(search_q(search, PARTNER_SEARCH))
    return partners.order_by("name", "id")


def partner_counts_by_status(*, user: User) -> dict[str, int]:
    """Number of partners the user may see in each lifecycle status, for dashboards."""
    rows = (
        Partner.objects.visible_to(user)
        .values_list("status")
        .annotate(total=Count("id"))
        .order_by()
    )
    return dict(rows)


def empty_scope_reason(*, user: User) -> str:
    """Why a vendor user sees no partner, in their words: a channel manager's
    territories hold none and none is assigned to them, or there are none yet."""
    scope = core_scoping.scope_for(user)
    if not getattr(user, "is_vendor_staff", False) or scope.everything:
        return str(_("No partners yet: partners you add or import appear here."))
    places = [str(Region(code).label) for code in scope.regions]
    places += list(scope.countries)
    if not places:
        return str(
            _(
                "You look after no territory yet and no partner is assigned to you. "
                "A vendor admin sets your territories on your user page and assigns "
                "partners to you on their profiles."
            )
        )
    return str(
        _(
            "No partner is in your territories (%(places)s) or assigned to you. "
            "A vendor admin can change your territories or assign partners to you."
        )
    ) % {"places": ", ".join(places)}


# --- the partner database: profile, contacts, custom fields -------------------------

PARTNER_ORDERINGS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "created_at": ("created_at", "id"),
    "-created_at": ("-created_at", "-id"),
    "country": ("country", "name", "id"),
    "status": ("status", "name", "id"),
}


def partners_visible_to(
    *,
    user: User,
    status: str = "",
    partner_type: str = "",
    country: str = "",
    region: str = "",
    search: str = "",
    order: str = "name",
) -> QuerySet[Partner]:
    """The partner directory as the API lists it: scoped, filtered, sorted, with the
    domains and channel manager its rows show (one extra query per page)."""
    partners = Partner.objects.visible_to(user)
    if status:
        partners = partners.filter(status=status)
    if partner_type:
        # The primary type: filtering inside a JSON list is not portable to SQLite.
        partners = partners.filter(partner_type=partner_type)
    if country:
        partners = partners.filter(country=country.upper())
    if region:
        partners = partners.filter(region=region)
    if search:
        partners = partners.filter(search_q(search, PARTNER_SEARCH, DOMAIN_SEARCH))
    return (
        partners.select_related("channel_manager", "parent")
        .prefetch_related("domains")
        .order_by(*PARTNER_ORDERINGS.get(order, PARTNER_ORDERINGS["name"]))
    )


def partner_get(*, user: User, public_id) -> Partner:
    """One partner the user may see, by its public id; 404 otherwise."""
    partner = (
        Partner.objects.visible_to(user)
        .select_related("channel_manager", "parent")
        .prefetch_related("domains")
        .filter(public_id=public_id)
        .first()
    )
    if partner is None:
        raise NotFound
    return partner


def partner_public_id(*, user: User, partner_id: int):
    """The public id of a partner the user may see, by its id; None otherwise."""
    return (
        Partner.objects.visible_to(user)
        .filter(pk=partner_id)
        .values_list("public_id", flat=True)
        .first()
    )


def partner_children(*, user: User, partner: Partner) -> QuerySet[Partner]:
    """The partners directly beneath ``partner`` that the user may see."""
    return Partner.objects.visible_to(user).filter(parent=partner).order_by("name")


def resellers_visible_to(*, user: User, partner: Partner) -> QuerySet[Partner]:
    """The partners beneath ``partner`` (a distributor, at any depth) that the user
    may see: all of them when its downstream visibility is granted, none
    otherwise (the scope decides), each with its parent."""
    if partner.partner_type != PartnerType.DISTRIBUTOR:
        raise PermissionDenied
    permissions.READ_RESELLERS.ensure(user, partner_id=partner.pk)
    return (
        Partner.objects.visible_to(user)
        .filter(path__startswith=partner.path, depth__gt=partner.depth)
        .select_related("parent")
        .order_by("name", "id")
    )


def contacts_of(*, user: User, partner: Partner) -> QuerySet[Contact]:
    """A partner's contacts, as the user may see them."""
    return Contact.objects.visible_to(user).filter(partner=partner)


def contact_get(*, user: User, partner: Partner, public_id) -> Contact:
    contact = (
        contacts_of(user=user, partner=partner)
        .select_related("partner")
        .filter(public_id=public_id)
        .first()
    )
    if contact is None:
        raise NotFound
    return contact


def custom_field_definitions_for(
    *, user: User, include_inactive: bool = False
) -> QuerySet[CustomFieldDefinition]:
    """The custom fields a user may see (``custom_field_definitions_seen``)."""
    return custom_field_definitions_seen(
        by_vendor_staff=user.is_vendor_staff, include_inactive=include_inactive
    )


def custom_field_definitions_seen(
    *, by_vendor_staff: bool, include_inactive: bool = False
) -> QuerySet[CustomFieldDefinition]:
    """The custom fields a reader sees by their role (what a cached list's reader
    context holds): vendor staff all (active ones unless ``include_inactive``),
    partner users the active ones shown to partners."""
    definitions = CustomFieldDefinition.objects.all()
    if not by_vendor_staff:
        return definitions.filter(is_active=True, visible_to_partners=True)
    if not include_inactive:
        definitions = definitions.filter(is_active=True)
    return definitions


def custom_field_definition_get(*, user: User, key: str) -> CustomFieldDefinition:
    definition = (
        custom_field_definitions_for(user=user, include_inactive=True)
        .filter(key=key)
        .first()
    )
    if definition is None:
        raise NotFound
    return definition


def custom_values_for(
    *, partner: Partner, definitions: list[CustomFieldDefinition]
) -> dict:
    """The partner's custom field values that ``definitions`` (the reader's) show."""
    keys = {definition.key for definition in definitions}
    return {key: value for key, value in partner.custom_fields.items() if key in keys}


def partner_audit_history(*, user: User, partner: Partner, limit: int = 20) -> list:
    """The latest audit entries of a partner and its rows, for readers of the audit
    trail (empty for anyone else)."""
    if not core_selectors.can_read_audit_trail(user=user):
        return []
    return list(
        core_selectors.audit_entries_visible_to(
            user=user, filters=core_selectors.AuditFilters(partner_id=partner.pk)
        ).select_related("actor")[:limit]
    )


def channel_manager_for(*, public_id) -> User | None:
    """The active vendor staff member a partner may be assigned to."""
    if public_id is None:
        return None
    manager = (
        User.objects.filter(public_id=public_id, is_active=True)
        .exclude(vendor_role="")
        .first()
    )
    if manager is None:
        raise ValidationFailed(
            field_errors={"channel_manager": [_("No such member of vendor staff.")]}
        )
    return manager


def custom_field_definitions_editable_by(
    *, user: User, level: str | None
) -> list[CustomFieldDefinition]:
    """The active custom fields an editor at ``level`` (partners.permissions) sets."""
    definitions = CustomFieldDefinition.objects.filter(is_active=True)
    if level == permissions.PARTNER:
        return list(definitions.filter(editable_by_partners=True))
    return list(definitions) if level == permissions.VENDOR else []


def channel_managers() -> list[User]:
    """Vendor staff a partner may be assigned to, for the profile form."""
    return list(
        User.objects.filter(is_active=True).exclude(vendor_role="").order_by("email")
    )
