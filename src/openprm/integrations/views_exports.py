"""Console downloads of the partner directory, filtered as the directory page is
(the file's layout is the partner export's: ``partners.directory.exports``)."""

from django.http import HttpResponseBase

from openprm.core.web import console_page
from openprm.partners import directory
from openprm.partners.directory.exports import export_custom_keys, partners_download
from openprm.partners.selectors_directory import (
    directory_custom_keys,
    directory_export_rows,
)


def export_response(*, user, params, file_format: str) -> HttpResponseBase:
    """The user's filtered directory as a CSV or XLSX download."""
    filters = directory.parse(params, custom_keys=directory_custom_keys(user=user))
    custom_keys = export_custom_keys(user=user)
    rows = directory_export_rows(user=user, filters=filters, custom_keys=custom_keys)
    return partners_download(
        custom_keys=custom_keys, rows=rows, file_format=file_format, name="partners"
    )


@console_page
def partner_export_csv(request):
    return export_response(user=request.user, params=request.GET, file_format="csv")


@console_page
def partner_export_xlsx(request):
    return export_response(user=request.user, params=request.GET, file_format="xlsx")
