"""Console pages of segments and static lists.

The list page shows each segment's member count through one small htmx request per
row, so the page itself runs a constant number of queries however many segments
there are; the rule editor previews the member count of the draft rule.
"""

from functools import wraps

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core.errors import ApplicationError, NotFound, ValidationFailed
from openprm.core.web import console_page
from openprm.integrations.exports.layout import export_custom_keys
from openprm.integrations.exports.layout import partners_download as download
from openprm.segments import selectors, services
from openprm.segments.forms import SegmentForm, parse_rule

MEMBERS_PER_PAGE = 50


def _console(check=None):
    def decorator(view):
        @console_page
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if check is not None and not check(request.user):
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except NotFound as error:
                raise Http404 from error

        return wrapper

    return decorator


staff_view = _console()
editor_view = _console(selectors.can_edit_segments)


@staff_view
def segment_list(request):
    return render(
        request,
        "segments/segment_list.html",
        {
            "segments": list(selectors.segment_list_visible_to(user=request.user)),
            "can_edit": selectors.can_edit_segments(request.user),
        },
    )


@staff_view
def segment_count(request, public_id):
    """The member count of one segment, for its row on the list page (htmx)."""
    segment = selectors.segment_get(user=request.user, public_id=public_id)
    count = selectors.segment_member_count(user=request.user, segment=segment)
    return render(request, "segments/_count.html", {"count": count})


@require_POST
@editor_view
def segment_preview(request):
    """The member count of the rule being edited (htmx), or its errors."""
    context = {}
    try:
        rule = parse_rule(request.POST.get("rule", ""))
        context["count"] = selectors.rule_preview_count(user=request.user, rule=rule)
    except django_forms.ValidationError as error:
        context["errors"] = error.messages
    except ValidationFailed as error:
        context["errors"] = [
            f"{path}: {message}"
            for path, messages_ in error.field_errors.items()
            for message in messages_
        ]
    return render(request, "segments/_preview.html", context)


def _form_page(request, form, title, segment=None):
    return render(
        request,
        "segments/segment_form.html",
        {
            "form": form,
            "title": title,
            "segment": segment,
            "rule_fields": selectors.rule_field_catalogue(),
        },
    )


@editor_view
def segment_create(request):
    form = SegmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            segment = services.segment_create(actor=request.user, **form.cleaned_data)
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The segment was created."))
            return redirect("console:segment_detail", public_id=segment.public_id)
    return _form_page(request, form, _("New segment"))


@editor_view
def segment_update(request, public_id):
    segment = selectors.segment_get(user=request.user, public_id=public_id)
    initial = {
        "name": segment.name,
        "description": segment.description,
        "kind": segment.kind,
        "rule": services.rule_text(segment.rule),
        "is_active": segment.is_active,
    }
    form = SegmentForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "kind"}
        try:
            services.segment_update(actor=request.user, segment=segment, **data)
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The segment was saved."))
            return redirect("console:segment_detail", public_id=segment.public_id)
    return _form_page(request, form, _("Edit segment"), segment)


@require_POST
@editor_view
def segment_delete(request, public_id):
    segment = selectors.segment_get(user=request.user, public_id=public_id)
    services.segment_delete(actor=request.user, segment=segment)
    messages.success(request, _("The segment was deleted."))
    return redirect("console:segment_list")


@staff_view
def segment_detail(request, public_id):
    """The segment's members (paginated), and for a static list, adding partners."""
    segment = selectors.segment_get(user=request.user, public_id=public_id)
    members = selectors.segment_members(user=request.user, segment=segment)
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    can_edit = selectors.can_edit_segments(request.user)
    search = request.GET.get("q", "").strip()
    candidates = []
    if segment.is_static and can_edit and search:
        candidates = list(
            selectors.partners_to_add(user=request.user, segment=segment, search=search)
        )
    return render(
        request,
        "segments/segment_detail.html",
        {
            "segment": segment,
            "page": page,
            "can_edit": can_edit,
            "search": search,
            "candidates": candidates,
            "rule_text": services.rule_text(segment.rule),
        },
    )


def _member_action(request, public_id, action, done_message):
    segment = selectors.segment_get(user=request.user, public_id=public_id)
    try:
        partner_id = int(request.POST.get("partner", ""))
    except ValueError:
        raise Http404 from None
    partner = selectors.partner_for_list(user=request.user, partner_id=partner_id)
    try:
        action(actor=request.user, segment=segment, partner=partner)
    except NotFound:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done_message)
    return redirect("console:segment_detail", public_id=segment.public_id)


@require_POST
@editor_view
def segment_member_add(request, public_id):
    return _member_action(
        request, public_id, services.static_list_add, _("The partner was added.")
    )


@require_POST
@editor_view
def segment_member_remove(request, public_id):
    return _member_action(
        request, public_id, services.static_list_remove, _("The partner was removed.")
    )


def export_response(*, user, segment, file_format: str):
    """The segment's partners in the user's scope, with the directory export's
    columns, as a streamed CSV or XLSX download."""
    custom_keys = export_custom_keys(user=user)
    rows = selectors.segment_export_rows(
        user=user, segment=segment, custom_keys=custom_keys
    )
    return download(
        custom_keys=custom_keys,
        rows=rows,
        file_format=file_format,
        name=f"segment-{slugify(segment.name) or segment.public_id}",
    )


@staff_view
def segment_export_csv(request, public_id):
    segment = selectors.segment_get(user=request.user, public_id=public_id)
    return export_response(user=request.user, segment=segment, file_format="csv")


@staff_view
def segment_export_xlsx(request, public_id):
    segment = selectors.segment_get(user=request.user, public_id=public_id)
    return export_response(user=request.user, segment=segment, file_format="xlsx")
