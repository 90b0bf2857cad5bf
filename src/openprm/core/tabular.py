"""Reading an uploaded CSV or XLSX file as a stream of rows: what every file import
shares (the partner import, the product catalogue, sales data). Pure: no query runs
here.

Rows are read one at a time (``csv.reader`` over the file's lines, openpyxl in
read-only mode), so a file of a million rows takes no more memory than one of ten.
The first row names the columns (lower-cased); cells come back as text, a
spreadsheet's dates as ISO dates, and the export's guard against formulas undone.
"""

import codecs
import csv
import datetime
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from openprm.core.errors import ValidationFailed

EXTENSIONS = (".csv", ".xlsx")
DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024
DEFAULT_MAX_ROWS = 1_000_000
READ_ERRORS = (
    UnicodeDecodeError,
    csv.Error,
    ValueError,
    KeyError,
    OSError,
    zipfile.BadZipFile,
)


def max_file_bytes() -> int:
    return getattr(settings, "OPENPRM_IMPORT_MAX_BYTES", DEFAULT_MAX_FILE_BYTES)


def max_rows() -> int:
    return getattr(settings, "OPENPRM_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


class FileProblem(ValidationFailed):
    """The file itself cannot be imported (field ``file``)."""

    def __init__(self, message):
        super().__init__(field_errors={"file": [message]})
        self.text = str(message)


def check_name(file_name: str, size: int) -> str:
    """The file's suffix, once its type and size are acceptable."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in EXTENSIONS:
        raise FileProblem(_("Upload a .csv or .xlsx file."))
    if size > max_file_bytes():
        raise FileProblem(
            _("The file is larger than %(size)s MB.")
            % {"size": max_file_bytes() // (1024 * 1024)}
        )
    return suffix


class RowReader:
    """Iterates ``(row_number, {column: text})`` over an open binary file; blank
    rows are skipped (their numbers too, so numbers match the spreadsheet).
    ``fraction`` tells how much of the file has been read, for a progress bar.
    The header must hold the ``required`` columns."""

    def __init__(
        self, binary_file, *, suffix: str, size: int, required: tuple = ("name",)
    ):
        self.file = binary_file
        self.suffix = suffix
        self.size = max(size, 1)
        self._consumed = 0
        self._position = 0
        self._last_row = 1
        self._sheet_rows = 0
        try:
            self._cells = self._xlsx_cells() if suffix == ".xlsx" else self._csv_cells()
            first = next(self._cells, None)
        except READ_ERRORS as error:
            raise FileProblem(_("The file cannot be read.")) from error
        if first is None:
            raise FileProblem(_("The file is empty."))
        self.header = [str(cell or "").strip().lower() for cell in first]
        missing = [column for column in required if column not in self.header]
        if missing:
            raise FileProblem(
                _("The first row must name the columns, including %(columns)s.")
                % {"columns": ", ".join(missing)}
            )

    @property
    def fraction(self) -> float:
        if self.suffix == ".xlsx":
            return (
                min(self._last_row / self._sheet_rows, 1.0) if self._sheet_rows else 0
            )
        return min(self._consumed / self.size, 1.0)

    def _lines(self) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        for line in self.file:
            self._consumed += len(line)
            yield decoder.decode(line)
        tail = decoder.decode(b"", final=True)
        if tail:
            yield tail

    def _csv_cells(self) -> Iterator[list]:
        return iter(csv.reader(self._lines()))

    def _xlsx_cells(self) -> Iterator[list]:
        from openpyxl import load_workbook

        workbook = load_workbook(self.file, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        self._sheet_rows = sheet.max_row or 0

        def cells():
            try:
                yield from sheet.iter_rows(values_only=True)
            finally:
                workbook.close()

        return cells()

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        header = [(index, column) for index, column in enumerate(self.header) if column]
        number = 1
        limit = max_rows()
        data_rows = 0
        csv_cells = self.suffix == ".csv"
        try:
            for cells in self._cells:
                number += 1
                self._last_row = number
                # A CSV row's cells are all text: joined once for the blank check
                # and for the export's formula guard, rare, which _text undoes.
                joined = "".join(cells) if csv_cells else None
                if joined is not None:
                    blank = not joined.strip()
                else:
                    blank = not any(str(c).strip() for c in cells if c is not None)
                if blank:
                    continue
                data_rows += 1
                if data_rows > limit:
                    raise FileProblem(
                        _("At most %(count)s rows per file.") % {"count": f"{limit:,}"}
                    )
                width = len(cells)
                full_width = width >= len(self.header)
                if joined is not None and "'" not in joined and full_width:
                    yield (
                        number,
                        {column: cells[index].strip() for index, column in header},
                    )
                    continue
                yield (
                    number,
                    {
                        column: _text(cells[index]) if index < width else ""
                        for index, column in header
                    },
                )
        except READ_ERRORS as error:
            raise FileProblem(_("The file cannot be read.")) from error


def _text(value) -> str:
    if value.__class__ is str:  # every CSV cell
        text = value.strip()
        if text[:1] != "'":
            return text
    elif value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()  # a spreadsheet's date cell
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).strip()
    # Undo the export's guard against spreadsheet formulas.
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]
    return text


def batches(rows: Iterable, size: int) -> Iterator[list]:
    """``rows`` in lists of ``size`` (the last one shorter)."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
