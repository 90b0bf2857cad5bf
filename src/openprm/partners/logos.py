"""Checks on an uploaded partner logo: it is a real PNG, JPEG or WebP image (read by
Pillow, not trusted from its name or content type), small enough, and of sensible
dimensions. Limits come from settings, read when a logo is checked."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
DEFAULT_MAX_BYTES = 1024 * 1024
DEFAULT_MAX_PIXELS = 2048
MIN_PIXELS = 16


def max_bytes() -> int:
    return getattr(settings, "OPENPRM_LOGO_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_pixels() -> int:
    return getattr(settings, "OPENPRM_LOGO_MAX_PIXELS", DEFAULT_MAX_PIXELS)


def logo_errors(upload) -> list[str]:
    """What is wrong with an uploaded file as a logo (empty when it is fine)."""
    if upload.size > max_bytes():
        return [_("The logo may be at most %(kb)s KB.") % {"kb": max_bytes() // 1024}]
    position = upload.tell()
    try:
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return [_("Upload a PNG, JPEG or WebP image.")]
    finally:
        upload.seek(position)
    if image_format not in ALLOWED_FORMATS:
        return [_("Upload a PNG, JPEG or WebP image.")]
    if not (
        MIN_PIXELS <= width <= max_pixels() and MIN_PIXELS <= height <= max_pixels()
    ):
        return [
            _("The logo must be between %(min)s and %(max)s pixels on each side.")
            % {"min": MIN_PIXELS, "max": max_pixels()}
        ]
    return []


def logo_extension(upload) -> str:
    """The file extension of a checked logo, from its real format."""
    position = upload.tell()
    with Image.open(upload) as image:
        extension = ALLOWED_FORMATS[image.format]
    upload.seek(position)
    return extension
