"""Access policies of the kernel's routes (see openprm.testing.authz)."""

from openprm.accounts.choices import VendorRole
from openprm.core import audit, branding, events
from openprm.tenancy.choices import PartnerRole
from openprm.testing.authz import (
    ALLOW,
    FORBID,
    HIDE,
    LOGIN,
    OWNER_ACTORS,
    SIGNED_OUT_ACTORS,
    VENDOR_ACTORS,
    Outcome,
    Policy,
    World,
    partner_area,
    public,
    signed_in,
    superuser_admin,
    vendor,
)


def owners_audit_entry(world: World):
    return audit.record_create(
        actor=None, instance=world.owner, fields=["name"], verb="test.created"
    )


def owners_event(world: World):
    return events.emit(
        "matrix.checked", payload={"id": world.owner.pk}, partner_id=world.owner.pk
    )


def audit_reader(actor: str) -> Outcome:
    """The API's audit list: vendor admins and partner admins (each sees their own
    organisations' entries); every other role is refused."""
    if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
        return LOGIN
    if actor in VENDOR_ACTORS:
        return ALLOW if VENDOR_ACTORS[actor] == VendorRole.VENDOR_ADMIN else FORBID
    if actor in OWNER_ACTORS:
        return ALLOW if OWNER_ACTORS[actor] == PartnerRole.PARTNER_ADMIN else FORBID
    return ALLOW  # other_partner_admin, distributor_admin


def owners_audit_entry_via_api(actor: str) -> Outcome:
    """An entry about world.owner: neither a partner beside nor the distributor above
    knows it exists (downstream visibility does not extend to audit records)."""
    outcome = audit_reader(actor)
    return HIDE if actor in ("other_partner_admin", "distributor_admin") else outcome


def owners_audit_entry_in_portal(actor: str) -> Outcome:
    """Like the API, but vendor staff cannot open the portal at all."""
    return FORBID if actor in VENDOR_ACTORS else owners_audit_entry_via_api(actor)


AUDIT_ENTRY = {
    "make": owners_audit_entry,
    "kwargs": lambda entry: {"entry_id": entry.pk},
}
EVENT = {"make": owners_event, "kwargs": lambda event: {"event_id": event.uuid}}

POLICIES = [
    Policy("web:home", signed_in()),  # a redirect to the user's own area
    Policy("web:health", public()),
    Policy("web:favicon", public()),
    Policy("web:api:openapi-json", public()),
    Policy("web:api:openapi-view", public()),
    # The Django admin: superusers only; everyone else is sent to its sign-in page.
    Policy("web:admin:*", superuser_admin()),
    Policy("web:admin/*", superuser_admin()),
    Policy("web:admin:login", public()),
    Policy("web:admin:logout", public()),
    Policy("web:admin/(?P<url>.*)$", superuser_admin(), url="/admin/no-such-page/"),
    # The audit trail: vendor admins all of it, partner admins their organisations'.
    Policy("web:console:audit_list", vendor(VendorRole.VENDOR_ADMIN)),
    Policy("web:console:audit_detail", vendor(VendorRole.VENDOR_ADMIN), **AUDIT_ENTRY),
    Policy("web:portal:audit_list", partner_area(PartnerRole.PARTNER_ADMIN)),
    Policy("web:portal:audit_detail", owners_audit_entry_in_portal, **AUDIT_ENTRY),
    Policy("api:GET /api/v1/audit-entries", audit_reader),
    Policy(
        "api:GET /api/v1/audit-entries/{entry_id}",
        owners_audit_entry_via_api,
        **AUDIT_ENTRY,
    ),
    # The event outbox: vendor admins only.
    Policy("web:console:event_list", vendor(VendorRole.VENDOR_ADMIN)),
    Policy("web:branding_css", public()),
    Policy(
        "web:console:branding",
        vendor(rule=branding.MANAGE),
        method="POST",
        data=lambda obj: {"vendor_name": "Acme", "primary_colour": "#112233"},
    ),
    Policy("api:GET /api/v1/branding", vendor(rule=branding.MANAGE)),
    Policy(
        "api:PUT /api/v1/branding",
        vendor(rule=branding.MANAGE),
        data=lambda obj: {"vendor_name": "Acme", "primary_colour": "#112233"},
    ),
    Policy("web:console:event_detail", vendor(VendorRole.VENDOR_ADMIN), **EVENT),
    Policy(
        "web:console:event_replay",
        vendor(VendorRole.VENDOR_ADMIN),
        method="POST",
        data=lambda event: {},
        **EVENT,
    ),
    Policy("api:GET /api/v1/events", vendor(VendorRole.VENDOR_ADMIN)),
    Policy(
        "api:GET /api/v1/events/{event_id}", vendor(VendorRole.VENDOR_ADMIN), **EVENT
    ),
    Policy(
        "api:POST /api/v1/events/{event_id}/replay",
        vendor(VendorRole.VENDOR_ADMIN),
        data=lambda event: {},
        **EVENT,
    ),
]
