"""Access policies of co-branding (see openprm.testing.authz).

Console pages and the zones endpoints: vendor staff read (``content.read``), channel
marketing and admins write (``content.manage``). A co-branded copy: the users of a
partner in the asset's audience (world.owner here, by a tag only it carries); the
distributor above and another partner are outside it (404); vendor staff 403.
"""

from openprm.content import permissions
from openprm.content.tests.factories import (
    NAME_ZONE,
    AssetVersionFactory,
    AudienceFactory,
    FileAssetFactory,
    cobrandable_asset,
)
from openprm.partners.models import Partner
from openprm.testing.authz import (
    ALLOW,
    FORBID,
    HIDE,
    LOGIN,
    OWNER_ACTORS,
    SIGNED_OUT_ACTORS,
    Policy,
    partner_area,
    vendor,
)

MANAGERS = vendor(rule=permissions.MANAGE)
STAFF = vendor(rule=permissions.READ)
OWNER_TAG = "cobranding-owner"


def owners_audience(actor: str):
    """An asset for world.owner's audience: its users; the distributor and the
    other partner (outside the audience) 404; vendor staff 403."""
    if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
        return LOGIN
    if actor in OWNER_ACTORS:
        return ALLOW
    if actor in ("other_partner_admin", "distributor_admin"):
        return HIDE
    return FORBID


def owner_asset(world):
    """A co-brandable PDF (a text zone only) for an audience of world.owner."""
    Partner.objects.filter(pk=world.owner.pk).update(tags=[OWNER_TAG])
    audience = AudienceFactory(
        rule={"all": [{"field": "tags", "op": "any", "value": [OWNER_TAG]}]}
    )
    return cobrandable_asset(audience=audience, zones=[NAME_ZONE])


def plain_pdf(world):
    asset = FileAssetFactory()
    AssetVersionFactory(asset=asset)
    return asset


def public_kwargs(asset):
    return {"public_id": asset.public_id}


def asset_kwargs(asset):
    return {"asset_id": asset.public_id}


def copy_made(asset) -> bool:
    return asset.current_version.cobranded_copies.exists()


API = "api:{method} /api/v1/content/assets/{{asset_id}}/{path}"

POLICIES = [
    Policy("web:console:content_cobranding", STAFF),
    # The editor's GET has the same gate as its POST, declared here.
    Policy(
        "web:console:content_cobranding_edit",
        MANAGERS,
        method="POST",
        make=plain_pdf,
        kwargs=public_kwargs,
        data=lambda asset: {
            "is_cobrandable": "on",
            "zones-TOTAL_FORMS": "1",
            "zones-INITIAL_FORMS": "0",
            **{f"zones-0-{key}": str(value) for key, value in NAME_ZONE.items()},
        },
    ),
    Policy(
        "web:console:content_cobranding_preview",
        MANAGERS,
        make=owner_asset,
        kwargs=public_kwargs,
    ),
    Policy("web:portal:content_cobranded", partner_area()),
    Policy(
        "web:portal:content_cobranded_download",
        owners_audience,
        make=owner_asset,
        kwargs=public_kwargs,
    ),
    Policy(
        API.format(method="GET", path="cobranding"),
        STAFF,
        make=owner_asset,
        kwargs=asset_kwargs,
    ),
    Policy(
        API.format(method="PUT", path="cobranding"),
        MANAGERS,
        make=plain_pdf,
        kwargs=asset_kwargs,
        data=lambda asset: {"is_cobrandable": True, "zones": [NAME_ZONE]},
    ),
    Policy(
        API.format(method="POST", path="cobranded-copy"),
        owners_audience,
        make=owner_asset,
        kwargs=asset_kwargs,
        happened=copy_made,
    ),
    Policy(
        API.format(method="GET", path="cobranded-copy"),
        owners_audience,
        make=owner_asset,
        kwargs=asset_kwargs,
    ),
]
