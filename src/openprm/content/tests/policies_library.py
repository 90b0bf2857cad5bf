"""Access policies of the library (see openprm.testing.authz).

Console: every vendor role reads the library and its usage (content.READ);
channel marketing and vendor admins write it (content.MANAGE); partner users get
403. A partner's engagement block is within the reader's partner scope (the
unassigned channel manager gets 404). Portal: an item is for its audience only —
here an audience holding world.owner alone, so another partner, even the
distributor above, gets 404; vendor staff get 403 (no membership).
"""

import uuid

from openprm.content import permissions
from openprm.content.choices import AssetKind
from openprm.content.tests.factories import (
    AssetFactory,
    audience_of,
    pdf_upload,
    png_upload,
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
    partner_area,
    signed_in,
    vendor,
)

READ = vendor(rule=permissions.READ)
MANAGE = vendor(rule=permissions.MANAGE)
API = "api:{method} /api/v1{path}"


def _signed_out(actor: str) -> bool:
    return actor in (*SIGNED_OUT_ACTORS, "revoked_token")


def console_scoped(actor: str):
    """A console page of world.owner's record: vendor staff in scope; the
    unassigned channel manager 404; partner users 403."""
    if _signed_out(actor):
        return LOGIN
    if actor == "channel_manager":
        return HIDE
    return ALLOW if actor in VENDOR_ACTORS else FORBID


def audience_reader(actor: str):
    """A portal item of an audience holding world.owner alone."""
    if _signed_out(actor):
        return LOGIN
    if actor in OWNER_ACTORS:
        return ALLOW
    return HIDE if actor in ("other_partner_admin", "distributor_admin") else FORBID


def api_audience_reader(actor: str):
    """The same item through the API: vendor staff read everything."""
    if _signed_out(actor):
        return LOGIN
    if actor in OWNER_ACTORS or actor in VENDOR_ACTORS:
        return ALLOW
    return HIDE


def link_asset(world):
    return AssetFactory()


def file_asset(world):
    return AssetFactory(kind=AssetKind.FILE)


def owner_file_asset(world):
    return AssetFactory(
        kind=AssetKind.FILE, audience=audience_of(world.owner), thumbnail=png_upload()
    )


def thumbnail_asset(world):
    return AssetFactory(thumbnail=png_upload())


def public_kwargs(asset):
    return {"public_id": asset.public_id}


def asset_kwargs(asset):
    return {"asset_id": asset.public_id}


def new_asset_data(asset):
    return {
        "kind": "link",
        "title": "Partner portal",
        "url": "https://example.com/portal",
        "audience": str(asset.audience.public_id),
    }


POLICIES = [
    Policy("web:console:library", READ),
    Policy(
        "web:console:library_asset_create",
        MANAGE,
        method="POST",
        make=link_asset,
        data=new_asset_data,
    ),
    Policy("web:console:library_expired", READ),
    Policy("web:console:library_folders", READ),
    Policy(
        "web:console:library_folder_create",
        MANAGE,
        method="POST",
        data=lambda obj: {"name": f"Folder {uuid.uuid4().hex[:8]}"},
    ),
    Policy(
        "web:console:library_partner_engagement",
        console_scoped,
        make=lambda world: world.owner,
        kwargs=public_kwargs,
    ),
    Policy("web:console:library_asset", READ, make=link_asset, kwargs=public_kwargs),
    Policy(
        "web:console:library_asset_edit",
        MANAGE,
        method="POST",
        make=link_asset,
        kwargs=public_kwargs,
        data=lambda asset: {**new_asset_data(asset), "title": "Renamed"},
    ),
    Policy(
        "web:console:library_version_add",
        MANAGE,
        method="POST",
        make=file_asset,
        kwargs=public_kwargs,
        files=lambda asset: {"file": pdf_upload("v2.pdf")},
    ),
    Policy(
        "web:console:library_version_download",
        READ,
        make=file_asset,
        kwargs=lambda asset: {"public_id": asset.public_id, "number": 1},
    ),
    Policy(
        "web:console:library_asset_unpublish",
        MANAGE,
        method="POST",
        make=link_asset,
        kwargs=public_kwargs,
    ),
    Policy(
        "web:console:library_thumbnail",
        READ,
        make=thumbnail_asset,
        kwargs=public_kwargs,
    ),
    Policy("web:console:library_usage", READ, make=link_asset, kwargs=public_kwargs),
    Policy("web:portal:library", partner_area()),
    Policy("web:portal:library_newest", partner_area()),
    Policy(
        "web:portal:library_asset",
        audience_reader,
        make=owner_file_asset,
        kwargs=public_kwargs,
    ),
    Policy(
        "web:portal:library_download",
        audience_reader,
        make=owner_file_asset,
        kwargs=public_kwargs,
    ),
    Policy(
        "web:portal:library_thumbnail",
        audience_reader,
        make=owner_file_asset,
        kwargs=public_kwargs,
    ),
    Policy(API.format(method="GET", path="/content/assets"), signed_in()),
    Policy(
        API.format(method="POST", path="/content/assets"),
        MANAGE,
        make=link_asset,
        data=new_asset_data,
    ),
    Policy(
        API.format(method="POST", path="/content/assets/files"),
        MANAGE,
        make=link_asset,
        data=lambda asset: {
            "title": "Datasheet",
            "audience": str(asset.audience.public_id),
        },
        files=lambda asset: {"file": pdf_upload()},
    ),
    Policy(
        API.format(method="GET", path="/content/assets/{asset_id}"),
        api_audience_reader,
        make=owner_file_asset,
        kwargs=asset_kwargs,
    ),
    Policy(
        API.format(method="PATCH", path="/content/assets/{asset_id}"),
        MANAGE,
        make=link_asset,
        kwargs=asset_kwargs,
        data=lambda asset: {"title": "Renamed"},
    ),
    Policy(
        API.format(method="POST", path="/content/assets/{asset_id}/versions"),
        MANAGE,
        make=file_asset,
        kwargs=asset_kwargs,
        files=lambda asset: {"file": pdf_upload("v2.pdf")},
    ),
    Policy(
        API.format(method="GET", path="/content/assets/{asset_id}/versions"),
        READ,
        make=file_asset,
        kwargs=asset_kwargs,
    ),
    Policy(
        API.format(method="GET", path="/content/assets/{asset_id}/download"),
        api_audience_reader,
        make=owner_file_asset,
        kwargs=asset_kwargs,
    ),
    Policy(
        API.format(method="GET", path="/content/assets/{asset_id}/usage"),
        READ,
        make=link_asset,
        kwargs=asset_kwargs,
    ),
    Policy(API.format(method="GET", path="/content/folders"), READ),
    Policy(
        API.format(method="POST", path="/content/folders"),
        MANAGE,
        data=lambda obj: {"name": f"Folder {uuid.uuid4().hex[:8]}"},
    ),
    Policy(API.format(method="GET", path="/content/tags"), READ),
    Policy(
        API.format(method="POST", path="/content/tags"),
        MANAGE,
        data=lambda obj: {"name": f"tag-{uuid.uuid4().hex[:8]}"},
    ),
]
