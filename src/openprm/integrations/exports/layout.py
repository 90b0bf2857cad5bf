"""The directory's export, for the console page and the API alike: the partners the
user may see, filtered as the directory is, in the partner export's layout
(``partners.directory.exports``: the columns the partner import reads back)."""

from django.http import HttpResponseBase

from openprm.partners import directory
from openprm.partners.directory.exports import export_custom_keys, partners_download
from openprm.partners.directory.selectors import (
    directory_custom_keys,
    directory_export_rows,
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
