"""Reading an uploaded CSV or XLSX file of partners into rows, and a row into the
data the partner services take. Pure: no query runs here.

The columns are the export's (see exporting.py), so an exported file imports back
unchanged; list cells (industries, specialisations, tags, domains) are separated by
semicolons; ``cf_<key>`` columns are custom fields. Unknown columns are ignored.
"""

import csv
import io
import zipfile
from pathlib import PurePath

from django.utils.translation import gettext_lazy as _

from openprm.core.errors import ValidationFailed
from openprm.integrations.exporting import CUSTOM_FIELD_PREFIX

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
EXTENSIONS = (".csv", ".xlsx")

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
)
LIST_COLUMNS = ("industries", "specialisations", "tags", "domains", "partner_types")
# Columns the export writes that an import does not set.
READ_ONLY_COLUMNS = (
    "id",
    "created_at",
    "parent_external_id",
    "channel_manager_email",
)


def _file_error(message) -> ValidationFailed:
    return ValidationFailed(field_errors={"file": [message]})


def read_rows(*, file_name: str, content: bytes) -> list[dict[str, str]]:
    """The file's data rows as ``{column: text}``; raises ValidationFailed (field
    ``file``) for a file that is not a readable CSV or XLSX, too big or empty."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in EXTENSIONS:
        raise _file_error(_("Upload a .csv or .xlsx file."))
    if len(content) > MAX_FILE_BYTES:
        raise _file_error(_("The file is larger than 5 MB."))
    try:
        table = _read_xlsx(content) if suffix == ".xlsx" else _read_csv(content)
    except (
        UnicodeDecodeError,
        csv.Error,
        ValueError,
        KeyError,
        OSError,
        zipfile.BadZipFile,
    ) as error:
        raise _file_error(_("The file cannot be read.")) from error
    if not table:
        raise _file_error(_("The file is empty."))
    header = [str(cell or "").strip().lower() for cell in table[0]]
    if "name" not in header:
        raise _file_error(_("The first row must name the columns, including name."))
    rows = []
    for cells in table[1:]:
        if not any(str(cell or "").strip() for cell in cells):
            rows.append({})  # keep row numbers aligned; skipped when applied
            continue
        rows.append(
            {
                column: _text(cells[index]) if index < len(cells) else ""
                for index, column in enumerate(header)
                if column
            }
        )
    while rows and not rows[-1]:
        rows.pop()
    if len(rows) > MAX_ROWS:
        raise _file_error(
            _("At most %(count)s rows per file.") % {"count": f"{MAX_ROWS:,}"}
        )
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # Undo the export's guard against spreadsheet formulas.
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]
    return text


def _read_csv(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _read_xlsx(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _split(text: str) -> list[str]:
    return [item.strip() for item in text.replace(",", ";").split(";") if item.strip()]


def row_data(row: dict[str, str]) -> dict:
    """A file row as partner-service data: only the columns the file has, lists
    split, custom fields gathered under ``custom_fields``; ``status`` kept apart
    (it applies to new partners only, lifecycle services change it later)."""
    data: dict = {}
    for column in TEXT_COLUMNS:
        if column in row:
            data[column] = row[column]
    for column in LIST_COLUMNS:
        if column in row:
            data[column] = _split(row[column])
    if "partner_type" in data and "partner_types" not in data:
        data.pop("partner_types", None)
    custom = {
        column[len(CUSTOM_FIELD_PREFIX) :]: value
        for column, value in row.items()
        if column.startswith(CUSTOM_FIELD_PREFIX)
    }
    if custom:
        data["custom_fields"] = custom
    if row.get("status"):
        data["status"] = row["status"]
    return data


def row_number(index: int) -> int:
    """The spreadsheet row of the ``index``-th data row: the header is row 1."""
    return index + 2
