import functools
import html
from uuid import UUID

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from openprm.core import iso
from openprm.core.errors import NotFound, ValidationFailed
from openprm.core.pagination import CappedPaginator
from openprm.core.web import console_page
from openprm.core.worklist import console_queues
from openprm.partners import directory, permissions
from openprm.partners.choices import (
    EmployeeBand,
    Industry,
    PartnerStatus,
    PartnerType,
    Region,
    RevenueBand,
    specialisation_choices,
)
from openprm.partners.directory import services as directory_services
from openprm.partners.directory.selectors import (
    directory_custom_keys,
    directory_filter_definitions,
    directory_page,
    partners_api_count,
    saved_view_filters,
    saved_view_get,
    saved_view_links,
)
from openprm.partners.selectors import (
    channel_managers,
    empty_scope_reason,
    partner_counts_by_status,
    partner_list_visible_to,
)
from openprm.programs.selectors import programme_list_visible_to
from openprm.scoring.selectors import scorecard_list_visible_to

PARTNERS_PER_PAGE = 50
SORT_CHOICES = [
    ("name", _("Name")),
    ("-created", _("Newest")),
    ("created", _("Oldest")),
    ("status", _("Status")),
    ("country", _("Country")),
    ("-score", _("Score (with a scorecard)")),
]


HOME_PARTNERS = 8


@console_page
def dashboard(request):
    """The console home: the reader's queues with their SLA (each app's, as their
    role has them: ``core.worklist``), then their partners by status and the
    newest of them; an empty scope says why."""
    counts = partner_counts_by_status(user=request.user)
    status_counts = [
        {"status": status, "label": label, "count": counts.get(status, 0)}
        for status, label in PartnerStatus.choices
    ]
    partner_total = sum(counts.values())
    return render(
        request,
        "console/dashboard.html",
        {
            "queues": console_queues(user=request.user),
            "status_counts": status_counts,
            "partner_total": partner_total,
            "partners": (
                partner_list_visible_to(user=request.user).order_by(
                    "-created_at", "-id"
                )[:HOME_PARTNERS]
                if partner_total
                else []
            ),
            "empty_reason": (
                "" if partner_total else empty_scope_reason(user=request.user)
            ),
        },
    )


PLACEHOLDER_ID = UUID(int=0)
# One table row of the directory, formatted (and escaped) in Python: the template
# language costs about 20 µs per tag per row, most of the page's time. Every value
# goes through ``html.escape`` (what Django's ``escape`` does, without making a
# ``SafeString`` of each cell first).
PARTNER_ROW = (
    '<tr><td><a href="{}">{}</a><div class="small text-secondary">{}</div></td>'
    "<td>{}</td>"
    '<td><span class="badge text-bg-{}">{}</span></td>'
    '<td class="d-none d-md-table-cell">{}</td>'
    '<td class="d-none d-md-table-cell">{}</td>'
    '<td class="d-none d-lg-table-cell">{}</td>'
    '<td class="text-end">{}</td></tr>'
)


def _rows_html(rows) -> SafeString:
    """The table rows of one page (an empty parent shows a dash)."""
    escape = html.escape
    return mark_safe(  # noqa: S308 (every value is escaped)
        "\n".join(
            PARTNER_ROW.format(
                *(
                    escape(str(value))
                    for value in (
                        row["url"],
                        row["name"],
                        row["city"],
                        row["type_label"],
                        row["badge"],
                        row["status_label"],
                        row["country"],
                        row["region"],
                        row["parent__name"] or "\u2014",
                        row["member_count"],
                    )
                )
            )
            for row in rows
        )
    )


def _partner_detail_url() -> str:
    """The partner page's URL with ``{id}`` for the public id (reversed once per
    URLconf and script prefix)."""
    return _detail_url_pattern(get_urlconf(), get_script_prefix())


@functools.lru_cache(maxsize=16)
def _detail_url_pattern(urlconf, script_prefix: str) -> str:
    url = reverse(
        "console:partner_detail",
        kwargs={"public_id": PLACEHOLDER_ID},
        urlconf=urlconf,
    )
    return url.replace(str(PLACEHOLDER_ID), "{id}")


@functools.lru_cache(maxsize=256)
def _select_options(choices_name: str, selected: tuple, language: str | None) -> str:
    choices = FILTER_CHOICES[choices_name]
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if value in selected else "", label)
            for value, label in choices()
        ),
    )


def _options(choices_name: str, selected) -> str:
    """``<option>`` elements of a filter select, those in ``selected`` selected:
    formatted once per selection and language (``selected`` holds parsed filter
    values, a few per select)."""
    return _select_options(choices_name, tuple(selected), get_language())


FILTER_CHOICES = {
    "status": lambda: PartnerStatus.choices,
    "type": lambda: PartnerType.choices,
    "region": lambda: Region.choices,
    "sort": lambda: SORT_CHOICES,
}


def _directory_filters(request):
    """The filters of the request, or of the saved view it applies (``?view=``),
    checked again: what no longer exists is left out and reported."""
    view_id = request.GET.get("view", "")
    if not view_id:
        # The custom fields the user may filter on, read only when the query
        # names one (they decide nothing else).
        custom_keys = (
            directory_custom_keys(user=request.user)
            if directory.custom_filter_keys(request.GET)
            else {}
        )
        return directory.parse(request.GET, custom_keys=custom_keys), None, []
    try:
        view = saved_view_get(user=request.user, public_id=UUID(view_id))
    except (ValueError, NotFound):
        return directory.parse({}), None, [_("This saved view no longer exists.")]
    filters, problems = saved_view_filters(user=request.user, view=view)
    return filters, view, problems


