"""Partners as a CSV or XLSX file: the directory's export, and any other list of
partners exported the same way (a segment's members).

The columns are the ones the partner import reads back
(``integrations.importing``), so an exported file imports again: the profile
(:data:`HEADER`, in the order of ``directory.selectors.EXPORT_COLUMNS``), then one
``cf_<key>`` column per active custom field the reader may see.
"""

from collections.abc import Iterable

from django.http import HttpResponseBase
from django.utils.translation import gettext

from openprm.core import exports
from openprm.partners.directory.filters import CUSTOM_FIELD_PREFIX
from openprm.partners.directory.selectors import directory_custom_keys

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
