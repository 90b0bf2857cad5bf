"""Console pages of the webhooks: endpoints, secrets and the delivery log."""

import json
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core.errors import ApplicationError, NotFound, ValidationFailed
from openprm.core.web import console_page
from openprm.integrations.webhooks import selectors, services
from openprm.integrations.webhooks.forms import DeliveryFilterForm, WebhookEndpointForm

DELIVERIES_PER_PAGE = 50
SECRET_SESSION_KEY = "integrations.new_webhook_secret"  # noqa: S105 (a key name)


def webhook_admin_view(view):
    """Console pages for vendor admins only: other vendor staff get 403 too."""

    @console_page
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not selectors.can_manage_webhooks(request.user):
            raise PermissionDenied
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404 from error

    return wrapper


def _show_secret_once(request, endpoint) -> None:
    request.session[SECRET_SESSION_KEY] = {
        "endpoint": str(endpoint.public_id),
        "secret": endpoint.secret,
    }


def _pop_secret(request, endpoint) -> str:
    shown = request.session.get(SECRET_SESSION_KEY)
    if shown and shown.get("endpoint") == str(endpoint.public_id):
        del request.session[SECRET_SESSION_KEY]
        return shown["secret"]
    return ""


def _delivery_page(request, *, endpoint=None):
    filters = DeliveryFilterForm(request.GET)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    deliveries = selectors.webhook_delivery_list_visible_to(
        user=request.user, endpoint=endpoint, status=status
    )
    page = Paginator(deliveries, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    return filters, status, page


@webhook_admin_view
def webhook_list(request):
    endpoints = list(selectors.webhook_endpoint_list_visible_to(user=request.user))
    return render(request, "integrations/webhook_list.html", {"endpoints": endpoints})


@webhook_admin_view
def webhook_create(request):
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.webhook_endpoint_create(
                actor=request.user, **form.cleaned_data
            )
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            _show_secret_once(request, endpoint)
            messages.success(request, _("The endpoint was added."))
            return redirect("console:webhook_detail", public_id=endpoint.public_id)
    return render(
        request, "integrations/webhook_form.html", {"form": form, "endpoint": None}
    )


@webhook_admin_view
def webhook_detail(request, public_id):
    endpoint = selectors.webhook_endpoint_get(user=request.user, public_id=public_id)
    filters, status, page = _delivery_page(request, endpoint=endpoint)
    return render(
        request,
        "integrations/webhook_detail.html",
        {
            "endpoint": endpoint,
            "new_secret": _pop_secret(request, endpoint),
            "previous_secret_until": (
                endpoint.previous_secret_expires_at
                if len(endpoint.signing_secrets()) > 1
                else None
            ),
            "filters": filters,
            "status": status,
            "page": page,
        },
    )


@webhook_admin_view
def webhook_update(request, public_id):
    endpoint = selectors.webhook_endpoint_get(user=request.user, public_id=public_id)
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": "\n".join(endpoint.event_types),
        "is_active": endpoint.is_active,
    }
    form = WebhookEndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_endpoint_update(
                actor=request.user, endpoint=endpoint, **form.cleaned_data
            )
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The endpoint was saved."))
            return redirect("console:webhook_detail", public_id=endpoint.public_id)
    return render(
        request, "integrations/webhook_form.html", {"form": form, "endpoint": endpoint}
    )


@webhook_admin_view
@require_POST
def webhook_set_active(request, public_id):
    endpoint = selectors.webhook_endpoint_get(user=request.user, public_id=public_id)
    is_active = request.POST.get("is_active") == "1"
    services.webhook_endpoint_update(
        actor=request.user, endpoint=endpoint, is_active=is_active
    )
    if is_active:
        messages.success(request, _("The endpoint is enabled."))
    else:
        messages.success(
            request,
            _("The endpoint is disabled; its pending deliveries were stopped."),
        )
    return redirect("console:webhook_detail", public_id=endpoint.public_id)


@webhook_admin_view
def webhook_delete(request, public_id):
    endpoint = selectors.webhook_endpoint_get(user=request.user, public_id=public_id)
    if request.method == "POST":
        services.webhook_endpoint_delete(actor=request.user, endpoint=endpoint)
        messages.success(request, _("The endpoint was deleted."))
        return redirect("console:webhook_list")
    return render(
        request,
        "integrations/webhook_confirm.html",
        {"endpoint": endpoint, "action": "delete"},
    )


@webhook_admin_view
def webhook_rotate_secret(request, public_id):
    endpoint = selectors.webhook_endpoint_get(user=request.user, public_id=public_id)
    if request.method == "POST":
        services.webhook_endpoint_rotate_secret(actor=request.user, endpoint=endpoint)
        _show_secret_once(request, endpoint)
        messages.success(request, _("The endpoint has a new secret."))
        return redirect("console:webhook_detail", public_id=endpoint.public_id)
    return render(
        request,
        "integrations/webhook_confirm.html",
        {
            "endpoint": endpoint,
            "action": "rotate",
            "grace_hours": int(services.SECRET_GRACE_PERIOD.total_seconds() // 3600),
        },
    )


@webhook_admin_view
@require_POST
def webhook_test_send(request, public_id):
    endpoint = selectors.webhook_endpoint_get(user=request.user, public_id=public_id)
    try:
        delivery = services.webhook_test_send(actor=request.user, endpoint=endpoint)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("console:webhook_detail", public_id=endpoint.public_id)
    messages.success(request, _("A test event was sent."))
    return redirect("console:webhook_delivery_detail", public_id=delivery.public_id)


@webhook_admin_view
def webhook_delivery_list(request):
    filters, status, page = _delivery_page(request)
    return render(
        request,
        "integrations/delivery_list.html",
        {"filters": filters, "status": status, "page": page},
    )


@webhook_admin_view
def webhook_delivery_detail(request, public_id):
    delivery = selectors.webhook_delivery_get(user=request.user, public_id=public_id)
    return render(
        request,
        "integrations/delivery_detail.html",
        {
            "delivery": delivery,
            "attempts": list(delivery.attempt_log.all()),
            "payload": json.dumps(delivery.event.payload, indent=2, sort_keys=True),
        },
    )


@webhook_admin_view
def webhook_attempt_detail(request, public_id, number):
    attempt = selectors.webhook_attempt_get(
        user=request.user, delivery_public_id=public_id, number=number
    )
    return render(
        request,
        "integrations/attempt_detail.html",
        {"attempt": attempt, "delivery": attempt.delivery},
    )


@webhook_admin_view
@require_POST
def webhook_delivery_retry(request, public_id):
    delivery = selectors.webhook_delivery_get(user=request.user, public_id=public_id)
    try:
        services.webhook_delivery_retry(actor=request.user, delivery=delivery)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The delivery will be sent again now."))
    return redirect("console:webhook_delivery_detail", public_id=delivery.public_id)
