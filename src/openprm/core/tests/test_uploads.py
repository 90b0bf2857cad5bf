import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openprm.core import uploads
from openprm.core.errors import ValidationFailed


def office(kind_folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{kind_folder}/document.xml", "<x/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


def examine(name: str, content: bytes, **options) -> uploads.FileType:
    return uploads.examine(io.BytesIO(content), name=name, **options)


@pytest.mark.parametrize(
    ("name", "content", "kind", "content_type"),
    [
        ("deck.pdf", b"%PDF-1.7\n...", "pdf", "application/pdf"),
        ("logo.png", b"\x89PNG\r\n\x1a\n....", "png", "image/png"),
        ("photo.jpeg", b"\xff\xd8\xff\xe0....", "jpeg", "image/jpeg"),
        ("anim.gif", b"GIF89a....", "gif", "image/gif"),
        ("pic.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 ", "webp", "image/webp"),
        ("clip.mp4", b"\x00\x00\x00\x18ftypmp42....", "mp4", "video/mp4"),
        ("clip.mov", b"\x00\x00\x00\x14ftypqt  ....", "mov", "video/quicktime"),
        ("notes.txt", "Grüße, partners\n".encode(), "text", "text/plain"),
        ("prices.csv", b"sku,price\nA,1\n", "csv", "text/csv"),
        ("icon.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "svg", None),
        ("kit.zip", plain_zip(), "zip", "application/zip"),
        ("brief.docx", office("word"), "docx", None),
        ("model.xlsx", office("xl"), "xlsx", None),
        ("pitch.pptx", office("ppt"), "pptx", None),
    ],
)
def test_a_file_is_known_by_its_content(name, content, kind, content_type):
    found = examine(name, content)

    assert found.kind == kind
    if content_type:
        assert found.content_type == content_type


@pytest.mark.parametrize(
    ("name", "content", "code", "message"),
    [
        (
            "report.pdf",
            b"<!DOCTYPE html><html><body>hi</body></html>",
            "html",
            "Web pages (HTML) cannot be uploaded: save the page as a PDF instead.",
        ),
        (
            "notes.txt",
            b"hello <script>alert(1)</script>",
            "html",
            "Web pages (HTML) cannot be uploaded: save the page as a PDF instead.",
        ),
        (
            "setup.pdf",
            b"MZ\x90\x00",
            "executable",
            "Programs and scripts cannot be uploaded.",
        ),
        ("tool.pdf", b"\x7fELF\x02", "executable", None),
        ("tool.pdf", b"\xcf\xfa\xed\xfe", "executable", None),
        ("run.txt", b"#!/bin/sh\nrm -rf /\n", "executable", None),
        (
            "setup.exe",
            b"%PDF-1.4",
            "type",
            "Files named .exe cannot be uploaded.",
        ),
        ("page.html", b"just text", "type", "Files named .html cannot be uploaded."),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "script",
            "The SVG image contains a script, an event handler or a javascript: "
            "address; remove them and upload it again.",
        ),
        ("logo.svg", b'<svg onload="alert(1)"></svg>', "script", None),
        ("logo.svg", b'<svg><a href="javascript:alert(1)">x</a></svg>', "script", None),
        (
            "logo.png",
            b"%PDF-1.4",
            "content",
            "The file's content (PDF document) does not match its name (.png).",
        ),
        ("blob.bin", b"\x00\x01\x02\x03", "unknown", None),
        ("broken.zip", b"PK\x03\x04garbage", "unknown", "The archive is damaged."),
        ("empty.pdf", b"", "size", "The file is empty."),
    ],
)
def test_a_dangerous_or_unknown_file_is_refused_with_its_reason(
    name, content, code, message
):
    with pytest.raises(uploads.UploadRefused) as refused:
        examine(name, content)

    assert refused.value.code == code
    if message:
        assert str(refused.value.message) == message


def test_an_svg_script_past_the_first_bytes_is_found():
    content = b"<svg>" + b" " * 20000 + b"<script>x()</script></svg>"

    with pytest.raises(uploads.UploadRefused) as refused:
        examine("big.svg", content)

    assert refused.value.code == "script"


def test_the_size_limit_comes_from_the_setting(settings):
    settings.OPENPRM_CONTENT_UPLOAD_MAX_BYTES = 2 * 1024 * 1024

    with pytest.raises(uploads.UploadRefused) as refused:
        examine("big.pdf", b"%PDF-" + b"x" * (2 * 1024 * 1024))

    assert refused.value.code == "size"
    assert str(refused.value.message) == "The file is larger than 2 MB."


def test_only_the_accepted_extensions_pass():
    with pytest.raises(uploads.UploadRefused) as refused:
        examine("notes.txt", b"hi", accept=[".pdf", ".png"])

    assert refused.value.code == "accept"
    assert str(refused.value.message) == "Upload one of: .pdf, .png."


def test_validate_upload_refuses_on_the_field_and_keeps_the_position():
    upload = SimpleUploadedFile("report.pdf", b"<html><body>x</body></html>")
    upload.seek(3)

    with pytest.raises(ValidationFailed) as refused:
        uploads.validate_upload(upload, field="upload")

    assert list(refused.value.field_errors) == ["upload"]
    assert upload.tell() == 3
