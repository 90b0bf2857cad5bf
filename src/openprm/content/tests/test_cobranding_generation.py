"""Generation: the partner's copy carries its details; the original is only read."""

from io import BytesIO

import pytest
from PIL import Image
from pypdf import PdfReader

from openprm.content.cobranding import generation, zones
from openprm.content.cobranding.generation import CobrandingFailed, PartnerDetails
from openprm.content.tests.factories import (
    LOGO_ZONE,
    NAME_ZONE,
    image_bytes,
    pdf_bytes,
)

LOGO = image_bytes(size=(200, 80), colour="red")
DETAILS = PartnerDetails(
    name="Contoso Reseller",
    website="https://contoso.example",
    phone="+49 30 555 0100",
    email="dana@contoso.example",
    contact_name="Dana Seller",
    logo=LOGO,
)


def parsed(*raw) -> list[zones.Zone]:
    result, errors = zones.parse(list(raw))
    assert errors == {}
    return result


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(data)).pages]


def test_the_copy_carries_the_partners_details_on_the_zones_pages():
    original = pdf_bytes(pages=3)
    website = {**NAME_ZONE, "page": 3, "field": "website", "y": 40}

    copy = generation.render(original, parsed(LOGO_ZONE, NAME_ZONE, website), DETAILS)

    texts = page_texts(copy)
    assert "Contoso Reseller" in texts[0]
    assert "Original page 1" in texts[0]
    assert "Contoso" not in texts[1]
    assert "https://contoso.example" in texts[2]


def test_the_copy_has_the_logo_as_an_image_on_page_one():
    copy = generation.render(pdf_bytes(), parsed(LOGO_ZONE), DETAILS)

    pages = PdfReader(BytesIO(copy)).pages
    assert len(pages[0].images) == 1
    assert len(pages[1].images) == 0


def test_the_original_bytes_are_unchanged():
    original = pdf_bytes()
    before = bytes(original)

    copy = generation.render(original, parsed(LOGO_ZONE, NAME_ZONE), DETAILS)

    assert original == before
    assert copy != original


def test_every_text_field_can_be_stamped():
    fields = ["name", "website", "phone", "email", "contact_name"]
    raw = [
        {**NAME_ZONE, "field": field, "y": 700 - 30 * i}
        for i, field in enumerate(fields)
    ]

    text = page_texts(generation.render(pdf_bytes(pages=1), parsed(*raw), DETAILS))[0]

    for value in [
        "Contoso Reseller",
        "contoso.example",
        "+49 30 555 0100",
        "dana@",
        "Dana Seller",
    ]:
        assert value in text


def test_an_empty_detail_leaves_its_zone_blank():
    details = PartnerDetails(name="Contoso Reseller")
    phone = {**NAME_ZONE, "field": "phone"}

    copy = generation.render(pdf_bytes(pages=1), parsed(phone), details)

    assert page_texts(copy) == ["Original page 1"]


def test_a_landscape_page_and_an_offset_media_box_are_stamped():
    original = pdf_bytes(pages=1, size=(842, 595))
    zone = {**NAME_ZONE, "x": 600, "y": 500}

    copy = generation.render(original, parsed(zone), DETAILS)

    page = PdfReader(BytesIO(copy)).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (842.0, 595.0)
    assert "Contoso Reseller" in page.extract_text()


def test_a_long_name_shrinks_to_its_zone():
    details = PartnerDetails(name="A very long partner name " * 4)
    zone = {**NAME_ZONE, "width": 100}

    copy = generation.render(pdf_bytes(pages=1), parsed(zone), details)

    assert "A very long" in page_texts(copy)[0]


def test_a_corrupt_pdf_is_refused_with_a_clear_message():
    with pytest.raises(CobrandingFailed) as refused:
        generation.render(b"%PDF-1.7\nnot really a pdf", parsed(NAME_ZONE), DETAILS)

    assert refused.value.field_errors == {
        "file": [
            "The file could not be read as a PDF: it may be damaged. "
            "Upload a new version."
        ]
    }


