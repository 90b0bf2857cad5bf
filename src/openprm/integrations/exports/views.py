"""Console downloads of the partner directory, filtered as the directory page is
(vendor staff, within their scope)."""

from openprm.core.web import console_page
from openprm.integrations.exports.layout import directory_download
from openprm.integrations.permissions import EXPORT


@console_page(rule=EXPORT)
def partner_export_csv(request):
    return directory_download(user=request.user, params=request.GET, file_format="csv")


@console_page(rule=EXPORT)
def partner_export_xlsx(request):
    return directory_download(user=request.user, params=request.GET, file_format="xlsx")
