"""Access policies of the partner profile pages and endpoints (included by
policies.py).

Reading follows the directory's scope: vendor staff (the harness's channel manager
has no partners: 404), the owner's users and the distributor above. Editing a
profile or its contacts: vendor admins, channel managers of the partner (404 for the
harness's), and the owner's partner admins; other owner roles, other vendor roles
and the distributor (which reads but does not edit) get 403; another partner 404.
Custom field definitions are written by vendor admins only.
"""

import itertools

from openprm.accounts.choices import VendorRole
from openprm.partners.models import Contact, CustomFieldDefinition
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
    gated,
    owned,
    partner_area,
    signed_in,
    vendor,
)

_keys = itertools.count()

readers = owned(
    partner_roles=list(PartnerRole.values),
    vendor_roles=[role for role in VendorRole.values if role != "channel_manager"],
)
vendor_admins = gated(vendor_roles=[VendorRole.VENDOR_ADMIN])
creators = gated(vendor_roles=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MANAGER])


def editors(actor: str) -> Outcome:
    if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
        return LOGIN
    if actor in ("channel_manager", "other_partner_admin"):
        return HIDE
    if actor in VENDOR_ACTORS:
        return ALLOW if actor == "vendor_admin" else FORBID
    if actor in OWNER_ACTORS:
        return ALLOW if actor == "owner_partner_admin" else FORBID
    return FORBID  # distributor_admin: sees the partner, does not edit it


def console_readers(actor: str) -> Outcome:
    """The console's partner page: vendor staff who see the partner."""
    if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
        return LOGIN
    if actor == "channel_manager":
        return HIDE
    return ALLOW if actor in VENDOR_ACTORS else FORBID


def console_editors(actor: str) -> Outcome:
    """Console forms: vendor admins and the partner's channel managers."""
    if actor == "channel_manager":
        return HIDE
    if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
        return LOGIN
    return ALLOW if actor == "vendor_admin" else FORBID


def definition_readers(actor: str) -> Outcome:
    """A definition not shown to partners: vendor staff read it, partners 404."""
    if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
        return LOGIN
    return ALLOW if actor in VENDOR_ACTORS else HIDE


def owner_contact(world: World) -> Contact:
    return Contact.objects.create(partner=world.owner, name="Matrix Contact")


def definition(world: World) -> CustomFieldDefinition:
    return CustomFieldDefinition.objects.create(
        key=f"matrix_{next(_keys)}", label="Matrix", field_type="text"
    )


def partner_kwargs(partner) -> dict:
    return {"public_id": partner.public_id}


def contact_kwargs(contact) -> dict:
    return {"public_id": contact.partner.public_id, "contact_id": contact.public_id}


def owner(world: World):
    return world.owner


API = "api:{} /api/v1{}"
PROFILE_POLICIES = [
    Policy(API.format("GET", "/partners"), signed_in()),
    Policy(
        API.format("POST", "/partners"),
        creators,
        data=lambda obj: {
            "name": f"Matrix New {next(_keys)}",
            "partner_type": "reseller",
            "country": "DE",
            "region": "EMEA",
        },
    ),
    Policy(
        API.format("GET", "/partners/{public_id}"),
        readers,
        make=owner,
        kwargs=partner_kwargs,
    ),
    Policy(
        API.format("PATCH", "/partners/{public_id}"),
        editors,
        make=owner,
        kwargs=partner_kwargs,
        data=lambda obj: {"city": f"City {next(_keys)}"},
    ),
    # The matrix sends JSON, not multipart: allowed uploads are tested in
    # test_logo_api.py; here only the refusals.
    Policy(
        API.format("POST", "/partners/{public_id}/logo"),
        editors,
        make=owner,
        kwargs=partner_kwargs,
        skip=("vendor_admin", "owner_partner_admin"),
    ),
    Policy(
        API.format("DELETE", "/partners/{public_id}/logo"),
        editors,
        make=owner,
        kwargs=partner_kwargs,
    ),
    Policy(
        API.format("GET", "/partners/{public_id}/contacts"),
        readers,
        make=owner,
        kwargs=partner_kwargs,
    ),
    Policy(
        API.format("POST", "/partners/{public_id}/contacts"),
        editors,
        make=owner,
        kwargs=partner_kwargs,
        data=lambda obj: {"name": "Matrix Person"},
    ),
    Policy(
        API.format("GET", "/partners/{public_id}/contacts/{contact_id}"),
        readers,
        make=owner_contact,
        kwargs=contact_kwargs,
    ),
    Policy(
        API.format("PATCH", "/partners/{public_id}/contacts/{contact_id}"),
        editors,
        make=owner_contact,
        kwargs=contact_kwargs,
        data=lambda obj: {"title": f"Title {next(_keys)}"},
    ),
    Policy(
        API.format("DELETE", "/partners/{public_id}/contacts/{contact_id}"),
        editors,
        make=owner_contact,
        kwargs=contact_kwargs,
    ),
    Policy(API.format("GET", "/custom-fields"), signed_in()),
    Policy(
        API.format("POST", "/custom-fields"),
        vendor_admins,
        data=lambda obj: {
            "key": f"matrix_new_{next(_keys)}",
            "label": "New",
            "field_type": "text",
        },
    ),
    Policy(
        API.format("GET", "/custom-fields/{key}"),
        definition_readers,
        make=definition,
        kwargs=lambda obj: {"key": obj.key},
    ),
    Policy(
        API.format("PATCH", "/custom-fields/{key}"),
        vendor_admins,
        make=definition,
        kwargs=lambda obj: {"key": obj.key},
        data=lambda obj: {"label": f"Label {next(_keys)}"},
    ),
    Policy(
        API.format("POST", "/custom-fields/{key}/deactivate"),
        vendor_admins,
        make=definition,
        kwargs=lambda obj: {"key": obj.key},
    ),
]

WEB_POLICIES = [
    Policy(
        "web:console:partner_detail",
        console_readers,
        make=owner,
        kwargs=partner_kwargs,
    ),
    Policy(
        "web:console:partner_edit", console_editors, make=owner, kwargs=partner_kwargs
    ),
    Policy(
        "web:console:partner_contact_create",
        console_editors,
        make=owner,
        kwargs=partner_kwargs,
    ),
    Policy(
        "web:console:partner_contact_edit",
        console_editors,
        make=owner_contact,
        kwargs=contact_kwargs,
    ),
    Policy(
        "web:console:partner_contact_delete",
        console_editors,
        method="POST",
        make=owner_contact,
        kwargs=contact_kwargs,
    ),
    Policy("web:console:custom_field_list", vendor(VendorRole.VENDOR_ADMIN)),
    Policy("web:console:custom_field_create", vendor(VendorRole.VENDOR_ADMIN)),
    Policy(
        "web:console:custom_field_edit",
        vendor(VendorRole.VENDOR_ADMIN),
        make=definition,
        kwargs=lambda obj: {"key": obj.key},
    ),
    Policy(
        "web:console:custom_field_deactivate",
        vendor(VendorRole.VENDOR_ADMIN),
        method="POST",
        make=definition,
        kwargs=lambda obj: {"key": obj.key},
    ),
    Policy("web:portal:organisation", partner_area()),
    Policy("web:portal:organisation_edit", partner_area(PartnerRole.PARTNER_ADMIN)),
]
PROFILE_POLICIES += WEB_POLICIES