@console_page
def partner_list(request):
    filters, applied_view, view_problems = _directory_filters(request)
    paginator = CappedPaginator(
        PARTNERS_PER_PAGE,
        page=request.GET.get("page"),
        # The directory API's capped count: the same partners, counted by SQL
        # compiled once per reader scope and filters.
        count_up_to=lambda limit: partners_api_count(
            user=request.user, filters=filters, limit=limit
        ),
    )
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = directory_page(
        user=request.user,
        filters=filters,
        limit=paginator.per_page,
        offset=(page.number - 1) * paginator.per_page,
        detail_url=_partner_detail_url(),
    )
    template = (
        "console/_partner_table.html"
        if request.headers.get("HX-Request")
        else "console/partner_list.html"
    )
    rows_html = _rows_html(page.object_list)
    querystring = filters.querystring()
    response = render(
        request,
        template,
        {
            "page": page,
            "rows_html": rows_html,
            "filters": filters,
            "search": filters.q,
            "querystring": querystring,
            "page_prefix": f"?{querystring}&page=" if querystring else "?page=",
            # The filter selects' options, formatted in Python like the rows.
            "status_options": _options("status", filters.status),
            "type_options": _options("type", filters.type),
            "region_options": _options("region", (filters.region,)),
            "sort_options": _options("sort", (filters.sort,)),
            "can_import": permissions.can_create_partners(request.user),
            "saved_views": saved_view_links(user=request.user),
            "applied_view": applied_view,
            "applied_view_id": str(applied_view.public_id) if applied_view else "",
            "view_problems": view_problems,
            # Why an unfiltered directory is empty (asked only then).
            "empty_reason": functools.partial(empty_scope_reason, user=request.user),
            "has_more_filters": _has_more_filters(filters),
            # htmx swaps the table; the export links follow it out of band.
            "is_htmx": bool(request.headers.get("HX-Request")),
        },
    )
    if request.headers.get("HX-Request"):
        # The address bar shows the normalised filters, not every empty form field.
        response["HX-Push-Url"] = (
            f"{request.path}?{querystring}" if querystring else request.path
        )
    return response


MAIN_FILTERS = ("q", "status", "type", "region", "sort")


def _has_more_filters(filters: directory.DirectoryFilters) -> bool:
    """Whether a filter beyond the always-visible ones is set (the "More filters"
    panel then opens, loaded at once)."""
    return any(
        getattr(filters, name) not in ("", (), None)
        for name in (*directory.LIST_KEYS, *directory.SCALAR_KEYS, "custom")
        if name not in MAIN_FILTERS
    )


@require_safe
@console_page
def partner_filter_panel(request):
    """The directory's further filters (bands, languages, manager, programme, score,
    custom fields), loaded when the "More filters" panel opens."""
    definitions = list(directory_filter_definitions(user=request.user))
    filters = directory.parse(
        request.GET,
        custom_keys={d.key: d.field_type for d in definitions},
    )
    custom = {(key, operator): values for key, operator, values in filters.custom}
    fields = [
        {
            "definition": definition,
            "value": (custom.get((definition.key, "")) or ("",))[0],
            "values": custom.get((definition.key, ""), ()),
            "min": (custom.get((definition.key, "min")) or ("",))[0],
            "max": (custom.get((definition.key, "max")) or ("",))[0],
        }
        for definition in definitions
    ]
    return render(
        request,
        "console/_partner_filters.html",
        {
            "filters": filters,
            "custom_fields": fields,
            "industry_choices": Industry.choices,
            "country_choices": iso.country_choices(),
            "specialisation_choices": specialisation_choices(),
            "employee_choices": EmployeeBand.choices,
            "revenue_choices": RevenueBand.choices,
            "managers": channel_managers(),
            "programmes": programme_list_visible_to(user=request.user),
            "scorecards": scorecard_list_visible_to(user=request.user),
        },
    )


def _list_url(view=None) -> str:
    url = reverse("console:partner_list")
    return f"{url}?view={view.public_id}" if view is not None else url


@require_POST
@console_page
def partner_view_create(request):
    try:
        view = directory_services.saved_view_create(
            actor=request.user,
            name=request.POST.get("name", ""),
            query=request.POST.get("query", ""),
            is_shared=request.POST.get("is_shared") == "on",
        )
    except ValidationFailed as error:
        for messages_ in error.field_errors.values():
            for message in messages_:
                messages.error(request, message)
        query = request.POST.get("query", "")
        return redirect(f"{_list_url()}?{query}" if query else _list_url())
    messages.success(request, _("The view “%(name)s” was saved.") % {"name": view.name})
    return redirect(_list_url(view))


@require_POST
@console_page
def partner_view_update(request, public_id):
    view = saved_view_get(user=request.user, public_id=public_id)
    try:
        directory_services.saved_view_update(
            view=view,
            actor=request.user,
            data={
                "name": request.POST.get("name", ""),
                "is_shared": request.POST.get("is_shared") == "on",
            },
        )
    except ValidationFailed as error:
        for messages_ in error.field_errors.values():
            for message in messages_:
                messages.error(request, message)
    else:
        messages.success(request, _("The view was saved."))
    return redirect(_list_url(view))


@require_POST
@console_page
def partner_view_delete(request, public_id):
    view = saved_view_get(user=request.user, public_id=public_id)
    directory_services.saved_view_delete(view=view, actor=request.user)
    messages.success(
        request, _("The view “%(name)s” was deleted.") % {"name": view.name}
    )
    return redirect(_list_url())
