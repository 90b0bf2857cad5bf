"""Reading an uploaded CSV or XLSX file of partners as a stream of rows, and a row
into the data the partner validators take. Pure: no query runs here.

The columns are the export's (see partners.directory.exports), so an exported
file imports back unchanged; list cells (industries, specialisations, tags, domains)
are separated by semicolons; ``cf_<key>`` columns are custom fields; ``contact_name``,
``contact_email``, ``contact_phone`` and ``contact_title`` give the partner's primary
contact. Unknown columns are ignored.

The file is streamed by ``core.tabular`` (shared with the other file imports), so
a file of a million rows takes no more memory than one of ten.
"""

from openprm.core.tabular import (
    EXTENSIONS,
    FileProblem,
    RowReader,
    check_name,
    max_file_bytes,
    max_rows,
)
from openprm.partners.directory import CUSTOM_FIELD_PREFIX

__all__ = [
    "CUSTOM_FIELD_PREFIX",
    "EXTENSIONS",
    "FileProblem",
    "RowReader",
    "check_name",
    "max_file_bytes",
    "max_rows",
    "row_data",
    "row_parser",
]

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
