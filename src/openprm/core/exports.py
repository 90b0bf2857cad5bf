"""Tables as CSV or XLSX downloads: pure formatting of rows already scoped, and the
streamed response that carries them. Which rows and columns is the caller's
business (e.g. ``partners.directory.exports``).

CSV streams row by row (a ``StreamingHttpResponse`` consumes the generator); XLSX is
written with openpyxl's write-only workbook, which keeps no cell objects in memory,
into a temporary file that the response then streams, so neither format holds the
rows (or the whole file) in memory.
"""

import csv
import re
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from uuid import UUID

from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")

# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# What no spreadsheet cell holds (the XML of a workbook has no way to write C0
# controls but tab, line feed and carriage return; UTF-8 none for a lone
# surrogate), and the longest text a cell holds.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
MAX_CELL_TEXT = 32_767


def cell(value) -> str | int | float | bool:
    """A value as a spreadsheet cell, whatever was stored: text that would run as
    a formula is quoted, characters no workbook can hold are dropped and text is cut
    to what a cell holds, so that an export never fails on a stored value."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID | dict):
        value = str(value)
    elif isinstance(value, list):
        value = "; ".join(str(item) for item in value)
    if not isinstance(value, str):
        return value
    value = _UNWRITABLE.sub("", value)[:MAX_CELL_TEXT]
    if value.startswith(FORMULA_PREFIXES):
        # Neutralise CSV/formula injection from user-entered text.
        return "'" + value[: MAX_CELL_TEXT - 1]
    return value


class _Line:
    """A file-like object whose ``write`` returns what it was given."""

    def write(self, value: str) -> str:
        return value


def csv_lines(columns: list[str], rows: Iterable[list]) -> Iterator[str]:
    """The header, then one CSV line per row, lazily."""
    writer = csv.writer(_Line())
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def _write_xlsx(target, columns: list[str], rows: Iterable[list], sheet: str) -> None:
    # Imported when a workbook is written: no other request pays for loading it.
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31])
    worksheet.append(columns)
    for row in rows:
        worksheet.append([cell(value) for value in row])
    workbook.save(target)


def xlsx_file(columns: list[str], rows: Iterable[list], *, sheet: str):
    """A one-sheet workbook of the header and the rows in an anonymous temporary
    file, rewound; the caller streams and closes it (``FileResponse`` does both)."""
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (the response closes it)
    try:
        _write_xlsx(target, columns, rows, sheet)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target


def download(
    *,
    columns: list[str],
    rows: Iterable[list],
    file_format: str,
    name: str,
    sheet: str,
) -> HttpResponseBase:
    """Rows as a streamed CSV or XLSX attachment ``<name>-<time>.<format>``."""
    filename = f"{name}-{timezone.now():%Y%m%d-%H%M}.{file_format}"
    if file_format == "xlsx":
        return FileResponse(
            xlsx_file(columns, rows, sheet=sheet),
            as_attachment=True,
            filename=filename,
            content_type=XLSX_TYPE,
        )
    response = StreamingHttpResponse(
        csv_lines(columns, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
