"""Writes of co-branding: setting an asset up (co-brandable, its zones), making a
partner's copy (cached), and recording its download.

The cached copy (``CobrandedCopy``) is derived data, keyed by the version, the
partner and the fingerprint of what was stamped: it is made again when any of them
changes, and the partner's older copies of the asset go (rows and files). Making it
is not a business action, so it writes no audit entry or event; the download is,
and records a ``ContentActivity`` and the ``content.downloaded`` event.
"""

import functools
from io import BytesIO

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageDraw

from openprm.content import permissions
from openprm.content.choices import ActivityKind, AssetKind
from openprm.content.cobranding import generation, selectors, zones
from openprm.content.cobranding.generation import CobrandingFailed, PartnerDetails
from openprm.content.models import Asset, CobrandedCopy, ContentActivity
from openprm.core import audit, events
from openprm.core.errors import ValidationFailed
from openprm.partners.models import Partner

COBRANDING_FIELDS = ["is_cobrandable", "cobrand_zones"]


@functools.lru_cache(maxsize=1)
def _sample_logo() -> bytes:
    image = Image.new("RGBA", (240, 80), (13, 110, 253, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 231, 71), outline=(255, 255, 255, 255), width=4)
    draw.text((120, 40), "LOGO", fill=(255, 255, 255, 255), anchor="mm", font_size=36)
    output = BytesIO()
    image.save(output, "PNG")
    return output.getvalue()


def sample_details() -> PartnerDetails:
    """Made-up details for the console's preview of the zones."""
    return PartnerDetails(
        name="Example Partner GmbH",
        website="https://partner.example",
        phone="+49 30 1234 5678",
        email="sales@partner.example",
        contact_name="Alex Example",
        logo=_sample_logo(),
    )


def _stored_zones(asset: Asset) -> list[zones.Zone]:
    parsed, errors = zones.parse(asset.cobrand_zones)
    if errors or not parsed:
        message = _("This asset's co-branding zones are not set up.")
        raise CobrandingFailed(message, field_errors={"zones": [str(message)]})
    return parsed


def checked_zones(*, asset: Asset, raw, is_cobrandable: bool) -> list[zones.Zone]:
    """``raw`` as zones, refused (``ValidationFailed`` by field) when their shape
    is wrong, they do not fit the current version's pages, or the asset cannot be
    co-branded."""
    parsed, errors = zones.parse(raw)
    if errors:
        raise ValidationFailed(field_errors=errors)
    version = asset.current_version
    if is_cobrandable:
        if asset.kind != AssetKind.FILE or version is None:
            raise ValidationFailed(
                field_errors={
                    "is_cobrandable": [
                        str(
                            _("Only a file with an uploaded version can be co-branded.")
                        )
                    ]
                }
            )
        if not parsed:
            raise ValidationFailed(
                field_errors={
                    "zones": [
                        str(_("Place at least one zone for the partner's details."))
                    ]
                }
            )
    if parsed and version is not None:
        boxes, unit = generation.page_boxes(selectors.original_bytes(version))
        if errors := zones.check_against_pages(parsed, boxes, unit=unit):
            raise ValidationFailed(field_errors=errors)
    return parsed


@transaction.atomic
def asset_cobranding_update(
    *, actor, asset: Asset, is_cobrandable: bool, zones_raw
) -> Asset:
    """Mark a file asset co-brandable (or not) and place its zones, checked against
    the current version's real pages."""
    permissions.MANAGE.ensure(actor)
    parsed = checked_zones(asset=asset, raw=zones_raw, is_cobrandable=is_cobrandable)
    before = audit.snapshot(asset, COBRANDING_FIELDS)
    asset.is_cobrandable = is_cobrandable
    asset.cobrand_zones = [zone.as_json() for zone in parsed]
    asset.save(update_fields=[*COBRANDING_FIELDS, "updated_at"])
    if audit.record_change(
        actor=actor, instance=asset, before=before, verb="content.cobranding_changed"
    ):
        events.emit(
            "content.cobranding_changed",
            payload={
                "asset": str(asset.public_id),
                "is_cobrandable": asset.is_cobrandable,
                "zones": asset.cobrand_zones,
            },
            actor=actor,
        )
    return asset


