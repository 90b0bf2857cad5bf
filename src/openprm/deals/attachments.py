"""Checks on a file attached to a deal: an allowed type recognised from its first
bytes (not trusted from its name or declared type) and a size within the limit."""

import re
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext_lazy as _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Extension -> the first bytes such a file starts with (None: text, checked as UTF-8).
SIGNATURES: dict[str, tuple[bytes, ...] | None] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "txt": None,
    "csv": None,
}


def max_bytes() -> int:
    return int(
        getattr(settings, "OPENPRM_DEAL_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)
    )


def extension_of(name: str) -> str:
    return PurePath(name or "").suffix.lower().lstrip(".")


def safe_name(name: str) -> str:
    """The file's base name with only harmless characters."""
    base = PurePath(name or "file").name
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._") or "file"
    return cleaned[-120:]


def attachment_errors(upload) -> list[str]:
    """What is wrong with an uploaded file as an attachment (empty when it is fine)."""
    allowed = ", ".join(sorted(SIGNATURES))
    if upload.size == 0:
        return [str(_("The file is empty."))]
    if upload.size > max_bytes():
        return [
            str(
                _("A file may be at most %(mb)s MB.")
                % {"mb": max_bytes() // (1024 * 1024)}
            )
        ]
    extension = extension_of(upload.name)
    if extension not in SIGNATURES:
        return [str(_("Allowed file types: %(types)s.") % {"types": allowed})]
    position = upload.tell()
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(position)
    signatures = SIGNATURES[extension]
    if signatures is None:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character cut by the 4 KB window is still text.
            if error.start < len(head) - 3:
                return [str(_("The file is not text."))]
        if b"\x00" in head:
            return [str(_("The file is not text."))]
        return []
    if not head.startswith(signatures):
        return [
            str(
                _("The file's content is not a %(type)s file.")
                % {"type": extension.upper()}
            )
        ]
    return []
