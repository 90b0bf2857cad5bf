"""Console downloads of the partner directory, filtered as the directory page is,
and the shared download of any partner export (a segment's, too)."""

from collections.abc import Iterable

from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone

from openprm.core.web import console_page
from openprm.integrations import exporting
from openprm.partners import directory
from openprm.partners.selectors_directory import (
    directory_custom_keys,
    directory_export_rows,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def export_custom_keys(*, user) -> list[str]:
    """The custom field columns of an export: active fields the user may read (the
    file imports back, and inactive fields do not)."""
    return sorted(directory_custom_keys(user=user, include_inactive=False))


def download(
    *, custom_keys: list[str], rows: Iterable[list], file_format: str, name: str
) -> HttpResponseBase:
    """Partner rows as a streamed CSV or XLSX attachment ``<name>-<time>.<format>``."""
    columns = exporting.header(custom_keys)
    filename = f"{name}-{timezone.now():%Y%m%d-%H%M}.{file_format}"
    if file_format == "xlsx":
        return FileResponse(
            exporting.xlsx_file(columns, rows),
            as_attachment=True,
            filename=filename,
            content_type=XLSX_TYPE,
        )
    response = StreamingHttpResponse(
        exporting.csv_lines(columns, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_response(*, user, params, file_format: str) -> HttpResponseBase:
    """The user's filtered directory as a CSV or XLSX download."""
    filters = directory.parse(params, custom_keys=directory_custom_keys(user=user))
    custom_keys = export_custom_keys(user=user)
    rows = directory_export_rows(user=user, filters=filters, custom_keys=custom_keys)
    return download(
        custom_keys=custom_keys, rows=rows, file_format=file_format, name="partners"
    )


@console_page
def partner_export_csv(request):
    return export_response(user=request.user, params=request.GET, file_format="csv")


@console_page
def partner_export_xlsx(request):
    return export_response(user=request.user, params=request.GET, file_format="xlsx")
