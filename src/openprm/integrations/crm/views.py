"""Console pages of the CRM sync (Settings): connections, their health, mapping with
a preview on real records, the matching queue, the dead letters and the sync log.
Vendor admins only."""

import json

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core.pagination import requested_page
from openprm.core.web import act, console_page, form_page
from openprm.integrations.crm import mapping, selectors, services
from openprm.integrations.crm.forms import (
    ConflictForm,
    ConnectionForm,
    DecisionForm,
    MappingForm,
    ResyncForm,
)
from openprm.integrations.crm.models import Outcome, SyncObject
from openprm.integrations.crm.objects import OBJECTS
from openprm.integrations.permissions import MANAGE_CRM_SYNC

LOG_PER_PAGE = 50
PREVIEW_RECORDS = 5

sync_page = console_page(rule=MANAGE_CRM_SYNC)


def _detail_url(connection) -> str:
    return reverse(
        "console:crm_connection_detail", kwargs={"public_id": connection.public_id}
    )


@sync_page
def connection_list(request):
    connections = list(selectors.crm_connection_list_visible_to(user=request.user))
    return render(request, "integrations/crm_list.html", {"connections": connections})


@sync_page
def connection_create(request):
    form = ConnectionForm(request.POST or None)

    def save(data):
        values, secret = form.service_data()
        return services.crm_connection_create(
            actor=request.user, data=values, secret=secret
        )

    return form_page(
        request,
        form,
        template="integrations/crm_form.html",
        save=save,
        success=_("The connection was added; its first run starts on schedule."),
        next=_detail_url,
        context={"connection": None},
    )


@sync_page
def connection_update(request, public_id):
    connection = selectors.crm_connection_get(user=request.user, public_id=public_id)
    initial = {
        "name": connection.name,
        "connector_type": connection.connector_type,
        "url": connection.config.get("url", ""),
        "folder": connection.config.get("folder", ""),
        **ConnectionForm.initial_switches(connection),
        "schedule_minutes": connection.schedule_minutes,
        "auto_link_score": connection.auto_link_score,
    }
    form = ConnectionForm(request.POST or None, initial=initial)

    def save(data):
        values, secret = form.service_data()
        return services.crm_connection_update(
            actor=request.user, connection=connection, data=values, secret=secret
        )

    return form_page(
        request,
        form,
        template="integrations/crm_form.html",
        save=save,
        success=_("The connection was saved."),
        next=_detail_url(connection),
        context={"connection": connection},
    )


@sync_page
def connection_detail(request, public_id):
    connection = selectors.crm_connection_get(user=request.user, public_id=public_id)
    outcome = request.GET.get("outcome", "")
    if outcome not in Outcome.values:
        outcome = ""
    log = selectors.crm_log_visible_to(
        user=request.user, connection=connection, outcome=outcome
    )
    page = requested_page(request, log, per_page=LOG_PER_PAGE)
    return render(
        request,
        "integrations/crm_detail.html",
        {
            "connection": connection,
            "health": selectors.crm_health(connection=connection),
            "runs": list(
                selectors.crm_run_list_visible_to(
                    user=request.user, connection=connection
                )[:10]
            ),
            "decisions": list(
                selectors.crm_decision_list_visible_to(
                    user=request.user, connection=connection
                )[:20]
            ),
            "conflicts": list(
                selectors.crm_conflict_list_visible_to(
                    user=request.user, connection=connection
                )[:20]
            ),
            "dead_letters": list(
                selectors.crm_dead_letters(user=request.user, connection=connection)[
                    :20
                ]
            ),
            "mappings": selectors.crm_mappings(connection=connection),
            "outcomes": Outcome.choices,
            "outcome": outcome,
            "page": page,
        },
    )


