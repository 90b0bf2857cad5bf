"""Access policies of saved directory views: vendor staff list, save and read
them (their own and shared ones); only the owner (here the vendor admin) changes or
deletes one; partner users are refused (403)."""

import uuid

from openprm.partners import permissions
from openprm.partners.tests.factories import SavedViewFactory
from openprm.testing.authz import (
    ALLOW,
    FORBID,
    LOGIN,
    SIGNED_OUT_ACTORS,
    Policy,
    vendor,
)

STAFF = vendor(rule=permissions.SAVE_VIEWS)
VIEWS = "api:{method} /api/v1/partners/views"


def owner_only(owner: str = "vendor_admin"):
    def expect(actor: str):
        if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
            return LOGIN
        return ALLOW if actor == owner else FORBID

    return expect


def shared_view(world):
    """A view shared with vendor staff, saved by the vendor admin."""
    return SavedViewFactory(owner=world.users["vendor_admin"], is_shared=True)


def api_kwargs(view):
    return {"view_id": view.public_id}


def web_kwargs(view):
    return {"public_id": view.public_id}


VIEW_POLICIES = [
    Policy(VIEWS.format(method="GET"), STAFF, make=shared_view),
    Policy(
        VIEWS.format(method="POST"),
        STAFF,
        data=lambda obj: {"name": f"View {uuid.uuid4()}", "query": "status=active"},
    ),
    Policy(
        VIEWS.format(method="GET") + "/{view_id}",
        STAFF,
        make=shared_view,
        kwargs=api_kwargs,
    ),
    Policy(
        VIEWS.format(method="PATCH") + "/{view_id}",
        owner_only(),
        make=shared_view,
        kwargs=api_kwargs,
        data=lambda obj: {"name": f"Renamed {uuid.uuid4()}"},
    ),
    Policy(
        VIEWS.format(method="DELETE") + "/{view_id}",
        owner_only(),
        make=shared_view,
        kwargs=api_kwargs,
    ),
]
