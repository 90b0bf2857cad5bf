"""REST endpoints of the partner directory's export: scoped like ``GET /partners``,
with the directory's filters (the same query string as the console page,
``cf_<key>`` for custom fields)."""

from openprm.core.api import ApiRouter, reads_query
from openprm.integrations.exports.layout import directory_download
from openprm.integrations.permissions import EXPORT
from openprm.partners import directory

router = ApiRouter(tags=["imports and exports"])

# The directory's filters, read from the query string by ``directory.parse``; any
# other parameter is refused, so a mistyped filter cannot export everything.
DIRECTORY_QUERY = (
    *directory.LIST_KEYS,
    *directory.SCALAR_KEYS,
    f"{directory.CUSTOM_FIELD_PREFIX}*",
)

EXPORT_DESCRIPTION = (
    "Vendor staff only. The partners the caller may see, filtered like the "
    "directory: `q`, `status`, "
    "`type`, `industry`, `specialisation`, `tag` (repeatable), `country`, `region`, "
    "`manager` (a user id or `none`), `employee_band`, `revenue_band`, `programme`, "
    "`tier`, `cf_<key>`, `sort` (`name`, `created`, `status`, `country`, `-` to "
    "reverse)."
)


@router.get(
    "/exports/partners.csv",
    response={200: None},
    summary="Export partners as CSV",
    description=EXPORT_DESCRIPTION,
)
@reads_query(*DIRECTORY_QUERY)
def partner_export_csv(request):
    EXPORT.ensure(request.user)
    return directory_download(user=request.user, params=request.GET, file_format="csv")


@router.get(
    "/exports/partners.xlsx",
    response={200: None},
    summary="Export partners as XLSX",
    description=EXPORT_DESCRIPTION,
)
@reads_query(*DIRECTORY_QUERY)
def partner_export_xlsx(request):
    EXPORT.ensure(request.user)
    return directory_download(user=request.user, params=request.GET, file_format="xlsx")
