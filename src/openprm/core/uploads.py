"""Uploaded files checked by their content, not by their name or declared type.

:func:`examine` reads a file's first bytes (and, for a ZIP container, the names of
its members) to tell what it is: PDF, PNG, JPEG, GIF, WebP, MP4/MOV, Word/Excel/
PowerPoint (docx, xlsx, pptx), other ZIP archives, SVG, plain text and CSV. It
refuses, each with its own message (:class:`UploadRefused`, ``code`` + ``message``):

- an empty file, or one larger than the limit (``size``);
- programs: Windows (MZ), Linux (ELF), macOS (Mach-O) and Java class files, and
  scripts that start with ``#!`` (``executable``), and names that a computer would
  run or a browser would render (``.exe``, ``.html``, ``.js`` …: ``type``);
- HTML, whatever its name (``html``), and SVG with a script, an ``on…=`` event
  handler or a ``javascript:`` address (``script``);
- a file whose content is not a type it knows (``unknown``), or that contradicts
  the type its name says (``content``: a PNG named ``.pdf``);
- a type the caller does not take (``accept``; the caller's extensions).

:func:`validate_upload` is the same as a ``ValidationFailed`` on one field, for a
service to raise before anything is stored. No I/O besides reading the file.
"""

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from openprm.core.errors import ValidationFailed

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
HEAD_BYTES = 8192


@dataclass(frozen=True)
class FileType:
    """What a file is, found from its content."""

    kind: str  # "pdf", "png", "docx", "text" …
    content_type: str
    label: str
    # The extensions a file of this kind may carry (without the dot).
    extensions: tuple[str, ...]


TYPES = {
    item.kind: item
    for item in [
        FileType("pdf", "application/pdf", _("PDF document"), ("pdf",)),
        FileType("png", "image/png", _("PNG image"), ("png",)),
        FileType("jpeg", "image/jpeg", _("JPEG image"), ("jpg", "jpeg", "jpe")),
        FileType("gif", "image/gif", _("GIF image"), ("gif",)),
        FileType("webp", "image/webp", _("WebP image"), ("webp",)),
        FileType("svg", "image/svg+xml", _("SVG image"), ("svg",)),
        FileType("mp4", "video/mp4", _("MP4 video"), ("mp4", "m4v")),
        FileType("mov", "video/quicktime", _("QuickTime video"), ("mov", "qt")),
        FileType(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            _("Word document"),
            ("docx",),
        ),
        FileType(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            _("Excel workbook"),
            ("xlsx",),
        ),
        FileType(
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            _("PowerPoint presentation"),
            ("pptx",),
        ),
        FileType("zip", "application/zip", _("ZIP archive"), ("zip",)),
        FileType("text", "text/plain", _("text file"), ("txt", "text", "md")),
        FileType("csv", "text/csv", _("CSV file"), ("csv",)),
    ]
}

# Names that a computer runs or a browser renders when the file is opened,
# whatever is inside.
_DANGEROUS = (
    "exe com scr msi msp dll sys cpl bat cmd ps1 psm1 vbs vbe js jse mjs wsf wsh hta "
    "jar apk app dmg pkg deb rpm sh bash zsh csh ksh command py pl rb php phtml "
    "html htm xhtml shtml xht mht mhtml svgz lnk reg gadget msc"
)
DANGEROUS_EXTENSIONS = frozenset(_DANGEROUS.split(" "))

