"""Lead pages: the console (leads, their reasons and timeline, routing rules,
capacities) and the portal (my leads: accept or reject within the SLA, work,
convert).

The portal's list is of the organisation it works for (the switcher's), so its rule
is checked there; a lead's own pages are gated by a lead role in any of the user's
organisations, and the services check the organisation holding the lead.
"""

import html

from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core import errors, iso
from openprm.core.pagination import capped_page
from openprm.core.web import act, console_page, form_page, portal_page, uuid_urls
from openprm.leads import permissions, selectors, services
from openprm.leads.batch import route_waiting_leads
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
from openprm.leads.models import Lead, LeadStatus

PER_PAGE = 50
DASH = "\u2014"


def _page(request, leads):
    """The page's leads keys first, counted up to a cap (``core.pagination``)."""
    return capped_page(leads, per_page=PER_PAGE, number=request.GET.get("page"))


def _console_rows_html(leads) -> SafeString:
    """The console table's rows of one page, formatted in Python: through the
    template, each row's translated status and region labels and its reversed URL
    cost more than reading the page (as the deal list found)."""
    detail_url = uuid_urls("console:lead_detail")
    escape = html.escape
    # Each label translated, each country named, once per page.
    statuses = {value: escape(str(label)) for value, label in LeadStatus.choices}
    regions = {
        value: escape(str(label))
        for value, label in Lead._meta.get_field("region").choices
    }
    countries: dict[str, str] = {}
    rows = []
    for lead in leads:
        if lead.country not in countries:
            countries[lead.country] = escape(iso.country_name(lead.country or ""))
        partner = lead.current_partner
        created = formats.date_format(
            timezone.localtime(lead.created_at), "SHORT_DATETIME_FORMAT"
        )
        rows.append(
            f'<tr><td><a href="{escape(detail_url(lead.public_id))}">'
            f"{escape(lead.company)}</a></td>"
            f"<td>{countries[lead.country]} · "
            f"{regions.get(lead.region, escape(lead.region))}</td>"
            '<td><span class="badge text-bg-light border">'
            f"{statuses.get(lead.status, escape(lead.status))}</span></td>"
            f"<td>{escape(partner.name) if partner else DASH}</td>"
            f"<td>{escape(created)}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every value is escaped)


def _detail_context(lead) -> dict:
    return {
        "lead": lead,
        "offer": selectors.current_offer(lead=lead),
        "assignments": selectors.lead_assignments(lead=lead),
        "timeline": selectors.lead_timeline(lead=lead),
    }


# --- console


def _console_detail(lead: Lead) -> str:
    return reverse("console:lead_detail", args=[lead.public_id])


@console_page
def lead_list(request):
    status = request.GET.get("status", "")
    search = request.GET.get("q", "")
    leads = selectors.lead_list(
        user=request.user,
        status=status if status in LeadStatus.values else "",
        search=search,
    )
    page = _page(request, leads)
    return render(
        request,
        "leads/lead_list.html",
        {
            "page": page,
            "rows_html": _console_rows_html(page.object_list),
            "status": status,
            "search": search,
            "statuses": LeadStatus.choices,
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


@console_page(rule=permissions.MANAGE)
def lead_create(request):
    return form_page(
        request,
        LeadForm(request.POST or None),
        template="leads/form.html",
        save=lambda data: services.lead_create(actor=request.user, data=data),
        success=_("The lead was created and routed."),
        next=_console_detail,
        context={"title": _("New lead"), "back": "console:lead_list"},
    )


@console_page(rule=permissions.MANAGE)
def lead_import(request):
    """The upload form, then on the same page the report of each row (there is
    nothing to redirect to: the report is the result)."""
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = services.lead_import(
                actor=request.user, file_name=upload.name, content=upload.read()
            )
        except errors.ValidationFailed as error:
            form.add_service_error(error)
    return render(request, "leads/import.html", {"form": form, "report": report})


@console_page(rule=permissions.MANAGE)
@require_POST
def lead_route_waiting(request):
    return act(
        request,
        lambda: route_waiting_leads(actor=request.user),
        success=lambda result: (
            _("%(routed)s leads routed, %(unassigned)s found no partner.")
            % {"routed": result.routed, "unassigned": result.unassigned}
        ),
        next="console:lead_list",
    )


@console_page
def lead_detail(request, public_id):
    lead = selectors.lead_get(user=request.user, public_id=public_id)
    context = _detail_context(lead)
    context.update(
        can_manage=permissions.MANAGE.allows(request.user), note_form=NoteForm()
    )
    return render(request, "leads/lead_detail.html", context)


def _console_act(request, public_id, action, *, success, form=None):
    """A lead manager's button on a lead's page: ``action(lead, cleaned_data)``."""
    lead = selectors.lead_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data=None: action(lead, data),
        form=form,
        success=success,
        next=_console_detail(lead),
    )


@console_page(rule=permissions.MANAGE)
@require_POST
def lead_route(request, public_id):
    return _console_act(
        request,
        public_id,
        lambda lead, data: services.lead_route(actor=request.user, lead=lead),
        success=_("The lead was routed."),
    )


@console_page(rule=permissions.MANAGE)
@require_POST
def lead_recall(request, public_id):
    return _console_act(
        request,
        public_id,
        lambda lead, data: services.lead_recall(
            actor=request.user, lead=lead, reason=str(_("Recalled by the vendor"))
        ),
        success=_("The lead was recalled and routed on."),
    )


@console_page(rule=permissions.MANAGE)
@require_POST
def lead_note(request, public_id):
    return _console_act(
        request,
        public_id,
        lambda lead, data: services.lead_add_note(
            actor=request.user, lead=lead, text=data["text"]
        ),
        form=NoteForm(request.POST),
        success=_("The note was added."),
    )


@console_page
def rule_list(request):
    return render(
        request,
        "leads/rule_list.html",
        {
            "rules": list(selectors.rule_list(user=request.user)),
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


# Typed as comma-separated text (countries and regions are picked from lists).
_LIST_FIELDS = (
    "postal_prefixes",
    "industries",
    "product_interests",
    "size_bands",
)


def _rule_initial(rule) -> dict:
    initial = {
        name: getattr(rule, name)
        for name in RuleForm.base_fields
        if name != "named_partner"
    }
    for name in _LIST_FIELDS:
        initial[name] = ", ".join(initial[name])
    initial["named_partner"] = rule.named_partner_id
    return initial


def _rule_form(request, rule=None):
    form = RuleForm(
        request.POST or None,
        initial=_rule_initial(rule) if rule is not None else None,
        partners=selectors.partners_for_leads(user=request.user),
    )
    return form_page(
        request,
        form,
        template="leads/form.html",
        save=lambda data: (
            services.rule_create(actor=request.user, data=data)
            if rule is None
            else services.rule_update(actor=request.user, rule=rule, data=data)
        ),
        success=_("The routing rule was saved."),
        next="console:lead_rule_list",
        context={
            "title": _("New routing rule") if rule is None else _("Edit routing rule"),
            "back": "console:lead_rule_list",
        },
    )


@console_page(rule=permissions.MANAGE)
def rule_create(request):
    return _rule_form(request)


@console_page(rule=permissions.MANAGE)
def rule_update(request, public_id):
    return _rule_form(
        request, selectors.rule_get(user=request.user, public_id=public_id)
    )


@console_page(rule=permissions.MANAGE)
@require_POST
def rule_delete(request, public_id):
    rule = selectors.rule_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: services.rule_delete(actor=request.user, rule=rule),
        success=_("The routing rule was deleted."),
        next="console:lead_rule_list",
    )


@console_page
def capacity_list(request):
    """Every vendor role reads the capacities; lead managers set them (403 for
    anyone else who posts)."""
    if request.method == "POST":
        permissions.MANAGE.ensure(request.user)
    return form_page(
        request,
        CapacityForm(
            request.POST or None,
            partners=selectors.partners_for_leads(user=request.user),
        ),
        template="leads/capacity.html",
        save=lambda data: services.capacity_set(
            actor=request.user,
            partner=selectors.partner_for_leads(
                user=request.user, partner_id=data["partner"]
            ),
            max_open_leads=data["max_open_leads"],
        ),
        success=_("The capacity was saved."),
        next="console:lead_capacity",
        context={
            "rows": selectors.capacity_list(user=request.user),
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


# --- portal


def _portal_lead(request, public_id) -> Lead:
    """A lead the user may read: 403 without a lead role in any of their
    organisations, 404 unless one of them holds it."""
    permissions.WORK.ensure(request.user)
    return selectors.lead_get(user=request.user, public_id=public_id)


def _portal_detail(lead: Lead) -> str:
    return reverse("portal:lead_detail", args=[lead.public_id])


@portal_page(rule=permissions.WORK)
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


@portal_page
def portal_lead_detail(request, public_id):
    lead = _portal_lead(request, public_id)
    context = _detail_context(lead)
    # A partner sees its own offers and their reasons, never other partners'.
    own = permissions.WORK.partner_ids(request.user)
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


def _portal_act(request, public_id, action, *, success, form=None, next=None):
    """A button on a lead's page: ``action(lead, cleaned_data)``; back to the lead
    (or to ``next``, a callable of the action's result, on success)."""
    lead = _portal_lead(request, public_id)
    detail = _portal_detail(lead)
    return act(
        request,
        lambda data=None: action(lead, data),
        form=form,
        success=success,
        next=next or detail,
        on_refusal=detail,
    )


@portal_page
@require_POST
def portal_lead_accept(request, public_id):
    return _portal_act(
        request,
        public_id,
        lambda lead, data: services.lead_accept(actor=request.user, lead=lead),
        success=_("You accepted the lead."),
    )


@portal_page
@require_POST
def portal_lead_reject(request, public_id):
    # Rejected, the lead goes to another partner: back to the list.
    return _portal_act(
        request,
        public_id,
        lambda lead, data: services.lead_reject(
            actor=request.user, lead=lead, reason=data["reason"]
        ),
        form=RejectForm(request.POST),
        success=_("You rejected the lead; it goes to another partner."),
        next=reverse("portal:lead_list"),
    )


@portal_page
@require_POST
def portal_lead_status(request, public_id):
    return _portal_act(
        request,
        public_id,
        lambda lead, data: services.lead_set_status(
            actor=request.user, lead=lead, status=data["status"], note=data["note"]
        ),
        form=WorkForm(request.POST),
        success=_("The lead was updated."),
    )


@portal_page
@require_POST
def portal_lead_note(request, public_id):
    return _portal_act(
        request,
        public_id,
        lambda lead, data: services.lead_add_note(
            actor=request.user, lead=lead, text=data["text"]
        ),
        form=NoteForm(request.POST),
        success=_("The note was added."),
    )


@portal_page
@require_POST
def portal_lead_convert(request, public_id):
    """The lead becomes a registered deal; success opens the deal."""
    return _portal_act(
        request,
        public_id,
        lambda lead, data: services.lead_convert(
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
        ),
        form=ConvertForm(request.POST),
        success=_("The lead is now a registered deal."),
        next=lambda deal: reverse("portal:deal_detail", args=[deal.public_id]),
    )
