"""Lead pages: the console (leads, their reasons and timeline, routing rules,
capacities) and the portal (my leads: accept or reject within the SLA, work,
convert)."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core.errors import ApplicationError, NotFound, ValidationFailed
from openprm.core.web import console_page, portal_page
from openprm.leads import selectors, services
from openprm.leads.forms import (
    CapacityForm,
    ConvertForm,
    ImportForm,
    LeadForm,
    NoteForm,
    RejectForm,
    RuleForm,
    WorkForm,
)
from openprm.leads.models import LeadStatus

PER_PAGE = 50


def _guard(area, check=None):
    def decorator(view):
        @area
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


staff_view = _guard(console_page)
manager_view = _guard(console_page, selectors.can_manage_leads)


def _seller(request) -> bool:
    return bool(selectors.lead_partner_ids(request.user))


def seller_view(view):
    """Partner admins and sellers; other partner roles are refused."""

    @_guard(portal_page)
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _seller(request):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _page(request, leads):
    return Paginator(leads, PER_PAGE).get_page(request.GET.get("page"))


def _detail_context(lead) -> dict:
    return {
        "lead": lead,
        "offer": selectors.current_offer(lead=lead),
        "assignments": selectors.lead_assignments(lead=lead),
        "timeline": selectors.lead_timeline(lead=lead),
    }


# --- console


@staff_view
def lead_list(request):
    status = request.GET.get("status", "")
    search = request.GET.get("q", "")
    leads = selectors.lead_list(
        user=request.user,
        status=status if status in LeadStatus.values else "",
        search=search,
    )
    return render(
        request,
        "leads/lead_list.html",
        {
            "page": _page(request, leads),
            "status": status,
            "search": search,
            "statuses": LeadStatus.choices,
            "can_manage": selectors.can_manage_leads(request.user),
        },
    )


@manager_view
def lead_create(request):
    form = LeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lead = services.lead_create(actor=request.user, data=form.cleaned_data)
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The lead was created and routed."))
            return redirect("console:lead_detail", public_id=lead.public_id)
    return render(
        request,
        "leads/form.html",
        {"form": form, "title": _("New lead"), "back": "console:lead_list"},
    )


@manager_view
def lead_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = services.lead_import(
                actor=request.user, file_name=upload.name, content=upload.read()
            )
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
    return render(request, "leads/import.html", {"form": form, "report": report})


@require_POST
@manager_view
def lead_route_waiting(request):
    from openprm.leads.batch import route_waiting_leads

    result = route_waiting_leads(actor=request.user)
    messages.success(
        request,
        _("%(routed)s leads routed, %(unassigned)s found no partner.")
        % {"routed": result.routed, "unassigned": result.unassigned},
    )
    return redirect("console:lead_list")


@staff_view
def lead_detail(request, public_id):
    lead = selectors.lead_get(user=request.user, public_id=public_id)
    context = _detail_context(lead)
    context.update(
        can_manage=selectors.can_manage_leads(request.user), note_form=NoteForm()
    )
    return render(request, "leads/lead_detail.html", context)


def _lead_action(request, public_id, action, done, *, back: str):
    """Run ``action`` on the lead and come back to ``back`` with a message."""
    lead = selectors.lead_get(user=request.user, public_id=public_id)
    try:
        action(lead)
    except NotFound:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
        back = back if back.endswith("detail") else back.replace("list", "detail")
    else:
        messages.success(request, done)
    if back.endswith("list"):
        return redirect(back)
    return redirect(back, public_id=lead.public_id)


def _console_action(request, public_id, action, done):
    return _lead_action(request, public_id, action, done, back="console:lead_detail")


@require_POST
@manager_view
def lead_route(request, public_id):
    return _console_action(
        request,
        public_id,
        lambda lead: services.lead_route(actor=request.user, lead=lead),
        _("The lead was routed."),
    )


@require_POST
@manager_view
def lead_recall(request, public_id):
    return _console_action(
        request,
        public_id,
        lambda lead: services.lead_recall(
            actor=request.user, lead=lead, reason=str(_("Recalled by the vendor"))
        ),
        _("The lead was recalled and routed on."),
    )


@require_POST
@manager_view
def lead_note(request, public_id):
    return _console_action(
        request,
        public_id,
        lambda lead: services.lead_add_note(
            actor=request.user, lead=lead, text=request.POST.get("text", "")
        ),
        _("The note was added."),
    )


@staff_view
def rule_list(request):
    return render(
        request,
        "leads/rule_list.html",
        {
            "rules": list(selectors.rule_list(user=request.user)),
            "can_manage": selectors.can_manage_leads(request.user),
        },
    )


def _rule_data(request, form) -> dict:
    data = dict(form.cleaned_data)
    partner_id = data.pop("named_partner")
    data["named_partner"] = (
        selectors.partner_for_leads(user=request.user, partner_id=partner_id)
        if partner_id
        else None
    )
    return data


def _rule_initial(rule) -> dict:
    initial = {
        name: getattr(rule, name)
        for name in RuleForm.base_fields
        if name != "named_partner"
    }
    for name in (
        "countries",
        "regions",
        "postal_prefixes",
        "industries",
        "product_interests",
        "size_bands",
    ):
        initial[name] = ", ".join(initial[name])
    initial["named_partner"] = rule.named_partner_id
    return initial


def _rule_form(request, rule=None):
    initial = _rule_initial(rule) if rule is not None else None
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            data = _rule_data(request, form)
            if rule is None:
                services.rule_create(actor=request.user, data=data)
            else:
                services.rule_update(actor=request.user, rule=rule, data=data)
        except NotFound:
            form.add_error("named_partner", _("No such partner."))
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The routing rule was saved."))
            return redirect("console:lead_rule_list")
    title = _("New routing rule") if rule is None else _("Edit routing rule")
    return render(
        request,
        "leads/form.html",
        {"form": form, "title": title, "back": "console:lead_rule_list"},
    )


@manager_view
def rule_create(request):
    return _rule_form(request)


@manager_view
def rule_update(request, public_id):
    return _rule_form(
        request, selectors.rule_get(user=request.user, public_id=public_id)
    )


@require_POST
@manager_view
def rule_delete(request, public_id):
    rule = selectors.rule_get(user=request.user, public_id=public_id)
    services.rule_delete(actor=request.user, rule=rule)
    messages.success(request, _("The routing rule was deleted."))
    return redirect("console:lead_rule_list")


@staff_view
def capacity_list(request):
    can_manage = selectors.can_manage_leads(request.user)
    form = CapacityForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            partner = selectors.partner_for_leads(
                user=request.user, partner_id=form.cleaned_data["partner"]
            )
            services.capacity_set(
                actor=request.user,
                partner=partner,
                max_open_leads=form.cleaned_data["max_open_leads"],
            )
            messages.success(request, _("The capacity was saved."))
            return redirect("console:lead_capacity")
    return render(
        request,
        "leads/capacity.html",
        {
            "rows": selectors.capacity_list(user=request.user),
            "form": form,
            "can_manage": can_manage,
        },
    )


# --- portal


@seller_view
def portal_lead_list(request):
    leads = selectors.with_deadline(
        selectors.lead_list(
            user=request.user,
            partner_id=request.partner.pk,
            status=request.GET.get("status", ""),
        )
    )
    return render(
        request,
        "leads/portal_list.html",
        {
            "page": _page(request, leads),
            "record": selectors.partner_lead_record(partner_id=request.partner.pk),
        },
    )


@seller_view
def portal_lead_detail(request, public_id):
    lead = selectors.lead_get(user=request.user, public_id=public_id)
    context = _detail_context(lead)
    # A partner sees its own offers and their reasons, never other partners'.
    own = selectors.lead_partner_ids(request.user)
    context.update(
        assignments=[item for item in context["assignments"] if item.partner_id in own],
        timeline=[
            item
            for item in context["timeline"]
            if item.partner_id is None or item.partner_id in own
        ],
        hide_passed_over=True,
        reject_form=RejectForm(),
        note_form=NoteForm(),
        work_form=WorkForm(),
        convert_form=ConvertForm(initial={"title": lead.company}),
    )
    return render(request, "leads/portal_detail.html", context)


def _portal_action(request, public_id, action, done, *, to_list=False):
    back = "portal:lead_list" if to_list else "portal:lead_detail"
    return _lead_action(request, public_id, action, done, back=back)


@require_POST
@seller_view
def portal_lead_accept(request, public_id):
    return _portal_action(
        request,
        public_id,
        lambda lead: services.lead_accept(actor=request.user, lead=lead),
        _("You accepted the lead."),
    )


@require_POST
@seller_view
def portal_lead_reject(request, public_id):
    return _portal_action(
        request,
        public_id,
        lambda lead: services.lead_reject(
            actor=request.user, lead=lead, reason=request.POST.get("reason", "")
        ),
        _("You rejected the lead; it goes to another partner."),
        to_list=True,
    )


@require_POST
@seller_view
def portal_lead_status(request, public_id):
    return _portal_action(
        request,
        public_id,
        lambda lead: services.lead_set_status(
            actor=request.user,
            lead=lead,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
        ),
        _("The lead was updated."),
    )


@require_POST
@seller_view
def portal_lead_note(request, public_id):
    return _portal_action(
        request,
        public_id,
        lambda lead: services.lead_add_note(
            actor=request.user, lead=lead, text=request.POST.get("text", "")
        ),
        _("The note was added."),
    )


@require_POST
@seller_view
def portal_lead_convert(request, public_id):
    lead = selectors.lead_get(user=request.user, public_id=public_id)
    form = ConvertForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}: {' '.join(errors)}")
        return redirect("portal:lead_detail", public_id=lead.public_id)
    data = form.cleaned_data
    try:
        deal = services.lead_convert(
            actor=request.user,
            lead=lead,
            title=data["title"],
            expected_close_date=data["expected_close_date"],
            currency=data["currency"],
            lines=[
                {
                    "product_line": data["product_line"],
                    "quantity": data["quantity"],
                    "amount": data["amount"],
                }
            ],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        for field, errors in error.field_errors.items():
            messages.error(request, f"{field}: {' '.join(errors)}")
        return redirect("portal:lead_detail", public_id=lead.public_id)
    messages.success(request, _("The lead is now a registered deal."))
    return redirect("portal:deal_detail", public_id=deal.public_id)
