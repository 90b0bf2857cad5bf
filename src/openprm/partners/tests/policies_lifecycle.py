"""Access policies of the partner lifecycle pages and endpoints (included by
policies.py): vendor admins do everything; channel managers change the status of
their own partners (the harness's channel manager has none, so it gets 404); every
other signed-in actor is refused with 403 before any partner is looked up."""

from openprm.partners.tests.factories import PartnerFactory
from openprm.testing.authz import (
    ALLOW,
    FORBID,
    HIDE,
    LOGIN,
    SIGNED_OUT_ACTORS,
    Outcome,
    Policy,
    World,
)


def vendor_admin_only(actor: str) -> Outcome:
    if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
        return LOGIN
    return ALLOW if actor == "vendor_admin" else FORBID


def status_changers(actor: str) -> Outcome:
    """Vendor admins; channel managers past the gate, but the partner is not theirs."""
    if actor == "channel_manager":
        return HIDE
    return vendor_admin_only(actor)


def active_partner(world: World):
    return PartnerFactory(name="Matrix Active", parent=world.distributor)


def duplicate_pair(world: World):
    survivor = PartnerFactory(name="Matrix Survivor", parent=world.distributor)
    return survivor, PartnerFactory(name="Matrix Survivor Ltd")


def partner_kwargs(partner) -> dict:
    return {"public_id": partner.public_id}


def survivor_kwargs(pair) -> dict:
    return {"public_id": pair[0].public_id}


LIFECYCLE_POLICIES = [
    # Console pages.
    Policy(
        "web:console:partner_status_change",
        status_changers,
        method="POST",
        make=active_partner,
        kwargs=partner_kwargs,
        data=lambda partner: {"status": "suspended", "reason": "Matrix check"},
    ),
    Policy(
        "web:console:partner_move",
        vendor_admin_only,
        method="POST",
        make=active_partner,
        kwargs=partner_kwargs,
        data=lambda partner: {"parent": ""},
    ),
    Policy(
        "web:console:partner_duplicates",
        vendor_admin_only,
        query="?name=Matrix+Owner&website=",
    ),
    Policy(
        "web:console:partner_merge",
        vendor_admin_only,
        method="POST",
        make=duplicate_pair,
        kwargs=survivor_kwargs,
        data=lambda pair: {"duplicate": str(pair[1].public_id)},
    ),
    # API.
    Policy(
        "api:POST /api/v1/partners/{public_id}/status",
        status_changers,
        make=active_partner,
        kwargs=partner_kwargs,
        data=lambda partner: {"status": "suspended", "reason": "Matrix check"},
    ),
    Policy(
        "api:POST /api/v1/partners/{public_id}/move",
        vendor_admin_only,
        make=active_partner,
        kwargs=partner_kwargs,
        data=lambda partner: {"parent": None},
    ),
    Policy(
        "api:GET /api/v1/partners/duplicates",
        vendor_admin_only,
        query="?name=Matrix+Owner",
    ),
    Policy(
        "api:POST /api/v1/partners/{public_id}/merge",
        vendor_admin_only,
        make=duplicate_pair,
        kwargs=survivor_kwargs,
        data=lambda pair: {"duplicate": str(pair[1].public_id)},
    ),
]
