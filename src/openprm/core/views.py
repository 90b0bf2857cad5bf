import json
from uuid import UUID

from django.contrib import messages
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

import openprm
from openprm.core import audit_text, branding, selectors, services
from openprm.core.errors import ValidationFailed
from openprm.core.forms import (
    AuditFilterForm,
    BrandingForm,
    EventFilterForm,
    ReplayForm,
)
from openprm.core.pagination import requested_page
from openprm.core.pickers import picker_source
from openprm.core.web import CONSOLE, PORTAL, console_page, form_page, portal_page


@never_cache
@require_safe
def health(request):
    """Liveness and readiness for load balancers: 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse(
            {"status": "unavailable", "database": "unreachable"}, status=503
        )
    return JsonResponse(
        {"status": "ok", "database": "ok", "version": openprm.__version__}
    )


@require_safe
def favicon(request):
    """``/favicon.ico``, which browsers and tools ask for whatever the page links:
    the app's icon among the static files (a permanent redirect, cached)."""
    return redirect(static("openprm/favicon.ico"), permanent=True)


# --- the audit trail and the outbox (console and portal pages)

AUDIT_ENTRIES_PER_PAGE = 50
EVENTS_PER_PAGE = 50


def _audit_list(request, *, area: str):
    form = AuditFilterForm(
        request.GET,
        internal=area == CONSOLE,
        partners=picker_source("partner", user=request.user, area=CONSOLE)
        if area == CONSOLE
        else None,
    )
    entries = selectors.audit_entries_visible_to(
        user=request.user,
        filters=form.filters(),
        # The portal works in one organisation at a time (its switcher).
        organisation=getattr(request, "partner", None) if area == PORTAL else None,
    )
    # Counted up to a cap, the page's keys first (core.pagination).
    page = requested_page(request, entries, per_page=AUDIT_ENTRIES_PER_PAGE)
    names = selectors.partner_names(
        partner_ids={entry.partner_id for entry in page if entry.partner_id}
    )
    rows = [
        {
            "entry": entry,
            "line": audit_text.describe(entry),
            "partner_name": names.get(entry.partner_id, ""),
        }
        for entry in page
    ]
    return render(
        request,
        "core/audit_list.html",
        {"page": page, "rows": rows, "form": form, "area": area},
    )


def _audit_detail(request, entry_id: int, *, area: str):
    entry = selectors.audit_entry_visible_to(
        user=request.user,
        entry_id=entry_id,
        organisation=getattr(request, "partner", None) if area == PORTAL else None,
    )
    names = selectors.partner_names(
        partner_ids={entry.partner_id} if entry.partner_id else set()
    )
    line = audit_text.describe(entry)
    return render(
        request,
        "core/audit_detail.html",
        {
            "entry": entry,
            "line": line,
            # A partner reads its own people's addresses, not the vendor's staff's.
            "show_client_ip": area == CONSOLE
            or (entry.actor is not None and not entry.actor.is_vendor_staff),
            "partner_name": names.get(entry.partner_id, ""),
            "area": area,
        },
    )


@require_safe
@console_page
def console_audit_list(request):
    return _audit_list(request, area=CONSOLE)


@require_safe
@console_page
def console_audit_detail(request, entry_id: int):
    return _audit_detail(request, entry_id, area=CONSOLE)


@require_safe
@portal_page
def portal_audit_list(request):
    return _audit_list(request, area=PORTAL)


@require_safe
@portal_page
def portal_audit_detail(request, entry_id: int):
    return _audit_detail(request, entry_id, area=PORTAL)


@require_safe
@console_page
def event_list(request):
    form = EventFilterForm(
        request.GET,
        partners=picker_source("partner", user=request.user, area=CONSOLE),
    )
    events = selectors.outbox_events_for(user=request.user, filters=form.filters())
    page = requested_page(request, events, per_page=EVENTS_PER_PAGE)
    return render(request, "core/event_list.html", {"page": page, "form": form})


@require_safe
@console_page
def event_detail(request, event_id: UUID):
    event = selectors.outbox_event_for(user=request.user, event_id=event_id)
    return render(
        request,
        "core/event_detail.html",
        {"event": event, "payload": json.dumps(event.payload, indent=2)},
    )


@require_POST
@console_page
def event_replay(request, event_id: UUID):
    event = selectors.outbox_event_for(user=request.user, event_id=event_id)
    form = ReplayForm(request.POST)
    subscriber = form.cleaned_data["subscriber"] if form.is_valid() else ""
    try:
        count = services.outbox_event_replay(
            event=event, actor=request.user, subscriber=subscriber
        )
    except ValidationFailed as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d delivery was queued again.",
                "%(count)d deliveries were queued again.",
                count,
            )
            % {"count": count},
        )
    return redirect("console:event_detail", event_id=event.uuid)


# --- branding


@console_page(rule=branding.MANAGE)
def branding_settings(request):
    """The vendor's name, logo, colour and privacy notice (vendor admins)."""
    row = branding.branding_get(user=request.user)
    form = BrandingForm(
        request.POST or None,
        request.FILES or None,
        initial=branding.payload(row),
    )
    return form_page(
        request,
        form,
        template="core/branding.html",
        save=lambda data: branding.branding_update(actor=request.user, **data),
        success=_("The branding was saved."),
        next="console:branding",
        context={"row": row},
    )


@require_safe
def branding_css(request):
    """The primary colour as Bootstrap's variables (a stylesheet, so that pages
    carry no inline style); cached for long, its address changes with it."""
    brand = branding.current()
    response = render(
        request,
        "core/branding.css",
        {"brand": brand},
        content_type="text/css; charset=utf-8",
    )
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
