"""Partners as a CSV or XLSX file: the directory's export (:func:`directory_download`,
for the console page and the API alike), and any other list of partners exported
the same way (a segment's members).

The columns are the ones the partner import reads back (``imports/reading.py``), so
an exported file imports again: the profile (:data:`HEADER`, in the order of
``partners.selectors_directory.EXPORT_COLUMNS``), then one ``cf_<key>`` column per
active custom field the reader may see. The file itself is ``core.exports``'.
"""

from collections.abc import Iterable

from django.http import HttpResponseBase
from django.utils.translation import gettext

from openprm.core import exports
from openprm.partners import directory
from openprm.partners.directory import CUSTOM_FIELD_PREFIX
from openprm.partners.selectors_directory import (
    directory_custom_keys,
    directory_export_rows,
)

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


def header(custom_keys: list[str]) -> list[str]:
    return [*HEADER, *(f"{CUSTOM_FIELD_PREFIX}{key}" for key in custom_keys)]


def export_custom_keys(*, user) -> list[str]:
    """The custom field columns of an export: active fields the user may read (the
    file imports back, and inactive fields do not)."""
    return sorted(directory_custom_keys(user=user, include_inactive=False))


def partners_download(
    *, custom_keys: list[str], rows: Iterable[list], file_format: str, name: str
) -> HttpResponseBase:
    """Partner rows (profile cells, then ``custom_keys``' values) as a streamed CSV
    or XLSX attachment ``<name>-<time>.<format>``."""
    return exports.download(
        columns=header(custom_keys),
        rows=rows,
        file_format=file_format,
        name=name,
        sheet=gettext("Partners"),
    )


def directory_download(*, user, params, file_format: str) -> HttpResponseBase:
    """The partners of the directory the user may see, filtered by the directory's
    query string ``params``, as a CSV or XLSX download."""
    filters = directory.parse(params, custom_keys=directory_custom_keys(user=user))
    custom_keys = export_custom_keys(user=user)
    rows = directory_export_rows(user=user, filters=filters, custom_keys=custom_keys)
    return partners_download(
        custom_keys=custom_keys, rows=rows, file_format=file_format, name="partners"
    )
