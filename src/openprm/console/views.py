from django.core.paginator import Paginator
from django.shortcuts import render

from openprm.accounts.access import console_view
from openprm.partners.choices import PartnerStatus
from openprm.partners.selectors import (
    partner_counts_by_status,
    partner_list_visible_to,
    partners_with_member_counts,
)

PARTNERS_PER_PAGE = 50


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
    search = request.GET.get("q", "").strip()[:100]
    partners = partner_list_visible_to(user=request.user, search=search)
    page = Paginator(partners, PARTNERS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = partners_with_member_counts(list(page.object_list))
    template = (
        "console/_partner_table.html"
        if request.headers.get("HX-Request")
        else "console/partner_list.html"
    )
    return render(request, template, {"page": page, "search": search})