def preview(*, actor, asset: Asset, zones_raw=None) -> tuple[bytes, str]:
    """The current version with made-up details in ``zones_raw`` (default: the
    stored zones), and its MIME type; nothing is stored."""
    permissions.MANAGE.ensure(actor)
    raw = asset.cobrand_zones if zones_raw is None else zones_raw
    parsed = checked_zones(asset=asset, raw=raw, is_cobrandable=True)
    original = selectors.original_bytes(asset.current_version)
    return (
        generation.render(original, parsed, sample_details()),
        generation.content_type_of(original),
    )


def _drop_older_copies(*, asset: Asset, partner: Partner, keep: CobrandedCopy) -> None:
    older = CobrandedCopy.objects.filter(version__asset=asset, partner=partner).exclude(
        pk=keep.pk
    )
    names = [name for name in older.values_list("file", flat=True) if name]
    if not names:
        return
    older.delete()
    storage = keep.file.storage

    def remove() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove)


def cobranded_copy_get(*, partner: Partner, asset: Asset) -> tuple[CobrandedCopy, bool]:
    """The partner's copy of the asset's current version, from the cache when its
    fingerprint matches (``False``), else made now (``True``). ``asset`` comes from
    a selector that checked the reader may have it."""
    version = asset.current_version
    if not asset.is_cobrandable or version is None:
        raise CobrandingFailed(_("This asset is not co-brandable."))
    parsed = _stored_zones(asset)
    details = selectors.partner_details(partner=partner)
    fingerprint = generation.fingerprint(details, parsed)
    cached = selectors.cached_copy(
        version=version, partner=partner, fingerprint=fingerprint
    )
    if cached is not None:
        if cached.file and cached.file.storage.exists(cached.file.name):
            return cached, False
        cached.delete()  # its file is gone from storage: make it again
    original = selectors.original_bytes(version)
    data = generation.render(original, parsed, details)
    extension = generation.EXTENSIONS[generation.content_type_of(original)]
    copy = CobrandedCopy(version=version, partner=partner, fingerprint=fingerprint)
    copy.file.save(
        # Short enough for the field's 100 characters with its folders.
        f"{partner.pk}-{fingerprint[:32]}.{extension}",
        ContentFile(data),
        save=False,
    )
    try:
        with transaction.atomic():
            copy.save()
            _drop_older_copies(asset=asset, partner=partner, keep=copy)
    except IntegrityError:
        # Another request made the same copy meanwhile: serve that one.
        copy.file.delete(save=False)
        return (
            selectors.cached_copy(
                version=version, partner=partner, fingerprint=fingerprint
            ),
            False,
        )
    return copy, True


def cobranded_copy_download(
    *, actor, membership, asset: Asset
) -> tuple[CobrandedCopy, bool]:
    """A partner user downloads their organisation's copy: the copy (cached or
    made), recorded as a download of the version and announced as
    ``content.downloaded`` with ``"cobranded": true``."""
    partner = membership.partner
    copy, made = cobranded_copy_get(partner=partner, asset=asset)
    with transaction.atomic():
        ContentActivity.objects.create(
            partner=partner,
            user=actor,
            kind=ActivityKind.COBRANDED_DOWNLOAD,
            asset=asset,
            version=copy.version,
        )
        Asset.objects.filter(pk=asset.pk).update(downloads=F("downloads") + 1)
        events.emit(
            "content.downloaded",
            payload={
                "asset": str(asset.public_id),
                "title": asset.title,
                "version": copy.version.number,
                "partner": partner.pk,
                "user": str(actor.public_id),
                "cobranded": True,
            },
            actor=actor,
            partner_id=partner.pk,
        )
    return copy, made


def download_name(*, asset: Asset, partner: Partner, copy: CobrandedCopy) -> str:
    """The file name a partner's copy is saved as: the original's, with the
    partner's name."""
    original = copy.version.original_name or asset.title
    stem, _dot, extension = original.rpartition(".")
    if not stem:
        stem, extension = original, copy.file.name.rpartition(".")[2]
    partner_part = "".join(
        char if char.isalnum() else "-" for char in partner.name
    ).strip("-")
    return f"{stem}-{partner_part}.{extension}"
