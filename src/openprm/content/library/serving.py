"""A stored file as an HTTP response: always an attachment (never rendered by the
browser as a page), its sniffed type, ``nosniff``, and byte ranges (206) so that
a video plays and seeks from the item page."""

import re

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The one byte range ``header`` asks for, as (first, last) inclusive; None
    when there is no usable single range (the whole file is sent); raises
    ``ValueError`` for a range outside the file (416)."""
    match = _RANGE.match((header or "").strip())
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0:
            raise ValueError("empty suffix range")
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise ValueError("range outside the file")
    return start, end


def _safe_headers(response, *, content_type: str, filename: str):
    response["Content-Type"] = content_type or "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    # Even opened in a tab, nothing in it may run.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = _disposition(filename)
    return response


def _disposition(filename: str) -> str:
    from urllib.parse import quote

    ascii_name = re.sub(r"[^A-Za-z0-9._ -]+", "_", filename).strip() or "download"
    return (
        f'attachment; filename="{ascii_name}"; '
        f"filename*=UTF-8''{quote(filename, safe='')}"
    )


def _chunks(handle, remaining: int):
    try:
        while remaining > 0:
            data = handle.read(min(CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()


def file_response(
    request, field_file, *, content_type: str, filename: str
) -> HttpResponse:
    """``field_file`` (a stored file) as an attachment, or the byte range the
    request's ``Range`` header asks for."""
    size = field_file.size
    try:
        wanted = parse_range(request.headers.get("Range", ""), size)
    except ValueError:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    handle = field_file.storage.open(field_file.name, "rb")
    if wanted is None:
        response = FileResponse(handle)
        response["Content-Length"] = str(size)
    else:
        first, last = wanted
        handle.seek(first)
        response = StreamingHttpResponse(_chunks(handle, last - first + 1), status=206)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
    return _safe_headers(response, content_type=content_type, filename=filename)


def is_first_request(request) -> bool:
    """Whether a download request starts the file (a player's later range
    requests are not new downloads)."""
    header = request.headers.get("Range", "")
    return not header or bool(re.match(r"^bytes=0-", header.strip()))


def image_response(field_file, *, content_type: str) -> HttpResponse:
    """A thumbnail (an image checked by content when uploaded), shown inline."""
    response = FileResponse(field_file.storage.open(field_file.name, "rb"))
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=300"
    return response
