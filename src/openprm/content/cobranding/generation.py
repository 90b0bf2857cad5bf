"""Making a partner's co-branded copy of a file: bytes in, new bytes out.

- A PDF: fpdf2 draws one overlay page per stamped page (the logo and the text
  fields in their zones, at the page's own size), and pypdf merges each overlay onto
  a copy of the original page. The original bytes are only read.
- A PNG or JPEG image: Pillow pastes the logo and draws the text on a copy.

The type is sniffed from the bytes, not trusted from a name. What was stamped is
summed up by :func:`fingerprint`, which keys the cached copy: a change of the
partner's details, its logo file or the zones gives another fingerprint and so a new
copy. No database access here.
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from io import BytesIO

from django.utils.translation import gettext_lazy as _
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from openprm.content.cobranding.zones import LOGO, Box, Zone
from openprm.core.errors import ValidationFailed

# Bump when the drawing changes, so that every cached copy is made again.
FORMAT_VERSION = 1
PDF, IMAGE = "pdf", "image"
IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
TEXT_COLOUR = (20, 20, 20)
# Share of a text zone's height a line of text fills when no font size is given.
DEFAULT_TEXT_FILL = 0.7
MIN_TEXT_SIZE = 4.0


class CobrandingFailed(ValidationFailed):
    """A copy could not be made: a corrupt file, a missing logo."""

    code = "cobranding_failed"


@dataclass(frozen=True)
class PartnerDetails:
    """What is stamped on a partner's copy: the text fields of ``zones.FIELDS``
    and the logo file's bytes (None when the partner has none)."""

    name: str
    website: str = ""
    phone: str = ""
    email: str = ""
    contact_name: str = ""
    logo: bytes | None = field(default=None, repr=False)

    def text(self, name: str) -> str:
        return str(getattr(self, name, "") or "")


def file_kind(data: bytes) -> str | None:
    """``"pdf"`` or ``"image"`` (PNG or JPEG) by the file's first bytes; None for
    anything else."""
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
        return IMAGE
    return None


def fingerprint(details: PartnerDetails, zones: list[Zone]) -> str:
    """The hash of everything stamped: the details, the logo file's bytes, the
    zones and the drawing's version."""
    facts = {
        "name": details.name,
        "website": details.website,
        "phone": details.phone,
        "email": details.email,
        "contact_name": details.contact_name,
        "logo": hashlib.sha256(details.logo).hexdigest() if details.logo else None,
    }
    document = {
        "format": FORMAT_VERSION,
        "details": facts,
        "zones": [zone.as_json() for zone in zones],
    }
    return hashlib.sha256(
        json.dumps(document, sort_keys=True).encode("utf-8")
    ).hexdigest()


def _corrupt(message=None) -> CobrandingFailed:
    message = message or _(
        "The file could not be read as a PDF: it may be damaged. Upload a new version."
    )
    return CobrandingFailed(message, field_errors={"file": [str(message)]})


def _open_pdf(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            raise _corrupt(
                _("The PDF is password-protected; upload a version without a password.")
            )
        if len(reader.pages) == 0:
            raise _corrupt(_("The PDF has no pages."))
    except CobrandingFailed:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError):
        raise _corrupt() from None
    return reader


