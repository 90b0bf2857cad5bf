"""The vendor's branding: name, logo, primary colour, privacy notice and the pitch
of the public programme page, set by vendor admins in the console (or the API) and
used by the public pages, the portal, the console and the emails.

One row (``core.models.Branding``, pk 1), read through :func:`current`: a frozen
copy kept in the process for ``OPENPRM_BRANDING_SECONDS`` (60 s), forgotten at once
by :func:`branding_update` in the process that made the change, so that pages do
not pay a query for it (other processes see a change within that time).
"""

import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from openprm.core import audit, events
from openprm.core.errors import ValidationFailed
from openprm.core.models import Branding
from openprm.core.permissions import Rule
from openprm.core.uploads import validate_upload

# Vendor admins set the branding (the role's value: core imports no app).
MANAGE = Rule("core.branding", vendor=["vendor_admin"])

_kept: dict = {}
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
LOGO_TYPES = ("png", "jpg", "jpeg", "webp")
LOGO_MAX_BYTES = 1024 * 1024
FIELDS = [
    "vendor_name",
    "logo",
    "primary_colour",
    "privacy_notice_url",
    "programme_pitch",
]


@dataclass(frozen=True)
class Brand:
    """The branding as pages and emails read it."""

    name: str
    logo_url: str
    primary_colour: str
    privacy_notice_url: str
    programme_pitch: str
    version: str  # changes whenever the branding does (cache-busts branding.css)

    @property
    def primary_rgb(self) -> str:
        """ "13, 110, 253": the colour as Bootstrap's ``--bs-primary-rgb``."""
        return _rgb(self.primary_colour)

    @property
    def link_colour(self) -> str:
        """The colour of links and outline buttons: the primary colour, darkened
        as much as it takes to read on the page (WCAG AA)."""
        return readable_on_light(self.primary_colour)

    @property
    def link_rgb(self) -> str:
        return _rgb(self.link_colour)

    @property
    def link_hover_colour(self) -> str:
        return _darker(self.link_colour, 0.8)

    @property
    def link_hover_rgb(self) -> str:
        return _rgb(self.link_hover_colour)

    @property
    def text_on_primary(self) -> str:
        """Black or white, whichever reads better on the primary colour."""
        red, green, blue = (int(self.primary_colour[i : i + 2], 16) for i in (1, 3, 5))
        return (
            "#000000"
            if (red * 299 + green * 587 + blue * 114) / 1000 > 150
            else ("#ffffff")
        )


# The light grounds text in the primary colour stands on: the page's grey
# (body-tertiary), a hovered row, and the alerts (danger, success, info, warning),
# where links appear too. WCAG AA asks 4.5:1 on each.
GROUNDS = ("#f8f9fa", "#e9ecef", "#f8d7da", "#d1e7dd", "#cff4fc", "#fff3cd")
LINK_CONTRAST = 4.6


def _luminance(colour: str) -> float:
    """WCAG's relative luminance of "#rrggbb"."""
    channels = []
    for i in (1, 3, 5):
        value = int(colour[i : i + 2], 16) / 255
        channels.append(
            value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
        )
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: str, other: str) -> float:
    """WCAG's contrast ratio of two colours (1 to 21)."""
    lighter, darker = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _darker(colour: str, share: float) -> str:
    return "#" + "".join(
        f"{round(int(colour[i : i + 2], 16) * share):02x}" for i in (1, 3, 5)
    )


def readable_on_light(colour: str, *, ratio: float = LINK_CONTRAST) -> str:
    """``colour`` darkened just enough for text in it to read on every light ground
    of the pages (WCAG AA): a vendor may pick a colour too light for links."""
    share = 1.0
    found = colour.lower()
    while min(contrast(found, ground) for ground in GROUNDS) < ratio and share > 0:
        share = round(share - 0.02, 2)
        found = _darker(colour, share)
    return found


def _rgb(colour: str) -> str:
    return ", ".join(str(int(colour[i : i + 2], 16)) for i in (1, 3, 5))


