from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from openprm.accounts.access import console_view
from openprm.partners import directory, permissions
from openprm.partners.choices import PartnerStatus, PartnerType, Region
from openprm.partners.selectors import partner_counts_by_status
from openprm.partners.selectors_directory import (
    directory_custom_keys,
    directory_label_page,
    directory_rows,
)

PARTNERS_PER_PAGE = 50
SORT_CHOICES = [
    ("name", _("Name")),
    ("-created", _("Newest")),
    ("created", _("Oldest")),
    ("status", _("Status")),
    ("country", _("Country")),
]


@console_view
def dashboard(request):
    counts = partner_counts_by_status(user=request.user)
    status_counts = [
        {"status": status, "label": label, "count": counts.get(status, 0)}
        for status, label in PartnerStatus.choices
    ]
    return render(
        request,
        "console/dashboard.html",
        {"status_counts": status_counts, "partner_total": sum(counts.values())},
    )


@console_view
def partner_list(request):
    custom_keys = directory_custom_keys(user=request.user)
    filters = directory.parse(request.GET, custom_keys=custom_keys)
    rows = directory_rows(user=request.user, filters=filters)
    page = Paginator(rows, PARTNERS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = directory_label_page(list(page.object_list))
    template = (
        "console/_partner_table.html"
        if request.headers.get("HX-Request")
        else "console/partner_list.html"
    )
    querystring = filters.querystring()
    return render(
        request,
        template,
        {
            "page": page,
            "filters": filters,
            "search": filters.q,
            "querystring": querystring,
            "page_prefix": f"?{querystring}&page=" if querystring else "?page=",
            "status_choices": PartnerStatus.choices,
            "type_choices": PartnerType.choices,
            "region_choices": Region.choices,
            "sort_choices": SORT_CHOICES,
            "can_import": permissions.can_create_partners(request.user),
        },
    )
