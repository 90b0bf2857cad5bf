"""Factories of the content app's rows: assets, versions, folders, announcements."""

import hashlib
from datetime import timedelta
from io import BytesIO

import factory
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from fpdf import FPDF
from PIL import Image

from openprm.content.choices import AssetKind
from openprm.content.models import (
    Announcement,
    AnnouncementReceipt,
    Asset,
    AssetVersion,
    Folder,
)
from openprm.segments.models import Audience
from openprm.segments.tests.factories import (
    AudienceFactory as SegmentsAudienceFactory,
)


def pdf_bytes(*, pages: int = 2, size=(612, 792), text: str = "Original page") -> bytes:
    """A real PDF of ``pages`` pages of ``size`` points, each saying its number."""
    pdf = FPDF(unit="pt", format=size)
    pdf.set_compression(False)
    pdf.set_font("Helvetica", size=18)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.set_xy(72, 72)
        pdf.cell(text=f"{text} {number}")
    return bytes(pdf.output())


def image_bytes(*, size=(800, 400), image_format: str = "PNG", colour="white") -> bytes:
    output = BytesIO()
    Image.new("RGB", size, colour).save(output, image_format)
    return output.getvalue()


LOGO_ZONE = {"kind": "logo", "page": 1, "x": 36, "y": 720, "width": 144, "height": 48}
NAME_ZONE = {
    "kind": "text",
    "page": 1,
    "x": 360,
    "y": 730,
    "width": 216,
    "height": 20,
    "field": "name",
}


def pdf_upload(name: str = "price-list.pdf", text: str = "Partner price list"):
    """An uploaded one-page PDF saying ``text``."""
    data = pdf_bytes(pages=1, text=text)
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def png_upload(name: str = "thumb.png"):
    """An uploaded small PNG (a thumbnail)."""
    data = image_bytes(size=(8, 8), colour=(13, 110, 253))
    return SimpleUploadedFile(name, data, content_type="image/png")


class AudienceFactory(SegmentsAudienceFactory):
    """Every partner, unless given a rule (the segments' factory holds active ones)."""

    rule = factory.LazyFunction(lambda: {"all": []})


class FolderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Folder

    name = factory.Sequence(lambda n: f"Folder {n:03d}")


class AssetFactory(factory.django.DjangoModelFactory):
    """A live link asset for everyone (made directly: no audit entry or event);
    ``AssetFactory(kind="file")`` gets a first version holding a PDF."""

    class Meta:
        model = Asset
        skip_postgeneration_save = True

    kind = AssetKind.LINK
    title = factory.Sequence(lambda n: f"Asset {n:03d}")
    summary = "Material for partners."
    url = "https://example.com/material"
    audience = factory.SubFactory(AudienceFactory)
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    search_text = factory.LazyAttribute(lambda asset: asset.title.lower())

    @factory.post_generation
    def file(asset, create, extracted, **kwargs):
        if not create or asset.kind != AssetKind.FILE:
            return
        upload = extracted or pdf_upload()
        version = AssetVersion.objects.create(
            asset=asset,
            number=1,
            file=upload,
            original_name=upload.name,
            content_type="application/pdf",
            size=upload.size,
            sha256="0" * 64,
        )
        asset.current_version = version
        asset.url = ""
        asset.save(update_fields=["current_version", "url"])


class FileAssetFactory(AssetFactory):
    """A live file asset without a version: add one with ``AssetVersionFactory``."""

    kind = AssetKind.FILE
    url = ""

    @factory.post_generation
    def file(asset, create, extracted, **kwargs):
        """No first version (see the class)."""


class AssetVersionFactory(factory.django.DjangoModelFactory):
    """An uploaded file of an asset (a 2-page PDF unless ``data`` is given); made
    the asset's current version."""

    class Meta:
        model = AssetVersion

    asset = factory.SubFactory(FileAssetFactory)
    number = factory.Sequence(lambda n: n + 1)
    original_name = "brochure.pdf"
    content_type = "application/pdf"

    @classmethod
    def _create(cls, model_class, data: bytes | None = None, **fields):
        data = pdf_bytes() if data is None else data
        version = model_class(
            size=len(data), sha256=hashlib.sha256(data).hexdigest(), **fields
        )
        version.file.save(
            fields.get("original_name", "file.pdf"), ContentFile(data), save=False
        )
        version.save()
        asset = version.asset
        asset.current_version = version
        asset.save(update_fields=["current_version"])
        return version


def cobrandable_asset(
    *, data: bytes | None = None, zones=None, **asset_fields
) -> Asset:
    """A published co-brandable PDF asset with a logo and a name zone on page 1."""
    asset_fields.setdefault("is_cobrandable", True)
    asset = FileAssetFactory(
        cobrand_zones=[LOGO_ZONE, NAME_ZONE] if zones is None else zones,
        **asset_fields,
    )
    AssetVersionFactory(asset=asset, number=1, data=data)
    asset.refresh_from_db()
    return asset


def audience_of(partner, *, tag: str = "library-reader") -> Audience:
    """An audience holding ``partner`` alone (through a partner tag only it has)."""
    from openprm.partners.models import Partner

    tags = sorted({*(partner.tags or []), tag})
    Partner.objects.filter(pk=partner.pk).update(tags=tags)
    partner.tags = tags
    audience, _created = Audience.objects.get_or_create(
        name=f"Partners tagged {tag}",
        defaults={"rule": {"field": "tags", "op": "any", "value": [tag]}},
    )
    return audience


# --- announcements


class AnnouncementFactory(factory.django.DjangoModelFactory):
    """A live announcement, made directly (not announced: ``notified_at`` empty)."""

    class Meta:
        model = Announcement

    title = factory.Sequence(lambda n: f"Announcement {n:03d}")
    body = "<p>Our <strong>new price list</strong> applies from Monday.</p>"
    audience = factory.SubFactory(AudienceFactory)
    publish_at = factory.LazyFunction(timezone.now)


class AnnouncementReceiptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnouncementReceipt

    announcement = factory.SubFactory(AnnouncementFactory)