def test_zones_on_pages_a_new_version_lacks_are_refused():
    footer = {**NAME_ZONE, "page": 3}

    with pytest.raises(CobrandingFailed) as refused:
        generation.render(pdf_bytes(pages=2), parsed(footer), DETAILS)

    assert refused.value.field_errors == {
        "zones": [
            "The co-branding zones do not fit this version (it has 2 pages): they "
            "must be placed again."
        ]
    }


def test_a_file_that_is_neither_pdf_nor_image_is_refused():
    with pytest.raises(CobrandingFailed) as refused:
        generation.render(b"<html></html>", parsed(NAME_ZONE), DETAILS)

    assert refused.value.field_errors == {
        "file": ["Only PDF, PNG and JPEG files can be co-branded."]
    }


def test_a_logo_zone_without_a_logo_says_so():
    details = PartnerDetails(name="Contoso Reseller")

    with pytest.raises(CobrandingFailed) as refused:
        generation.render(pdf_bytes(), parsed(LOGO_ZONE, NAME_ZONE), details)

    assert refused.value.field_errors == {
        "logo": [
            "Contoso Reseller has no logo yet, and this asset places one: a partner "
            "admin adds it on the organisation's profile."
        ]
    }


def test_text_only_zones_need_no_logo():
    details = PartnerDetails(name="Contoso Reseller")

    copy = generation.render(pdf_bytes(), parsed(NAME_ZONE), details)

    assert "Contoso Reseller" in page_texts(copy)[0]


def test_an_image_gets_the_logo_pasted_and_keeps_its_format():
    original = image_bytes(size=(800, 400), image_format="JPEG")
    logo_zone = {
        "kind": "logo",
        "page": 1,
        "x": 0,
        "y": 300,
        "width": 200,
        "height": 100,
    }
    name_zone = {**NAME_ZONE, "x": 300, "y": 340, "width": 400, "height": 40}

    copy = generation.render(original, parsed(logo_zone, name_zone), DETAILS)

    image = Image.open(BytesIO(copy))
    assert (image.format, image.size) == ("JPEG", (800, 400))
    red, green, blue = image.getpixel((100, 50))  # the logo's middle, from the top
    assert red > 200 and green < 60 and blue < 60
    assert image.getpixel((100, 350)) == (255, 255, 255)  # untouched below it
    # The text darkened some pixels of its zone.
    text_zone = image.crop((300, 20, 700, 60)).convert("L")
    assert text_zone.getextrema()[0] < 100


def test_a_png_stays_a_png():
    copy = generation.render(
        image_bytes(), parsed({**NAME_ZONE, "x": 10, "y": 10}), DETAILS
    )

    assert Image.open(BytesIO(copy)).format == "PNG"


def test_page_boxes_of_a_pdf_and_an_image():
    assert generation.page_boxes(pdf_bytes(pages=2)) == (
        [(0.0, 0.0, 612.0, 792.0)] * 2,
        "pt",
    )
    assert generation.page_boxes(image_bytes(size=(300, 100))) == (
        [(0.0, 0.0, 300.0, 100.0)],
        "px",
    )


def test_the_fingerprint_follows_details_logo_and_zones():
    zones_now = parsed(LOGO_ZONE, NAME_ZONE)
    base = generation.fingerprint(DETAILS, zones_now)

    assert generation.fingerprint(DETAILS, zones_now) == base
    renamed = PartnerDetails(**{**DETAILS.__dict__, "name": "Contoso AG"})
    assert generation.fingerprint(renamed, zones_now) != base
    new_logo = PartnerDetails(
        **{**DETAILS.__dict__, "logo": image_bytes(size=(10, 10))}
    )
    assert generation.fingerprint(new_logo, zones_now) != base
    assert generation.fingerprint(DETAILS, parsed(NAME_ZONE)) != base
