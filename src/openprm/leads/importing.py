"""Reading an uploaded CSV or XLSX file of leads row by row. Pure: no query.

The file is streamed (the csv module over a text wrapper; openpyxl in read-only
mode), so a large file never sits in memory as a table. The first row names the
columns (those of the lead API: company, country, region, ...); unknown columns are
ignored.
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import PurePath

from django.utils.translation import gettext_lazy as _

from openprm.core.errors import ValidationFailed
from openprm.leads.models import LEAD_DATA_FIELDS

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# The lead fields a file may set (models.LEAD_DATA_FIELDS).
COLUMNS = frozenset(LEAD_DATA_FIELDS)
READ_ERRORS = (
    UnicodeDecodeError,
    csv.Error,
    ValueError,
    KeyError,
    OSError,
    zipfile.BadZipFile,
)


def _refuse(message) -> ValidationFailed:
    return ValidationFailed(field_errors={"file": [str(message)]})


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(content: bytes) -> Iterator[list]:
    text = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline="")
    yield from csv.reader(text)


def _xlsx_rows(content: bytes) -> Iterator[tuple]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def iter_rows(*, file_name: str, content: bytes) -> Iterator[tuple[int, dict]]:
    """``(row number, {column: text})`` for each non-blank data row; raises
    ValidationFailed (field ``file``) for a file that cannot be a lead file. A file
    that breaks further down raises it when that row is reached."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise _refuse(_("Upload a .csv or .xlsx file."))
    if len(content) > MAX_FILE_BYTES:
        raise _refuse(_("The file is larger than 10 MB."))
    rows = _xlsx_rows(content) if suffix == ".xlsx" else _csv_rows(content)
    try:
        header = [_cell(cell).lower() for cell in next(rows, [])]
    except READ_ERRORS as error:
        raise _refuse(_("The file cannot be read.")) from error
    if "company" not in header:
        raise _refuse(_("The first row must name the columns, including company."))
    wanted = [(index, name) for index, name in enumerate(header) if name in COLUMNS]
    number = 1
    while True:
        try:
            cells = next(rows, None)
        except READ_ERRORS as error:
            raise _refuse(
                _("Row %(row)s cannot be read.") % {"row": number + 1}
            ) from error
        if cells is None:
            return
        number += 1
        if number - 1 > MAX_ROWS:
            raise _refuse(_("At most %(count)s rows per file.") % {"count": MAX_ROWS})
        values = {
            name: _cell(cells[index]) if index < len(cells) else ""
            for index, name in wanted
        }
        if any(values.values()):
            yield number, values
