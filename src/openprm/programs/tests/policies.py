"""Access policies of programmes and enrolments.

Definitions are read by all vendor staff and written by vendor admins; partner users
read the programmes they are enrolled in. Enrolments follow the partner scope and are
managed by vendor admins and by channel managers within their scope (the harness's
channel manager has no partners: 404 on someone's enrolment).
"""

from types import SimpleNamespace

from openprm.partners.tests.factories import PartnerFactory
from openprm.programs import permissions
from openprm.programs.tests.factories import (
    EnrolmentFactory,
    TierBenefitFactory,
    TierRequirementFactory,
    programme_with_tiers,
)
from openprm.testing.authz import (
    ALLOW,
    FORBID,
    HIDE,
    LOGIN,
    OWNER_ACTORS,
    SIGNED_OUT_ACTORS,
    VENDOR_ACTORS,
    Policy,
    owned,
    partner_area,
    signed_in,
    vendor,
)

ADMIN = vendor(rule=permissions.DEFINE)
STAFF = vendor()
ALL_VENDOR = list(VENDOR_ACTORS.values())
ALL_PARTNER = list(OWNER_ACTORS.values())
MANAGERS = tuple(permissions.MANAGE_ENROLMENTS.vendor)


def staff_scoped(*roles: str):
    """Vendor staff with ``roles`` on an object of world.owner: the unassigned
    channel manager gets 404; other staff and every partner user 403."""

    def expect(actor: str):
        if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
            return LOGIN
        if actor == "channel_manager" and actor in roles:
            return HIDE
        if actor in VENDOR_ACTORS and VENDOR_ACTORS[actor] in roles:
            return ALLOW
        return FORBID

    return expect


def enrolled_programme(actor: str):
    """A programme world.owner is enrolled in: all vendor staff, the owner's users
    and the distributor above; another partner gets 404."""
    if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
        return LOGIN
    if actor == "other_partner_admin":
        return HIDE
    return ALLOW


def enrolment(world):
    return EnrolmentFactory(partner=world.owner)


def programme(world):
    return enrolment(world).programme


def tier(world):
    return programme(world).tiers.get(rank=1)


def requirement(world):
    return TierRequirementFactory(tier=tier(world))


def benefit(world):
    return TierBenefitFactory(tier=tier(world))


def to_enrol(world):
    programme = programme_with_tiers()
    return SimpleNamespace(
        programme=programme, tier=programme.tiers.get(rank=1), partner=world.owner
    )


def to_enrol_managed(world):
    """What to enrol, for a partner the harness's channel manager manages (the
    owner is outside their scope), so that every allowed actor really enrols."""
    enrolment = to_enrol(world)
    enrolment.partner = PartnerFactory(channel_manager=world.users["channel_manager"])
    return enrolment


def programme_form(obj):
    return {"name": "Reseller", "slug": "reseller-x", "eligible_partner_types": "msp"}


def programme_kwargs(obj):
    return {"public_id": obj.public_id}


def tier_kwargs(obj):
    return {"public_id": obj.programme.public_id, "tier_id": obj.pk}


def requirement_kwargs(obj):
    return {**tier_kwargs(obj.tier), "requirement_id": obj.pk}


def benefit_kwargs(obj):
    return {**tier_kwargs(obj.tier), "benefit_id": obj.pk}


def enrolment_kwargs(obj):
    return {"public_id": obj.public_id}


def change_tier_data(obj):
    return {"tier": obj.programme.tiers.get(rank=2).pk, "reason": "Met the goals"}


def api_programme(obj):
    return {"programme_id": obj.public_id}


def api_tier(obj):
    return {"programme_id": obj.programme.public_id, "tier_id": obj.pk}


def api_enrolment(obj):
    return {"enrolment_id": obj.public_id}


PROGRAMMES = "api:{method} /api/v1/programmes"
TIERS = "/{programme_id}/tiers"
ENROLMENTS = "api:{method} /api/v1/enrolments"

