"""Access policies of the partner lifecycle pages and endpoints (included by
policies.py): vendor admins do everything; channel managers change the status of
their own partners (the harness's channel manager has none, so it gets 404); every
other signed-in actor is refused with 403 before any partner is looked up. Whether
a distributor sees the partners beneath it is read by whoever sees it."""

from openprm.partners import permissions
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory
from openprm.partners.tests.policies_profile import readers
from openprm.testing.authz import HIDE, Outcome, Policy, World, vendor

placers = vendor(rule=permissions.PLACE)
mergers = vendor(rule=permissions.MERGE)


def status_changers(actor: str) -> Outcome:
    """The rule's roles; the harness's channel manager passes the gate, but the
    partner is not theirs (404)."""
    if actor == "channel_manager":
        return HIDE
    return vendor(rule=permissions.CHANGE_STATUS)(actor)


def active_partner(world: World):
    return PartnerFactory(name="Matrix Active", parent=world.distributor)


def owner_distributor(world: World):
    """A distributor beneath world.owner without downstream visibility yet."""
    return PartnerFactory(
        name="Matrix Sub-distributor", partner_type="distributor", parent=world.owner
    )


def sees_downstream(partner: Partner) -> bool:
    return Partner.objects.get(pk=partner.pk).downstream_visibility


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
        placers,
        method="POST",
        make=active_partner,
        kwargs=partner_kwargs,
        data=lambda partner: {"parent": ""},
    ),
    Policy(
        "web:console:partner_duplicates",
        mergers,
        query="?name=Matrix+Owner&website=",
    ),
    Policy(
        "web:console:partner_merge",
        mergers,
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
        placers,
        make=active_partner,
        kwargs=partner_kwargs,
        data=lambda partner: {"parent": None},
    ),
    Policy(
        "api:GET /api/v1/partners/duplicates",
        mergers,
        query="?name=Matrix+Owner",
    ),
    Policy(
        "api:POST /api/v1/partners/{public_id}/merge",
        mergers,
        make=duplicate_pair,
        kwargs=survivor_kwargs,
        data=lambda pair: {"duplicate": str(pair[1].public_id)},
    ),
    Policy(
        "api:GET /api/v1/partners/{public_id}/downstream-visibility",
        readers,
        make=lambda world: world.owner,
        kwargs=partner_kwargs,
    ),
    Policy(
        "api:PUT /api/v1/partners/{public_id}/downstream-visibility",
        placers,
        make=owner_distributor,
        kwargs=partner_kwargs,
        data=lambda partner: {"downstream_visibility": True},
        happened=sees_downstream,
    ),
]