@sync_page
def mapping_edit(request, public_id):
    """Edit a mapping (``?object=``: partners, the default, or deals) as JSON, with
    a preview: what the first records would look like in the CRM."""
    connection = selectors.crm_connection_get(user=request.user, public_id=public_id)
    object_type = request.GET.get("object") or SyncObject.PARTNERS
    if object_type not in OBJECTS:
        raise Http404
    current = next(
        (m for m in selectors.crm_mappings(connection=connection)
         if m.object_type == object_type),
        None,
    )  # fmt: skip
    initial = {"fields_json": json.dumps(current.fields if current else [], indent=2)}
    form = MappingForm(request.POST or None, initial=initial)
    preview, problems = [], []
    fields = current.fields if current else []
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data["fields_json"]
    try:
        specs = mapping.parse(fields)
    except mapping.MappingError as error:
        specs, problems = [], error.problems
    handler = OBJECTS[object_type].for_connection(connection)
    for record in handler.preview_records(user=request.user, limit=PREVIEW_RECORDS):
        values = handler.values(record)
        try:
            sent = mapping.to_remote(specs, values, creating=True)
        except mapping.TransformError as error:
            sent = {"—": str(error)}
        preview.append({"label": handler.label(record), "sent": sent})
    heading = SyncObject(object_type).label
    if request.method == "POST" and "preview" in request.POST:
        return render(
            request,
            "integrations/crm_mapping.html",
            {"form": form, "connection": connection, "current": current,
             "preview": preview, "problems": problems, "heading": heading},
        )  # fmt: skip
    return form_page(
        request,
        form,
        template="integrations/crm_mapping.html",
        save=lambda data: services.crm_mapping_save(
            actor=request.user,
            connection=connection,
            object_type=object_type,
            fields=data["fields_json"],
        ),
        success=lambda saved: (
            _("Mapping version %(v)s is in use.") % {"v": saved.version}
        ),
        next=_detail_url(connection),
        context={"connection": connection, "current": current, "preview": preview,
                 "problems": problems, "heading": heading},
    )  # fmt: skip


@sync_page
@require_POST
def run_start(request, public_id):
    connection = selectors.crm_connection_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: services.crm_run_start(
            actor=request.user, connection=connection, full="full" in request.POST
        ),
        success=_("The run is queued; this page shows it when it is done."),
        next=_detail_url(connection),
    )


@sync_page
@require_POST
def record_resync(request, public_id):
    connection = selectors.crm_connection_get(user=request.user, public_id=public_id)

    def resync(data):
        if not services.crm_record_resync(
            actor=request.user, connection=connection,
            object_type=data.get("object_type") or "partners",
            local_id=data["local_id"],
        ):  # fmt: skip
            return _("The record could not be sent: see the log.")
        return _("The record was sent again.")

    return act(
        request,
        resync,
        form=ResyncForm(request.POST),
        success=lambda message: message,
        next=_detail_url(connection),
    )


@sync_page
@require_POST
def dead_letter_retry(request, public_id, pk):
    connection = selectors.crm_connection_get(user=request.user, public_id=public_id)
    change = selectors.crm_dead_letter_get(
        user=request.user, connection=connection, pk=pk
    )
    return act(
        request,
        lambda: services.crm_outgoing_retry(actor=request.user, change=change),
        success=_("The change is queued again."),
        next=_detail_url(connection),
    )


@sync_page
@require_POST
def decision_resolve(request, public_id):
    decision = selectors.crm_decision_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data: services.crm_decision_resolve(
            actor=request.user,
            decision=decision,
            choice=data["choice"],
            key=data["candidate"] or None,
        ),
        form=DecisionForm(request.POST),
        success=_("Decided."),
        next=_detail_url(decision.connection),
    )


@sync_page
@require_POST
def conflict_resolve(request, public_id):
    conflict = selectors.crm_conflict_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data: services.crm_conflict_resolve(
            actor=request.user, conflict=conflict, choice=data["choice"]
        ),
        form=ConflictForm(request.POST),
        success=_("Decided: both sides now agree."),
        next=_detail_url(conflict.connection),
    )