_EXECUTABLE_MAGIC = (
    b"MZ",  # Windows PE
    b"\x7fELF",  # Linux and others
    b"\xfe\xed\xfa\xce",  # Mach-O 32/64-bit, both byte orders
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary, Java class
    b"#!",  # a script for an interpreter
)
# What browsers take for HTML at the start of a file (WHATWG MIME sniffing).
_HTML_START = re.compile(
    rb"<(!doctype\s+html|html|head|body|script|iframe|h1|div|font|table|a|style|"
    rb"title|b|br|p|!--|\?xml[^>]*\?>\s*<html)[\s>/]",
    re.IGNORECASE,
)
_HTML_ANYWHERE = re.compile(rb"<(script|iframe|object|embed)[\s>/]", re.IGNORECASE)
_SVG = re.compile(rb"<svg[\s>]", re.IGNORECASE)
_SVG_SCRIPT = re.compile(
    rb"<script|\bon[a-z]+\s*=|javascript\s*:|<foreignobject|<iframe|<embed|<object"
    rb"|<!entity",
    re.IGNORECASE,
)
_QUICKTIME_ATOMS = (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")


class UploadRefused(Exception):
    """A file that may not be stored: ``code`` says why, ``message`` tells people."""

    def __init__(self, code: str, message):
        self.code = code
        self.message = message
        super().__init__(str(message))


def max_upload_bytes() -> int:
    """The largest file the library takes (``OPENPRM_CONTENT_UPLOAD_MAX_BYTES``)."""
    return int(getattr(settings, "OPENPRM_CONTENT_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def extension_of(name: str) -> str:
    """The last extension of a file name, lower-cased, without the dot."""
    extension = PurePath(name or "").suffix.lower().lstrip(".")
    return "jpg" if extension == "jpeg" else extension


def human_size(size: int) -> str:
    """A byte count as people read it: "50 MB", "512 KB"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    return f"{size / 1024:.3g} KB"


def _office_kind(file) -> str | None:
    """docx, xlsx or pptx from a ZIP's member names; "zip" for another archive;
    None when it is not a readable ZIP."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if "[Content_Types].xml" in names:
        for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
            if any(name.startswith(prefix) for name in names):
                return kind
    return "zip"


def _is_text(head: bytes, *, complete: bool) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the window is still text.
        return not complete and error.start >= len(head) - 3
    return True


def sniff(file, *, name: str = "") -> FileType:
    """What ``file`` (a seekable binary file object) is, from its content; raises
    :class:`UploadRefused` for content that is never stored. The file's position
    is kept."""
    position = file.tell()
    try:
        file.seek(0)
        head = file.read(HEAD_BYTES)
        complete = not file.read(1)
        file.seek(0)
        return _sniff(file, head, name=name, complete=complete)
    finally:
        file.seek(position)


def _sniff(file, head: bytes, *, name: str, complete: bool) -> FileType:
    if head.startswith(_EXECUTABLE_MAGIC):
        raise UploadRefused("executable", _("Programs and scripts cannot be uploaded."))
    if head.startswith(b"%PDF-"):
        return TYPES["pdf"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return TYPES["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return TYPES["jpeg"]
    if head.startswith((b"GIF87a", b"GIF89a")):
        return TYPES["gif"]
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return TYPES["webp"]
    if head[4:8] == b"ftyp":
        return TYPES["mov"] if head[8:12] == b"qt  " else TYPES["mp4"]
    if head[4:8] in _QUICKTIME_ATOMS and extension_of(name) in ("mov", "qt"):
        return TYPES["mov"]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        kind = _office_kind(file)
        if kind is None:
            raise UploadRefused("unknown", _("The archive is damaged."))
        return TYPES[kind]
    if not _is_text(head, complete=complete):
        raise UploadRefused(
            "unknown",
            _(
                "This type of file is not accepted: upload a PDF, an Office "
                "document, an image, a video, a ZIP archive or a text file."
            ),
        )
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if _SVG.search(head):
        if _SVG_SCRIPT.search(_whole(file, head)):
            raise UploadRefused(
                "script",
                _(
                    "The SVG image contains a script, an event handler or a "
                    "javascript: address; remove them and upload it again."
                ),
            )
        return TYPES["svg"]
    if _HTML_START.match(text) or _HTML_ANYWHERE.search(head):
        raise UploadRefused(
            "html",
            _("Web pages (HTML) cannot be uploaded: save the page as a PDF instead."),
        )
    return TYPES["csv"] if extension_of(name) == "csv" else TYPES["text"]


def _whole(file, head: bytes) -> bytes:
    """An SVG's whole text (a script may hide past the first bytes)."""
    file.seek(0)
    return file.read() or head


def examine(
    file,
    *,
    name: str,
    size: int | None = None,
    max_bytes: int | None = None,
    accept=None,
) -> FileType:
    """What ``file`` is, or :class:`UploadRefused`: checked in this order — its
    name (a type that runs or renders; not among ``accept``, extensions), its size
    (empty, or over ``max_bytes``, by default the library's limit), its content
    (:func:`sniff`) and whether the content is what its name says."""
    if size is None:
        size = getattr(file, "size", None)
        if size is None:
            file.seek(0, io.SEEK_END)
            size = file.tell()
            file.seek(0)
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    extension = extension_of(name)
    if extension in DANGEROUS_EXTENSIONS:
        raise UploadRefused(
            "type",
            _("Files named .%(extension)s cannot be uploaded.")
            % {"extension": extension},
        )
    accepted = None
    if accept is not None:
        accepted = {extension_of(f"x.{item.lstrip('.')}") for item in accept}
        if extension not in accepted:
            raise UploadRefused(
                "accept",
                _("Upload one of: %(types)s.")
                % {"types": ", ".join(sorted(f".{item}" for item in accepted))},
            )
    if size == 0:
        raise UploadRefused("size", _("The file is empty."))
    if size > limit:
        raise UploadRefused(
            "size",
            _("The file is larger than %(limit)s.") % {"limit": human_size(limit)},
        )
    found = sniff(file, name=name)
    known = {item for kind in TYPES.values() for item in kind.extensions}
    # Text and CSV are one family: a .txt of commas is fine.
    if (
        extension in known
        and extension not in found.extensions
        and not {found.kind, _kind_of(extension)} <= {"text", "csv"}
    ):
        raise UploadRefused(
            "content",
            _("The file's content (%(found)s) does not match its name (.%(ext)s).")
            % {"found": found.label, "ext": extension},
        )
    return found


def _kind_of(extension: str) -> str:
    return next(
        (kind.kind for kind in TYPES.values() if extension in kind.extensions), ""
    )


def validate_upload(
    file, *, field: str = "file", max_bytes: int | None = None, accept=None
) -> FileType:
    """:func:`examine` an uploaded file (``name`` and ``size`` from it); a refusal
    is a ``ValidationFailed`` on ``field``, raised before anything is stored."""
    try:
        return examine(
            file,
            name=getattr(file, "name", "") or "",
            size=getattr(file, "size", None),
            max_bytes=max_bytes,
            accept=accept,
        )
    except UploadRefused as refused:
        raise ValidationFailed(field_errors={field: [str(refused.message)]}) from None


def label_of(content_type: str) -> str:
    """What people call a file of ``content_type`` ("PDF document"); "" if unknown."""
    item = _TYPE_OF_CONTENT_TYPE.get(content_type)
    return str(item.label) if item is not None else ""


# The first kind of each content type (a page of cards asks for each card's).
_TYPE_OF_CONTENT_TYPE = {item.content_type: item for item in reversed(TYPES.values())}
