"""The partner directory as CSV or XLSX: pure formatting of rows already scoped.

CSV streams row by row (a ``StreamingHttpResponse`` consumes the generator); XLSX is
written with openpyxl's write-only workbook, which keeps no cell objects in memory,
into a temporary file that the response then streams, so neither format holds the
rows (or the whole file) in memory.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from uuid import UUID

from django.utils.translation import gettext

# The export's columns, as the import reads them back (see importing.py).
HEADER = (
    "id",
    "external_id",
    "name",
    "legal_name",
    "partner_type",
    "status",
    "country",
    "region",
    "city",
    "website",
    "industries",
    "specialisations",
    "tags",
    "employee_band",
    "revenue_band",
    "parent_external_id",
    "channel_manager_email",
    "created_at",
)
CUSTOM_FIELD_PREFIX = "cf_"

# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def header(custom_keys: list[str]) -> list[str]:
    return [*HEADER, *(f"{CUSTOM_FIELD_PREFIX}{key}" for key in custom_keys)]


def _cell(value) -> str | int | float | bool:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        # Neutralise CSV/formula injection from partner-entered text.
        return "'" + value
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if isinstance(value, dict):
        return str(value)
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
        yield writer.writerow([_cell(value) for value in row])


def _write_xlsx(target, columns: list[str], rows: Iterable[list]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=gettext("Partners")[:31])
    sheet.append(columns)
    for row in rows:
        sheet.append([_cell(value) for value in row])
    workbook.save(target)


def xlsx_file(columns: list[str], rows: Iterable[list]):
    """A one-sheet workbook of the header and the rows in an anonymous temporary
    file, rewound; the caller
    streams and closes it (``FileResponse`` does both)."""
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (the response closes it)
    try:
        _write_xlsx(target, columns, rows)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target
