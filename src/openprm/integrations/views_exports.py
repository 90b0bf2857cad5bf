"""Console downloads of the partner directory, filtered as the directory page is."""

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from openprm.accounts.access import console_view
from openprm.integrations import exporting
from openprm.partners import directory
from openprm.partners.selectors_directory import (
    directory_custom_keys,
    directory_export_rows,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_response(*, user, params, file_format: str) -> HttpResponse:
    """The user's filtered directory as a CSV (streamed) or XLSX download."""
    filters = directory.parse(params, custom_keys=directory_custom_keys(user=user))
    # Active fields only: the file imports back, and inactive fields do not.
    custom_keys = sorted(directory_custom_keys(user=user, include_inactive=False))
    rows = directory_export_rows(user=user, filters=filters, custom_keys=custom_keys)
    columns = exporting.header(custom_keys)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    if file_format == "xlsx":
        response = HttpResponse(
            exporting.xlsx_bytes(columns, rows), content_type=XLSX_TYPE
        )
    else:
        response = StreamingHttpResponse(
            exporting.csv_lines(columns, rows), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = (
        f'attachment; filename="partners-{stamp}.{file_format}"'
    )
    return response


@console_view
def partner_export_csv(request):
    return export_response(user=request.user, params=request.GET, file_format="csv")


@console_view
def partner_export_xlsx(request):
    return export_response(user=request.user, params=request.GET, file_format="xlsx")
