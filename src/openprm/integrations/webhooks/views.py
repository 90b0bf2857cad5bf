"""Console pages of the webhooks: endpoints, secrets and the delivery log (vendor
admins only: other vendor staff get 403 too)."""

import json

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core.pagination import requested_page
from openprm.core.web import act, console_page, form_page
from openprm.integrations.permissions import MANAGE_WEBHOOKS
from openprm.integrations.webhooks import selectors, services
from openprm.integrations.webhooks.forms import DeliveryFilterForm, WebhookEndpointForm

DELIVERIES_PER_PAGE = 50
SECRET_SESSION_KEY = "integrations.new_webhook_secret"  # noqa: S105 (a key name)

webhook_page = console_page(rule=MANAGE_WEBHOOKS)


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


def _detail_url(endpoint) -> str:
    return reverse("console:webhook_detail", kwargs={"public_id": endpoint.public_id})


def _delivery_url(delivery) -> str:
    return reverse(
        "console:webhook_delivery_detail", kwargs={"public_id": delivery.public_id}
    )


def _delivery_page(request, *, endpoint=None) -> dict:
    filters = DeliveryFilterForm(request.GET)
    status = filters.status_value()
    deliveries = selectors.webhook_delivery_list_visible_to(
        user=request.user, endpoint=endpoint, status=status
    )
    # Counted up to a cap, the page's keys first (core.pagination).
    page = requested_page(request, deliveries, per_page=DELIVERIES_PER_PAGE)
    return {"filters": filters, "status": status, "page": page}


@webhook_page
def webhook_list(request):
    endpoints = list(selectors.webhook_endpoint_list_visible_to(user=request.user))
    return render(request, "integrations/webhook_list.html", {"endpoints": endpoints})


@webhook_page
def webhook_create(request):
    def save(data):
        endpoint = services.webhook_endpoint_create(actor=request.user, **data)
        _show_secret_once(request, endpoint)
        return endpoint

    return form_page(
        request,
        WebhookEndpointForm(request.POST or None),
        template="integrations/webhook_form.html",
        save=save,
        success=_("The endpoint was added."),
        next=_detail_url,
        context={"endpoint": None},
    )


@webhook_page
def webhook_detail(request, public_id):
    endpoint = selectors.webhook_endpoint_get(user=request.user, public_id=public_id)
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
            **_delivery_page(request, endpoint=endpoint),
        },
    )


@webhook_page
def webhook_update(request, public_id):
    endpoint = selectors.webhook_endpoint_get(user=request.user, public_id=public_id)
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": "\n".join(endpoint.event_types),
        "is_active": endpoint.is_active,
    }
    return form_page(
        request,
        WebhookEndpointForm(request.POST or None, initial=initial),
        template="integrations/webhook_form.html",
        save=lambda data: services.webhook_endpoint_update(
            actor=request.user, endpoint=endpoint, **data
        ),
        success=_("The endpoint was saved."),
        next=_detail_url(endpoint),
        context={"endpoint": endpoint},
    )


@webhook_page
@require_POST
def webhook_set_active(request, public_id):
    endpoint = selectors.webhook_endpoint_get(user=request.user, public_id=public_id)
    is_active = request.POST.get("is_active") == "1"
    return act(
        request,
        lambda: services.webhook_endpoint_update(
            actor=request.user, endpoint=endpoint, is_active=is_active
        ),
        success=(
            _("The endpoint is enabled.")
            if is_active
            else _("The endpoint is disabled; its pending deliveries were stopped.")
        ),
        next=_detail_url(endpoint),
    )


@webhook_page
def webhook_delete(request, public_id):
    endpoint = selectors.webhook_endpoint_get(user=request.user, public_id=public_id)
    if request.method == "POST":
        return act(
            request,
            lambda: services.webhook_endpoint_delete(
                actor=request.user, endpoint=endpoint
            ),
            success=_("The endpoint was deleted."),
            next="console:webhook_list",
        )
    return render(
        request,
        "integrations/webhook_confirm.html",
        {"endpoint": endpoint, "action": "delete"},
    )


@webhook_page
def webhook_rotate_secret(request, public_id):
    endpoint = selectors.webhook_endpoint_get(user=request.user, public_id=public_id)
    if request.method == "POST":

        def rotate():
            services.webhook_endpoint_rotate_secret(
                actor=request.user, endpoint=endpoint
            )
            _show_secret_once(request, endpoint)

        return act(
            request,
            rotate,
            success=_("The endpoint has a new secret."),
            next=_detail_url(endpoint),
        )
    return render(
        request,
        "integrations/webhook_confirm.html",
        {
            "endpoint": endpoint,
            "action": "rotate",
            "grace_hours": int(services.SECRET_GRACE_PERIOD.total_seconds() // 3600),
        },
    )


@webhook_page
@require_POST
def webhook_test_send(request, public_id):
    endpoint = selectors.webhook_endpoint_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: services.webhook_test_send(actor=request.user, endpoint=endpoint),
        success=_("A test event was sent."),
        next=_delivery_url,
        on_refusal=_detail_url(endpoint),
    )


@webhook_page
def webhook_delivery_list(request):
    return render(request, "integrations/delivery_list.html", _delivery_page(request))


@webhook_page
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


@webhook_page
def webhook_attempt_detail(request, public_id, number):
    attempt = selectors.webhook_attempt_get(
        user=request.user, delivery_public_id=public_id, number=number
    )
    return render(
        request,
        "integrations/attempt_detail.html",
        {"attempt": attempt, "delivery": attempt.delivery},
    )


@webhook_page
@require_POST
def webhook_delivery_retry(request, public_id):
    delivery = selectors.webhook_delivery_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: services.webhook_delivery_retry(actor=request.user, delivery=delivery),
        success=_("The delivery will be sent again now."),
        next=_delivery_url(delivery),
    )
