"""Reading an uploaded CSV or XLSX file of partners as a stream of rows, and a row
into the data the partner validators take. Pure: no query runs here.

The columns are the export's (see partners.directory.exports), so an exported
file imports back unchanged; list cells (industries, specialisations, tags, domains)
are separated by semicolons; ``cf_<key>`` columns are custom fields; ``contact_name``,
``contact_email``, ``contact_phone`` and ``contact_title`` give the partner's primary
contact. Unknown columns are ignored.

Rows are read one at a time (``csv.reader`` over the file's lines, openpyxl in
read-only mode), so a file of a million rows takes no more memory than one of ten.
"""

import codecs
import csv
import datetime
import zipfile
from collections.abc import Iterator
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from openprm.core.errors import ValidationFailed
from openprm.partners.directory import CUSTOM_FIELD_PREFIX

__all__ = ["CUSTOM_FIELD_PREFIX", "RowReader", "row_data", "row_parser"]

EXTENSIONS = (".csv", ".xlsx")
DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024
DEFAULT_MAX_ROWS = 1_000_000

TEXT_COLUMNS = (
    "name",
    "legal_name",
    "partner_type",
    "country",
    "region",
    "city",
    "website",
    "employee_band",
    "revenue_band",
    "external_id",
    "street",
    "postal_code",
    "state",
    "latitude",
    "longitude",
)
LIST_COLUMNS = (
    "industries",
    "specialisations",
    "tags",
    "domains",
    "partner_types",
    "languages",
)
CONTACT_PREFIX = "contact_"
CONTACT_COLUMNS = ("name", "email", "phone", "title")
# Columns the export writes that an import does not set.
READ_ONLY_COLUMNS = (
    "id",
    "created_at",
    "parent_external_id",
    "channel_manager_email",
)
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
    ``fraction`` tells how much of the file has been read, for a progress bar."""

    def __init__(self, binary_file, *, suffix: str, size: int):
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
        if "name" not in self.header:
            raise FileProblem(_("The first row must name the columns, including name."))

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


def split_list(text: str) -> list[str]:
    return [item.strip() for item in text.replace(",", ";").split(";") if item.strip()]


def row_data(row: dict[str, str], multi_choice_keys=frozenset()) -> dict:
    """A file row as partner data: only the columns the file has, lists split,
    custom fields gathered under ``custom_fields`` (multiple-choice cells split),
    the contact under ``contact``; ``status`` kept apart (it applies to new
    partners only, lifecycle services change it later)."""
    data: dict = {}
    for column in TEXT_COLUMNS:
        if column in row:
            data[column] = row[column]
    for column in LIST_COLUMNS:
        if column in row:
            data[column] = split_list(row[column])
    custom = {}
    contact = {}
    for column, value in row.items():
        if column.startswith(CUSTOM_FIELD_PREFIX):
            key = column[len(CUSTOM_FIELD_PREFIX) :]
            custom[key] = split_list(value) if key in multi_choice_keys else value
        elif column.startswith(CONTACT_PREFIX):
            name = column[len(CONTACT_PREFIX) :]
            if name in CONTACT_COLUMNS:
                contact[name] = value
    if custom:
        data["custom_fields"] = custom
    if any(contact.values()):
        data["contact"] = contact
    if row.get("status"):
        data["status"] = row["status"]
    return data


def row_parser(columns, multi_choice_keys=frozenset()):
    """``row_data`` for rows with exactly these columns (a file's header), with
    the work that depends only on the columns done once: returns a function of a
    row giving what ``row_data`` gives, in the same order."""
    present = set(columns)
    texts = [column for column in TEXT_COLUMNS if column in present]
    lists = [column for column in LIST_COLUMNS if column in present]
    custom = []
    contact = []
    for column in columns:
        if column.startswith(CUSTOM_FIELD_PREFIX):
            key = column[len(CUSTOM_FIELD_PREFIX) :]
            custom.append((column, key, key in multi_choice_keys))
        elif column.startswith(CONTACT_PREFIX):
            name = column[len(CONTACT_PREFIX) :]
            if name in CONTACT_COLUMNS:
                contact.append((column, name))
    has_status = "status" in present

    def parse(row: dict[str, str]) -> dict:
        data = {column: row[column] for column in texts}
        for column in lists:
            data[column] = split_list(row[column])
        if custom:
            data["custom_fields"] = {
                key: split_list(row[column]) if multiple else row[column]
                for column, key, multiple in custom
            }
        if contact:
            values = {name: row[column] for column, name in contact}
            if any(values.values()):
                data["contact"] = values
        if has_status and row["status"]:
            data["status"] = row["status"]
        return data

    return parse