def _row() -> Branding:
    return Branding.objects.get_or_create(pk=1)[0]


def _brand(row: Branding) -> Brand:
    return Brand(
        name=row.vendor_name,
        logo_url=row.logo.url if row.logo else "",
        primary_colour=row.primary_colour,
        privacy_notice_url=row.privacy_notice_url,
        programme_pitch=row.programme_pitch,
        version=str(int(row.updated_at.timestamp())) if row.updated_at else "0",
    )


def defaults() -> Brand:
    """The branding before an admin sets it (the model's defaults; no query)."""
    return _brand(Branding(updated_at=None))


def current() -> Brand:
    """The vendor's branding (the defaults until an admin sets it)."""
    found = _kept.get("brand")
    if found is None or found[0] < time.monotonic():
        seconds = getattr(settings, "OPENPRM_BRANDING_SECONDS", 60)
        found = (time.monotonic() + seconds, _brand(_row()))
        _kept["brand"] = found
    return found[1]


def forget(*, brand: Brand | None = None) -> None:
    """Read the branding again next time (or keep ``brand``: the tests start from
    the defaults without a query)."""
    _kept.pop("brand", None)
    if brand is not None:
        _kept["brand"] = (float("inf"), brand)


def branding_get(*, user) -> Branding:
    """The branding row, for the page and the endpoint that edit it."""
    MANAGE.ensure(user)
    return _row()


def payload(row: Branding) -> dict:
    return {
        "vendor_name": row.vendor_name,
        "logo": row.logo.url if row.logo else "",
        "primary_colour": row.primary_colour,
        "privacy_notice_url": row.privacy_notice_url,
        "programme_pitch": row.programme_pitch,
    }


@transaction.atomic
def branding_update(
    *,
    actor,
    vendor_name: str,
    primary_colour: str,
    privacy_notice_url: str = "",
    programme_pitch: str = "",
    logo=None,
    remove_logo: bool = False,
) -> Branding:
    """Change the branding; the logo is checked by its content (PNG, JPEG or WebP,
    at most 1 MB) before anything is stored. Audited as ``branding.updated``."""
    MANAGE.ensure(actor)
    errors: dict[str, list[str]] = {}
    vendor_name = (vendor_name or "").strip()
    if not vendor_name:
        errors["vendor_name"] = [str(_("Enter the name partners know you by."))]
    elif len(vendor_name) > 100:
        errors["vendor_name"] = [str(_("At most 100 characters."))]
    primary_colour = (primary_colour or "").strip()
    if not COLOUR.match(primary_colour):
        errors["primary_colour"] = [str(_("Give a colour as #rrggbb, e.g. #0a58ca."))]
    privacy_notice_url = (privacy_notice_url or "").strip()
    if privacy_notice_url and not re.match(r"^https?://\S+$", privacy_notice_url):
        errors["privacy_notice_url"] = [
            str(_("Give the full address, starting with https://."))
        ]
    if logo is not None:
        try:
            validate_upload(
                logo, field="logo", max_bytes=LOGO_MAX_BYTES, accept=LOGO_TYPES
            )
        except ValidationFailed as refused:
            errors.update(refused.field_errors)
    if errors:
        raise ValidationFailed(field_errors=errors)
    row = Branding.objects.select_for_update().get_or_create(pk=1)[0]
    before = audit.snapshot(row, FIELDS)
    row.vendor_name, row.primary_colour = vendor_name, primary_colour.lower()
    row.privacy_notice_url = privacy_notice_url
    row.programme_pitch = (programme_pitch or "").strip()
    if remove_logo:
        row.logo = ""
    if logo is not None:
        row.logo.save(logo.name, logo, save=False)
    row.save()
    audit.record_change(
        actor=actor, instance=row, before=before, verb="branding.updated"
    )
    events.emit("branding.updated", payload=payload(row), actor=actor)
    # Forgotten now (this request shows the change) and again once committed (a
    # page read in between in another thread may have kept the old one).
    forget()
    transaction.on_commit(forget)
    return row
