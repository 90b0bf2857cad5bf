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
from openprm.partners import permissions
from openprm.partners.models import Contact, CustomFieldDefinition
from openprm.partners.tests.profile_helpers import png_upload
from openprm.tenancy.choices import PartnerRole
from openprm.testing.authz import (
    ALLOW,
    FORBID,
    HIDE,
    LOGIN,
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
vendor_admins = gated(rule=permissions.DEFINE_FIELDS)
creators = gated(rule=permissions.CREATE)


def editors(actor: str) -> Outcome:
    """The rule's roles, on world.owner: the harness's channel manager has no
    partners and another partner does not see it (404); the distributor above sees
    it but holds its admin role in its own organisation (403)."""
    if actor in ("channel_manager", "other_partner_admin"):
        return HIDE
    if actor == "distributor_admin":
        return FORBID
    return gated(rule=permissions.EDIT_PROFILE)(actor)


def console_readers(actor: str) -> Outcome:
    """The console's partner page: vendor staff who see the partner."""
    if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
        return LOGIN
    if actor == "channel_manager":
        return HIDE
    return ALLOW if actor in VENDOR_ACTORS else FORBID


def console_editors(actor: str) -> Outcome:
    """Console forms: the rule's vendor roles; the harness's channel manager has no
    partners (404)."""
    if actor == "channel_manager":
        return HIDE
    return vendor(rule=permissions.EDIT_PROFILE)(actor)


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


def logo(obj) -> dict:
    """A real upload: a small PNG made by Pillow."""
    return {"logo": png_upload()}


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
    Policy(
        API.format("POST", "/partners/{public_id}/logo"),
        editors,
        make=owner,
        kwargs=partner_kwargs,
        files=logo,
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
    Policy("web:console:custom_field_list", vendor(rule=permissions.DEFINE_FIELDS)),
    Policy("web:console:custom_field_create", vendor(rule=permissions.DEFINE_FIELDS)),
    Policy(
        "web:console:custom_field_edit",
        vendor(rule=permissions.DEFINE_FIELDS),
        make=definition,
        kwargs=lambda obj: {"key": obj.key},
    ),
    Policy(
        "web:console:custom_field_deactivate",
        vendor(rule=permissions.DEFINE_FIELDS),
        method="POST",
        make=definition,
        kwargs=lambda obj: {"key": obj.key},
    ),
    Policy("web:portal:organisation", partner_area()),
    Policy("web:portal:organisation_edit", partner_area(rule=permissions.EDIT_PROFILE)),
]
PROFILE_POLICIES += WEB_POLICIES
