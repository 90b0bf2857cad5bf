"""Console pages of segments and static lists.

The list page shows each segment's member count through one small htmx request per
row, so the page itself runs a constant number of queries however many segments
there are; the rule editor previews the member count of the draft rule.
"""

from django import forms as django_forms
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core.errors import ValidationFailed
from openprm.core.pagination import requested_page
from openprm.core.web import act, console_page, form_page
from openprm.segments import builder, exports, permissions, selectors, services
from openprm.segments.forms import SegmentForm, parse_rule
from openprm.segments.models import SegmentKind

MEMBERS_PER_PAGE = 50


def _detail_url(segment) -> str:
    return reverse("console:segment_detail", kwargs={"public_id": segment.public_id})


@console_page(rule=permissions.READ)
def segment_list(request):
    return render(
        request,
        "segments/segment_list.html",
        {
            "segments": list(selectors.segment_list_visible_to(user=request.user)),
            "can_edit": permissions.EDIT.allows(request.user),
        },
    )


@console_page(rule=permissions.READ)
def segment_count(request, public_id):
    """The member count of one segment, for its row on the list page (htmx)."""
    segment = selectors.segment_get(user=request.user, public_id=public_id)
    count = selectors.segment_member_count(user=request.user, segment=segment)
    return render(request, "segments/_count.html", {"count": count})


@require_POST
@console_page(rule=permissions.EDIT)
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
            for path, messages in error.field_errors.items()
            for message in messages
        ]
    return render(request, "segments/_preview.html", context)


def segment_catalogue() -> builder.Catalogue:
    return builder.Catalogue(
        selectors.rule_field_catalogue(), selectors.rule_value_options()
    )


def rule_builder_response(
    request, *, catalogue: builder.Catalogue, count, preview_template: str, **extra
):
    """The rule builder redrawn from the posted form (htmx, on every change):
    the rows with the widget each value needs, a row added or removed, the switch
    between rows and JSON, and what the rule selects, or its errors on their rows.
    A condition still missing its value is left out, without an error."""
    data = request.POST
    action = data.get("builder_action", "")
    mode = data.get("rule_mode", "builder")
    rule_text = data.get("rule", "")
    notice = ""
    if action == "builder":
        try:
            built = builder.from_rule(parse_rule(rule_text), catalogue)
        except django_forms.ValidationError:
            built = builder.Builder(flat=False)
        if built.flat:
            mode, rows = "builder", built
        else:
            mode, rows = "json", None
            notice = _(
                "This rule nests groups or names unknown values: edit it as JSON."
            )
    elif mode == "json":
        rows = None
    else:
        rows = builder.from_data(data, catalogue)
        if action == "add":
            builder.add_row(rows, catalogue)
        elif action.startswith("remove-"):
            rows.rows = [row for row in rows.rows if f"remove-{row.index}" != action]
        elif action in extra.get("presets", {}):
            rows = builder.from_rule(extra["presets"][action], catalogue)
    context = {"mode": mode, "notice": notice, "builder_url": request.path, **extra}
    if rows is not None:
        rule, places = builder.to_rule(rows)
        rule_text = services.rule_text(rule)
        if action == "json":
            mode = context["mode"] = "json"
        else:
            try:
                context["preview"] = count(rule)
            except ValidationFailed as error:
                context["errors"] = builder.place_errors(
                    rows, places, error.field_errors
                )
        context["builder"] = rows if mode == "builder" else None
    context.update(rule_text=rule_text, preview_template=preview_template)
    return render(request, "segments/_rule_builder.html", context)


@require_POST
@console_page(rule=permissions.EDIT)
def segment_rule_builder(request):
    def count(rule):
        if not rule:
            return None
        return selectors.rule_preview_count(user=request.user, rule=rule)

    static = request.POST.get("kind") == SegmentKind.STATIC or bool(
        request.POST.get("builder_static")
    )
    return rule_builder_response(
        request,
        catalogue=segment_catalogue(),
        count=count,
        preview_template="segments/_preview.html",
        static=static,
        preview_url=reverse("console:segment_preview"),
        refresh_from=", change from:#id_kind",
    )


def _form_page(request, form, *, title, save, success, segment=None):
    return form_page(
        request,
        form,
        template="segments/segment_form.html",
        save=lambda _data: save(form.service_data()),
        success=success,
        next=_detail_url,
        context={"title": title, "segment": segment},
    )


@console_page(rule=permissions.EDIT)
def segment_create(request):
    return _form_page(
        request,
        SegmentForm(request.POST or None, catalogue=segment_catalogue()),
        title=_("New segment"),
        save=lambda data: services.segment_create(actor=request.user, **data),
        success=_("The segment was created."),
    )


@console_page(rule=permissions.EDIT)
def segment_update(request, public_id):
    segment = selectors.segment_get(user=request.user, public_id=public_id)
    initial = {
        "name": segment.name,
        "description": segment.description,
        "kind": segment.kind,
        "rule": services.rule_text(segment.rule),
        "is_active": segment.is_active,
    }
    return _form_page(
        request,
        SegmentForm(
            request.POST or None,
            initial=initial,
            editing=True,
            catalogue=segment_catalogue(),
        ),
        title=_("Edit segment"),
        save=lambda data: services.segment_update(
            actor=request.user, segment=segment, **data
        ),
        success=_("The segment was saved."),
        segment=segment,
    )


@require_POST
@console_page(rule=permissions.EDIT)
def segment_delete(request, public_id):
    segment = selectors.segment_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: services.segment_delete(actor=request.user, segment=segment),
        success=_("The segment was deleted."),
        next="console:segment_list",
    )


@console_page(rule=permissions.READ)
def segment_detail(request, public_id):
    """The segment's members (paginated), and for a static list, adding partners."""
    segment = selectors.segment_get(user=request.user, public_id=public_id)
    members = selectors.segment_members(user=request.user, segment=segment)
    page = requested_page(request, members, per_page=MEMBERS_PER_PAGE)
    can_edit = permissions.EDIT.allows(request.user)
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
    """Add a partner in the user's scope to a static list, or remove it (404 for a
    partner they do not see)."""
    segment = selectors.segment_get(user=request.user, public_id=public_id)
    try:
        partner_id = int(request.POST.get("partner", ""))
    except ValueError:
        raise Http404 from None
    partner = selectors.partner_for_list(user=request.user, partner_id=partner_id)
    return act(
        request,
        lambda: action(actor=request.user, segment=segment, partner=partner),
        success=done_message,
        next=_detail_url(segment),
    )


@require_POST
@console_page(rule=permissions.EDIT)
def segment_member_add(request, public_id):
    return _member_action(
        request, public_id, services.static_list_add, _("The partner was added.")
    )


@require_POST
@console_page(rule=permissions.EDIT)
def segment_member_remove(request, public_id):
    return _member_action(
        request, public_id, services.static_list_remove, _("The partner was removed.")
    )


@console_page(rule=permissions.READ)
def segment_export_csv(request, public_id):
    segment = selectors.segment_get(user=request.user, public_id=public_id)
    return exports.segment_download(
        user=request.user, segment=segment, file_format="csv"
    )


@console_page(rule=permissions.READ)
def segment_export_xlsx(request, public_id):
    segment = selectors.segment_get(user=request.user, public_id=public_id)
    return exports.segment_download(
        user=request.user, segment=segment, file_format="xlsx"
    )