def _open_image(data: bytes) -> Image.Image:
    try:
        image = Image.open(BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        message = _("The image could not be read: it may be damaged.")
        raise CobrandingFailed(message, field_errors={"file": [str(message)]}) from None
    if image.format not in IMAGE_FORMATS:
        message = _("Only PDF, PNG and JPEG files can be co-branded.")
        raise CobrandingFailed(message, field_errors={"file": [str(message)]})
    return image


def page_boxes(data: bytes) -> tuple[list[Box], str]:
    """Each page's box (a PDF's MediaBox in points; an image's size in pixels) and
    the unit, for checking zones; a file that cannot be read is refused."""
    kind = file_kind(data)
    if kind == PDF:
        try:
            boxes = [
                (
                    float(page.mediabox.left),
                    float(page.mediabox.bottom),
                    float(page.mediabox.right),
                    float(page.mediabox.top),
                )
                for page in _open_pdf(data).pages
            ]
        except CobrandingFailed:
            raise
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
            raise _corrupt() from None
        return boxes, "pt"
    if kind == IMAGE:
        width, height = _open_image(data).size
        return [(0.0, 0.0, float(width), float(height))], "px"
    message = _("Only PDF, PNG and JPEG files can be co-branded.")
    raise CobrandingFailed(message, field_errors={"file": [str(message)]})


def _logo_image(details: PartnerDetails, zones: list[Zone]) -> Image.Image | None:
    if not any(zone.kind == LOGO for zone in zones):
        return None
    if not details.logo:
        message = _(
            "%(partner)s has no logo yet, and this asset places one: a partner "
            "admin adds it on the organisation's profile."
        ) % {"partner": details.name}
        raise CobrandingFailed(message, field_errors={"logo": [str(message)]})
    try:
        logo = Image.open(BytesIO(details.logo))
        logo.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        message = _("The organisation's logo could not be read; upload it again.")
        raise CobrandingFailed(message, field_errors={"logo": [str(message)]}) from None
    return logo.convert("RGBA")


def render(data: bytes, zones: list[Zone], details: PartnerDetails) -> bytes:
    """The co-branded copy of ``data`` (a PDF, PNG or JPEG file)."""
    kind = file_kind(data)
    if kind == PDF:
        return render_pdf(data, zones, details)
    if kind == IMAGE:
        return render_image(data, zones, details)
    message = _("Only PDF, PNG and JPEG files can be co-branded.")
    raise CobrandingFailed(message, field_errors={"file": [str(message)]})


# --- PDF


def _latin(value: str) -> str:
    # The built-in PDF fonts cover Latin-1; anything else prints as "?".
    return value.encode("latin-1", "replace").decode("latin-1")


def _fit_pdf_text(pdf: FPDF, text: str, zone: Zone) -> tuple[str, float]:
    """The text and font size that fit the zone: the zone's size (or a share of
    its height), shrunk to fit its width, then cut short."""
    size = zone.font_size or zone.height * DEFAULT_TEXT_FILL
    size = min(size, zone.height)
    pdf.set_font("Helvetica", size=size)
    while pdf.get_string_width(text) > zone.width and size > MIN_TEXT_SIZE:
        size = max(MIN_TEXT_SIZE, size - 0.5)
        pdf.set_font("Helvetica", size=size)
    while text and pdf.get_string_width(text) > zone.width:
        text = text[:-2] + "." if len(text) > 1 else ""
    return text, size


def _draw_pdf_zone(
    pdf: FPDF, zone: Zone, box: Box, details: PartnerDetails, logo
) -> None:
    left, _bottom, _right, top = box
    # fpdf2 measures from the page's top-left corner; zones from the lower-left.
    x, y = zone.x - left, top - zone.y - zone.height
    if zone.kind == LOGO:
        pdf.image(logo, x=x, y=y, w=zone.width, h=zone.height, keep_aspect_ratio=True)
        return
    text = _latin(details.text(zone.field)).strip()
    if not text:
        return
    text, _size = _fit_pdf_text(pdf, text, zone)
    pdf.set_xy(x, y)
    pdf.cell(w=zone.width, h=zone.height, text=text, align="L")


def render_pdf(data: bytes, zones: list[Zone], details: PartnerDetails) -> bytes:
    reader = _open_pdf(data)
    logo = _logo_image(details, zones)
    by_page: dict[int, list[Zone]] = defaultdict(list)
    for zone in zones:
        by_page[zone.page].append(zone)
    if max(by_page, default=0) > len(reader.pages):
        # A new version with fewer pages than the zones were placed on.
        message = _(
            "The co-branding zones do not fit this version (it has %(count)s "
            "pages): they must be placed again."
        ) % {"count": len(reader.pages)}
        raise CobrandingFailed(message, field_errors={"zones": [str(message)]})
    try:
        boxes = {
            number: (
                float(reader.pages[number - 1].mediabox.left),
                float(reader.pages[number - 1].mediabox.bottom),
                float(reader.pages[number - 1].mediabox.right),
                float(reader.pages[number - 1].mediabox.top),
            )
            for number in by_page
        }
        writer = PdfWriter(clone_from=reader)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        raise _corrupt() from None
    stamped = sorted(boxes)
    if stamped:
        overlay = FPDF(unit="pt")
        overlay.set_auto_page_break(False)
        overlay.set_margins(0, 0, 0)
        overlay.set_text_color(*TEXT_COLOUR)
        for number in stamped:
            left, bottom, right, top = boxes[number]
            overlay.add_page(orientation="P", format=(right - left, top - bottom))
            for zone in by_page[number]:
                _draw_pdf_zone(overlay, zone, boxes[number], details, logo)
        stamps = PdfReader(BytesIO(bytes(overlay.output()))).pages
        for stamp, number in zip(stamps, stamped, strict=True):
            left, bottom, _right, _top = boxes[number]
            page = writer.pages[number - 1]
            if left or bottom:
                page.merge_translated_page(stamp, left, bottom)
            else:
                page.merge_page(stamp)
    output = BytesIO()
    try:
        writer.write(output)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        raise _corrupt() from None
    return output.getvalue()


# --- images


def _fit_image_text(draw: ImageDraw.ImageDraw, text: str, zone: Zone):
    size = min(zone.font_size or zone.height * DEFAULT_TEXT_FILL, zone.height)
    font = ImageFont.load_default(size=size)
    while draw.textlength(text, font=font) > zone.width and size > MIN_TEXT_SIZE:
        size = max(MIN_TEXT_SIZE, size - 1)
        font = ImageFont.load_default(size=size)
    while text and draw.textlength(text, font=font) > zone.width:
        text = text[:-2] + "…" if len(text) > 1 else ""
    return text, font


def render_image(data: bytes, zones: list[Zone], details: PartnerDetails) -> bytes:
    image = _open_image(data)
    image_format = image.format
    logo = _logo_image(details, zones)
    canvas = image.convert("RGBA")
    draw = ImageDraw.Draw(canvas)
    height = canvas.height
    for zone in zones:
        if zone.page != 1:
            continue
        # Pillow measures from the top-left corner; zones from the lower-left.
        left, top = round(zone.x), round(height - zone.y - zone.height)
        width, box_height = round(zone.width), round(zone.height)
        if zone.kind == LOGO:
            placed = logo.copy()
            placed.thumbnail((width, box_height), Image.Resampling.LANCZOS)
            offset = (
                left + (width - placed.width) // 2,
                top + (box_height - placed.height) // 2,
            )
            canvas.alpha_composite(placed, offset)
            continue
        text = details.text(zone.field).strip()
        if not text:
            continue
        text, font = _fit_image_text(draw, text, zone)
        draw.text(
            (left, top + box_height / 2),
            text,
            fill=(*TEXT_COLOUR, 255),
            font=font,
            anchor="lm",
        )
    output = BytesIO()
    if image_format == "JPEG":
        canvas.convert("RGB").save(output, "JPEG", quality=92)
    else:
        canvas.save(output, "PNG")
    return output.getvalue()


def content_type_of(data: bytes) -> str:
    """The MIME type of a co-brandable file, by its bytes."""
    kind = file_kind(data)
    if kind == PDF:
        return "application/pdf"
    if data.startswith(b"\x89PNG"):
        return "image/png"
    return "image/jpeg"


def content_type_of_name(name: str) -> str:
    """The MIME type of a stored copy, by the extension it was saved with."""
    extension = name.rpartition(".")[2].lower()
    for content_type, known in EXTENSIONS.items():
        if known == extension:
            return content_type
    return "application/octet-stream"
