"""Access policies of segments and static lists.

Every vendor role reads segments (members within their own scope); vendor admins
and channel marketing write them; partner users are refused (403).
"""

import json
import uuid

from openprm.segments import permissions
from openprm.segments.models import Audience, Segment
from openprm.segments.tests.factories import (
    AudienceFactory,
    SegmentFactory,
    StaticListFactory,
    StaticListMemberFactory,
)
from openprm.testing.authz import HIDE, Policy, vendor

STAFF = vendor(rule=permissions.READ)
EDITORS = vendor(rule=permissions.EDIT)
RULE = {"all": [{"field": "region", "op": "eq", "value": "EMEA"}]}


def saved_nothing(obj) -> bool:
    """A preview only counts the partners a draft rule selects: it writes no audit
    entry or event, so what shows it ran as a preview is that no segment was saved."""
    return not Segment.objects.exists()


def segment(world):
    return SegmentFactory()


def static_list(world):
    return StaticListFactory()


def listed(world):
    return StaticListMemberFactory(partner=world.owner).segment


def web_kwargs(obj):
    return {"public_id": obj.public_id}


def api_kwargs(obj):
    return {"segment_id": obj.public_id}


SEGMENTS = "api:{method} /api/v1/segments"

POLICIES = [
    # Console pages.
    Policy("web:console:segment_list", STAFF, make=segment),
    Policy(
        "web:console:segment_create",
        EDITORS,
        method="POST",
        data=lambda obj: {"name": f"List {uuid.uuid4()}", "kind": "static"},
    ),
    Policy(
        "web:console:segment_preview",
        EDITORS,
        method="POST",
        data=lambda obj: {"rule": '{"field": "region", "op": "eq", "value": "NA"}'},
        happened=saved_nothing,
    ),
    Policy(
        "web:console:segment_rule_builder",
        EDITORS,
        method="POST",
        data=lambda obj: {
            "rule_mode": "builder",
            "cond": "0",
            "cond-0-field": "region",
            "cond-0-op": "eq",
            "cond-0-value": "NA",
        },
        happened=saved_nothing,
    ),
    Policy("web:console:segment_detail", STAFF, make=listed, kwargs=web_kwargs),
    Policy("web:console:segment_count", STAFF, make=segment, kwargs=web_kwargs),
    # Exports: any vendor staff, rows limited to their scope (test_exports.py).
    Policy("web:console:segment_export_csv", STAFF, make=listed, kwargs=web_kwargs),
    Policy("web:console:segment_export_xlsx", STAFF, make=listed, kwargs=web_kwargs),
    Policy(
        "web:console:segment_update",
        EDITORS,
        method="POST",
        make=segment,
        kwargs=web_kwargs,
        data=lambda obj: {
            "name": f"Renamed {uuid.uuid4()}",
            "kind": "dynamic",
            "rule": json.dumps(RULE),
        },
    ),
    Policy(
        "web:console:segment_delete",
        EDITORS,
        method="POST",
        make=segment,
        kwargs=web_kwargs,
        data=lambda obj: {},
    ),
    Policy(
        "web:console:segment_member_add",
        EDITORS,
        method="POST",
        make=lambda world: (static_list(world), world.owner),
        kwargs=lambda obj: web_kwargs(obj[0]),
        data=lambda obj: {"partner": obj[1].pk},
    ),
    Policy(
        "web:console:segment_member_remove",
        EDITORS,
        method="POST",
        make=lambda world: (listed(world), world.owner),
        kwargs=lambda obj: web_kwargs(obj[0]),
        data=lambda obj: {"partner": obj[1].pk},
    ),
    # API.
    Policy(SEGMENTS.format(method="GET"), STAFF, make=segment),
    Policy(
        SEGMENTS.format(method="POST"),
        EDITORS,
        data=lambda obj: {
            "name": f"EMEA {uuid.uuid4()}",
            "kind": "dynamic",
            "rule": RULE,
        },
    ),
    Policy(
        SEGMENTS.format(method="POST") + "/preview",
        EDITORS,
        data=lambda obj: {"rule": RULE},
        happened=saved_nothing,
    ),
    Policy(
        SEGMENTS.format(method="GET") + "/{segment_id}",
        STAFF,
        make=segment,
        kwargs=api_kwargs,
    ),
    Policy(
        SEGMENTS.format(method="PATCH") + "/{segment_id}",
        EDITORS,
        make=segment,
        kwargs=api_kwargs,
        data=lambda obj: {"description": "Changed"},
    ),
    Policy(
        SEGMENTS.format(method="DELETE") + "/{segment_id}",
        EDITORS,
        make=segment,
        kwargs=api_kwargs,
    ),
    Policy(
        SEGMENTS.format(method="GET") + "/{segment_id}/members",
        STAFF,
        make=listed,
        kwargs=api_kwargs,
    ),
    Policy(
        SEGMENTS.format(method="GET") + "/{segment_id}/export.csv",
        STAFF,
        make=listed,
        kwargs=api_kwargs,
    ),
    Policy(
        SEGMENTS.format(method="GET") + "/{segment_id}/export.xlsx",
        STAFF,
        make=listed,
        kwargs=api_kwargs,
    ),
    Policy(
        SEGMENTS.format(method="POST") + "/{segment_id}/members",
        EDITORS,
        make=lambda world: (static_list(world), world.owner),
        kwargs=lambda obj: api_kwargs(obj[0]),
        data=lambda obj: {"partner": obj[1].pk},
    ),
    Policy(
        SEGMENTS.format(method="DELETE") + "/{segment_id}/members/{partner_id}",
        EDITORS,
        make=lambda world: (listed(world), world.owner),
        kwargs=lambda obj: {**api_kwargs(obj[0]), "partner_id": obj[1].pk},
    ),
]


