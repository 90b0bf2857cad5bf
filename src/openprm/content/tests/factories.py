"""Factories of the content app's rows, one block per part."""

import datetime

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openprm.content.choices import AssetKind
from openprm.content.models import Asset, AssetVersion, Folder
from openprm.segments.models import Audience

# --- Library


def pdf_bytes(text: str = "Partner price list") -> bytes:
    """A small, real PDF whose page holds ``text`` (fpdf2)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def pdf_upload(name: str = "price-list.pdf", text: str = "Partner price list"):
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


class AudienceFactory(factory.django.DjangoModelFactory):
    """An audience of every partner unless a rule is given."""

    class Meta:
        model = Audience

    name = factory.Sequence(lambda n: f"Audience {n:03d}")
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
    publish_at = factory.LazyFunction(
        lambda: timezone.now() - datetime.timedelta(days=1)
    )
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


def png_bytes(size=(8, 8), color=(13, 110, 253)) -> bytes:
    """A small, real PNG (Pillow)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name: str = "thumb.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


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