POLICIES = [
    # Console pages.
    Policy("web:console:programme_list", STAFF),
    Policy("web:console:programme_create", ADMIN, method="POST", data=programme_form),
    Policy(
        "web:console:programme_detail",
        STAFF,
        make=programme,
        kwargs=programme_kwargs,
    ),
    Policy(
        "web:console:programme_update",
        ADMIN,
        method="POST",
        make=programme,
        kwargs=programme_kwargs,
        data=programme_form,
    ),
    Policy(
        "web:console:programme_tier_create",
        ADMIN,
        method="POST",
        make=programme,
        kwargs=programme_kwargs,
        data=lambda obj: {"name": "Platinum", "rank": "9"},
    ),
    Policy("web:console:programme_tier", ADMIN, make=tier, kwargs=tier_kwargs),
    Policy(
        "web:console:programme_tier_requirement_create",
        ADMIN,
        method="POST",
        make=tier,
        kwargs=tier_kwargs,
        data=lambda obj: {"metric": "active_users", "operator": ">=", "threshold": "3"},
    ),
    Policy(
        "web:console:programme_tier_requirement_delete",
        ADMIN,
        method="POST",
        make=requirement,
        kwargs=requirement_kwargs,
        data=lambda obj: {},
    ),
    Policy(
        "web:console:programme_tier_benefit_set",
        ADMIN,
        method="POST",
        make=tier,
        kwargs=tier_kwargs,
        data=lambda obj: {"kind": "fund_eligible", "value": "yes"},
    ),
    Policy(
        "web:console:programme_tier_benefit_delete",
        ADMIN,
        method="POST",
        make=benefit,
        kwargs=benefit_kwargs,
        data=lambda obj: {},
    ),
    Policy(
        "web:console:programme_enrol",
        vendor(rule=permissions.MANAGE_ENROLMENTS),
        method="POST",
        make=to_enrol_managed,
        data=lambda obj: {
            "partner": obj.partner.pk,
            "programme": obj.programme.public_id,
            "tier": obj.tier.pk,
        },
    ),
    Policy(
        "web:console:programme_enrolment",
        staff_scoped(*ALL_VENDOR),
        make=enrolment,
        kwargs=enrolment_kwargs,
    ),
    Policy(
        "web:console:programme_enrolment_change_tier",
        staff_scoped(*MANAGERS),
        method="POST",
        make=enrolment,
        kwargs=enrolment_kwargs,
        data=change_tier_data,
    ),
    Policy(
        "web:console:programme_enrolment_end",
        staff_scoped(*MANAGERS),
        method="POST",
        make=enrolment,
        kwargs=enrolment_kwargs,
        data=lambda obj: {"reason": "Left"},
    ),
    # Portal.
    Policy("web:portal:programme", partner_area(), make=enrolment),
    # API: programmes and their definitions.
    Policy(PROGRAMMES.format(method="GET"), signed_in(), make=enrolment),
    Policy(
        PROGRAMMES.format(method="POST"),
        ADMIN,
        data=lambda obj: {
            "name": "MSP",
            "slug": "msp-x",
            "eligible_partner_types": ["msp"],
        },
    ),
    Policy(
        PROGRAMMES.format(method="GET") + "/{programme_id}",
        enrolled_programme,
        make=programme,
        kwargs=api_programme,
    ),
    Policy(
        PROGRAMMES.format(method="PATCH") + "/{programme_id}",
        ADMIN,
        make=programme,
        kwargs=api_programme,
        data=lambda obj: {"description": "Changed"},
    ),
    Policy(
        PROGRAMMES.format(method="POST") + TIERS,
        ADMIN,
        make=programme,
        kwargs=api_programme,
        data=lambda obj: {"name": "Platinum", "rank": 9},
    ),
    Policy(
        PROGRAMMES.format(method="PATCH") + TIERS + "/{tier_id}",
        ADMIN,
        make=tier,
        kwargs=api_tier,
        data=lambda obj: {"name": "Bronze"},
    ),
    Policy(
        PROGRAMMES.format(method="POST") + TIERS + "/{tier_id}/requirements",
        ADMIN,
        make=tier,
        kwargs=api_tier,
        data=lambda obj: {"metric": "active_users", "operator": ">=", "threshold": 3},
    ),
    Policy(
        PROGRAMMES.format(method="PATCH")
        + TIERS
        + "/{tier_id}/requirements/{requirement_id}",
        ADMIN,
        make=requirement,
        kwargs=lambda obj: {**api_tier(obj.tier), "requirement_id": obj.pk},
        data=lambda obj: {"threshold": "12345"},
    ),
    Policy(
        PROGRAMMES.format(method="DELETE")
        + TIERS
        + "/{tier_id}/requirements/{requirement_id}",
        ADMIN,
        make=requirement,
        kwargs=lambda obj: {**api_tier(obj.tier), "requirement_id": obj.pk},
    ),
    Policy(
        PROGRAMMES.format(method="PUT") + TIERS + "/{tier_id}/benefits",
        ADMIN,
        make=tier,
        kwargs=api_tier,
        data=lambda obj: {"kind": "deal_protection_days", "value": 90},
    ),
    Policy(
        PROGRAMMES.format(method="DELETE") + TIERS + "/{tier_id}/benefits/{benefit_id}",
        ADMIN,
        make=benefit,
        kwargs=lambda obj: {**api_tier(obj.tier), "benefit_id": obj.pk},
    ),
    # API: enrolments.
    Policy(ENROLMENTS.format(method="GET"), signed_in(), make=enrolment),
    Policy(
        ENROLMENTS.format(method="POST"),
        staff_scoped(*MANAGERS),
        make=to_enrol,
        data=lambda obj: {
            "partner": obj.partner.pk,
            "programme": str(obj.programme.public_id),
            "tier": obj.tier.pk,
        },
    ),
    Policy(
        ENROLMENTS.format(method="GET") + "/{enrolment_id}",
        owned(partner_roles=ALL_PARTNER, vendor_roles=ALL_VENDOR),
        make=enrolment,
        kwargs=api_enrolment,
    ),
    Policy(
        ENROLMENTS.format(method="POST") + "/{enrolment_id}/change-tier",
        staff_scoped(*MANAGERS),
        make=enrolment,
        kwargs=api_enrolment,
        data=change_tier_data,
    ),
    Policy(
        ENROLMENTS.format(method="POST") + "/{enrolment_id}/end",
        staff_scoped(*MANAGERS),
        make=enrolment,
        kwargs=api_enrolment,
        data=lambda obj: {"reason": "Left"},
    ),
    Policy(
        ENROLMENTS.format(method="GET") + "/{enrolment_id}/tier-changes",
        owned(partner_roles=ALL_PARTNER, vendor_roles=ALL_VENDOR),
        make=enrolment,
        kwargs=api_enrolment,
    ),
]