# Audiences: every vendor role reads them; vendor admins and channel marketing
# manage them; partner users get 403 everywhere.
AUDIENCE_STAFF = vendor(rule=permissions.AUDIENCE_READ)
AUDIENCE_MANAGERS = vendor(rule=permissions.AUDIENCE_MANAGE)
AUDIENCES = "api:{method} /api/v1/audiences"


def audience(world):
    return AudienceFactory()


def previewed_only(obj) -> bool:
    """A preview counts a draft's reach: it saves no audience."""
    return not Audience.objects.exists()


def audience_form(obj) -> dict:
    return {
        "name": f"Audience {uuid.uuid4()}",
        "rule": json.dumps(RULE),
        "partner_roles": ["marketing", "technical"],
        "is_active": "on",
    }


def explain_owner(actor: str):
    """Staff in scope of world.owner: the unassigned channel manager gets 404."""
    return HIDE if actor == "channel_manager" else AUDIENCE_STAFF(actor)


POLICIES += [
    Policy("web:console:audience_list", AUDIENCE_STAFF, make=audience),
    Policy(
        "web:console:audience_create",
        AUDIENCE_MANAGERS,
        method="POST",
        data=audience_form,
    ),
    Policy(
        "web:console:audience_preview",
        AUDIENCE_MANAGERS,
        method="POST",
        data=lambda obj: {"rule": json.dumps(RULE), "partner_roles": ["sales"]},
        happened=previewed_only,
    ),
    Policy(
        "web:console:audience_rule_builder",
        AUDIENCE_MANAGERS,
        method="POST",
        data=lambda obj: {"rule_mode": "builder", "builder_action": "add"},
        happened=previewed_only,
    ),
    Policy(
        "web:console:audience_explain",
        AUDIENCE_STAFF,
        make=lambda world: world.owner,
        query="?q=a",
    ),
    Policy(
        "web:console:audience_update",
        AUDIENCE_MANAGERS,
        method="POST",
        make=audience,
        kwargs=web_kwargs,
        data=audience_form,
    ),
    Policy(
        "web:console:audience_deactivate",
        AUDIENCE_MANAGERS,
        method="POST",
        make=audience,
        kwargs=web_kwargs,
        data=lambda obj: {},
    ),
    Policy(AUDIENCES.format(method="GET"), AUDIENCE_STAFF, make=audience),
    Policy(
        AUDIENCES.format(method="POST"),
        AUDIENCE_MANAGERS,
        data=lambda obj: {
            "name": f"EMEA {uuid.uuid4()}",
            "rule": RULE,
            "partner_roles": ["sales"],
        },
    ),
    Policy(
        AUDIENCES.format(method="POST") + "/preview",
        AUDIENCE_MANAGERS,
        data=lambda obj: {"rule": RULE, "partner_roles": []},
        happened=previewed_only,
    ),
    Policy(
        AUDIENCES.format(method="GET") + "/{audience_id}",
        AUDIENCE_STAFF,
        make=audience,
        kwargs=lambda obj: {"audience_id": obj.public_id},
    ),
    Policy(
        AUDIENCES.format(method="PATCH") + "/{audience_id}",
        AUDIENCE_MANAGERS,
        make=audience,
        kwargs=lambda obj: {"audience_id": obj.public_id},
        data=lambda obj: {"description": "Changed"},
    ),
    Policy(
        AUDIENCES.format(method="GET") + "/{audience_id}/reach",
        AUDIENCE_STAFF,
        make=audience,
        kwargs=lambda obj: {"audience_id": obj.public_id},
    ),
    Policy(
        "api:GET /api/v1/partners/{public_id}/audiences",
        explain_owner,
        make=lambda world: (AudienceFactory(), world.owner)[1],
        kwargs=lambda obj: {"public_id": obj.public_id},
    ),
]
