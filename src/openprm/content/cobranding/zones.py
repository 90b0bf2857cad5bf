"""Placement zones of a co-brandable asset: where the partner's logo and details go.

A zone is a box on one page, in PDF points for a PDF (pixels for an image), measured
from the page's lower-left corner as PDF does: ``x`` and ``y`` are the box's
lower-left corner, ``width`` and ``height`` its size::

    {"kind": "logo", "page": 1, "x": 36, "y": 720, "width": 144, "height": 48}
    {"kind": "text", "page": 1, "x": 400, "y": 730, "width": 176, "height": 20,
     "field": "name", "font_size": 12}

:func:`parse` checks the shape of each zone; :func:`check_against_pages` checks them
against the real pages of the file (the page exists, the box lies inside it). Both
return errors by field (``zones.1.x``: the second zone's ``x``) with messages that
name the zone as people count (from 1). No I/O here.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

LOGO, TEXT = "logo", "text"
KINDS = {LOGO: _("Logo"), TEXT: _("Text")}
# The partner details a text zone may show (see generation.PartnerDetails).
FIELDS = {
    "name": _("Partner name"),
    "website": _("Website"),
    "phone": _("Phone"),
    "email": _("Email"),
    "contact_name": _("Contact name"),
}
MAX_ZONES = 20
MIN_FONT_SIZE, MAX_FONT_SIZE = 4, 72
BOX_KEYS = ("x", "y", "width", "height")
KNOWN_KEYS = {"kind", "page", *BOX_KEYS, "field", "font_size"}

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class Zone:
    kind: str
    page: int
    x: float
    y: float
    width: float
    height: float
    field: str = ""
    font_size: float | None = None

    def as_json(self) -> dict:
        """The zone as stored in ``Asset.cobrand_zones`` (no empty keys)."""
        zone = {
            "kind": self.kind,
            "page": self.page,
            "x": _plain(self.x),
            "y": _plain(self.y),
            "width": _plain(self.width),
            "height": _plain(self.height),
        }
        if self.field:
            zone["field"] = self.field
        if self.font_size is not None:
            zone["font_size"] = _plain(self.font_size)
        return zone


def _plain(value: float) -> int | float:
    """36.0 as 36: how people write a whole number of points."""
    return int(value) if float(value).is_integer() else value


# A page's box: (left, bottom, right, top), as a PDF's MediaBox.
Box = tuple[float, float, float, float]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _label(index: int) -> str:
    return str(_("Zone %(number)s") % {"number": index + 1})


_lazy_label = lazy(_label, str)


def parse(raw: Any) -> tuple[list[Zone], Errors]:
    """The zones of ``raw`` (the JSON list) and what is wrong with their shape."""
    errors: Errors = {}

    def add(key: str, message) -> None:
        errors.setdefault(key, []).append(str(message))

    if not isinstance(raw, list):
        add("zones", _("Give a list of zones."))
        return [], errors
    if len(raw) > MAX_ZONES:
        add("zones", _("Give at most %(count)s zones.") % {"count": MAX_ZONES})
        return [], errors
    zones = []
    for index, item in enumerate(raw):
        # Named only when a message needs it (parsing runs on every download).
        prefix, label = f"zones.{index}", _lazy_label(index)
        if not isinstance(item, dict):
            add(prefix, _("%(zone)s is not an object.") % {"zone": label})
            continue
        if unknown := sorted(set(item) - KNOWN_KEYS):
            add(
                prefix,
                _("%(zone)s has unknown keys: %(keys)s.")
                % {"zone": label, "keys": ", ".join(map(str, unknown))},
            )
        problems_before = len(errors)
        kind = item.get("kind")
        if kind not in KINDS:
            add(
                f"{prefix}.kind",
                _("%(zone)s: the kind is logo or text.") % {"zone": label},
            )
        page = item.get("page")
        if isinstance(page, bool) or not isinstance(page, int) or page < 1:
            add(
                f"{prefix}.page",
                _("%(zone)s: give a page number from 1.") % {"zone": label},
            )
        box = {}
        for key in BOX_KEYS:
            value = _number(item.get(key))
            if value is None:
                add(f"{prefix}.{key}", _("%(zone)s: give a number.") % {"zone": label})
            elif key in ("width", "height") and value <= 0:
                add(
                    f"{prefix}.{key}",
                    _("%(zone)s: the %(key)s must be more than 0.")
                    % {"zone": label, "key": key},
                )
            box[key] = value
        field = item.get("field", "") or ""
        if kind == TEXT and field not in FIELDS:
            add(
                f"{prefix}.field",
                _("%(zone)s: a text zone shows one of: %(fields)s.")
                % {"zone": label, "fields": ", ".join(FIELDS)},
            )
        if kind == LOGO and field:
            add(
                f"{prefix}.field",
                _("%(zone)s: a logo zone shows the logo, not a field.")
                % {"zone": label},
            )
        font_size = item.get("font_size")
        if font_size is not None:
            size = _number(font_size)
            if size is None or not MIN_FONT_SIZE <= size <= MAX_FONT_SIZE:
                add(
                    f"{prefix}.font_size",
                    _("%(zone)s: the font size is %(min)s to %(max)s points.")
                    % {"zone": label, "min": MIN_FONT_SIZE, "max": MAX_FONT_SIZE},
                )
            font_size = size
        if len(errors) == problems_before and not unknown:
            zones.append(
                Zone(
                    kind=kind,
                    page=page,
                    field=field if kind == TEXT else "",
                    font_size=font_size if kind == TEXT else None,
                    **box,
                )
            )
    return zones, errors


def _size(value: float) -> str:
    return f"{value:g}"


def check_against_pages(
    zones: list[Zone], pages: list[Box], *, unit: str = "pt"
) -> Errors:
    """What is wrong with ``zones`` on these pages: a page that does not exist, a
    box that does not lie inside its page."""
    errors: Errors = {}
    for index, zone in enumerate(zones):
        prefix, label = f"zones.{index}", _label(index)
        if zone.page > len(pages):
            errors.setdefault(f"{prefix}.page", []).append(
                str(
                    _("%(zone)s is on page %(page)s; the file has %(count)s.")
                    % {"zone": label, "page": zone.page, "count": len(pages)}
                )
            )
            continue
        left, bottom, right, top = pages[zone.page - 1]
        inside = (
            zone.x >= left
            and zone.y >= bottom
            and zone.x + zone.width <= right
            and zone.y + zone.height <= top
        )
        if not inside:
            errors.setdefault(prefix, []).append(
                str(
                    _(
                        "%(zone)s lies outside page %(page)s "
                        "(%(width)s x %(height)s %(unit)s)."
                    )
                    % {
                        "zone": label,
                        "page": zone.page,
                        "width": _size(right - left),
                        "height": _size(top - bottom),
                        "unit": unit,
                    }
                )
            )
    return errors


def sample_zones(pages: list[Box]) -> list[dict]:
    """A starting layout on the first page: the logo top left, the name and
    website top right (what the editor offers for an asset without zones)."""
    if not pages:
        return []
    left, bottom, right, top = pages[0]
    width, height = right - left, top - bottom
    margin = round(min(width, height) * 0.05)
    logo_w, logo_h = round(width * 0.25), round(height * 0.06)
    text_w, text_h = round(width * 0.35), round(height * 0.025)
    return [
        Zone(LOGO, 1, left + margin, top - margin - logo_h, logo_w, logo_h).as_json(),
        Zone(
            TEXT,
            1,
            right - margin - text_w,
            top - margin - text_h,
            text_w,
            text_h,
            field="name",
        ).as_json(),
        Zone(
            TEXT,
            1,
            right - margin - text_w,
            top - margin - 2 * text_h,
            text_w,
            text_h,
            field="website",
        ).as_json(),
    ]
