"""Reads of webhook endpoints and deliveries: vendor admins only, others see none."""

from uuid import UUID

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from openprm.core.errors import NotFound
from openprm.core.models import DeliveryStatus
from openprm.integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from openprm.integrations.permissions import MANAGE_WEBHOOKS


def _count_of(status: str) -> Subquery:
    deliveries = (
        WebhookDelivery.objects.filter(endpoint=OuterRef("pk"), status=status)
        .order_by()
        .values("endpoint")
        .annotate(total=Count("id"))
        .values("total")
    )
    return Coalesce(Subquery(deliveries, output_field=IntegerField()), 0)


def webhook_endpoint_list_visible_to(*, user) -> QuerySet[WebhookEndpoint]:
    """Endpoints with their pending and failed delivery counts, for the list pages."""
    if not MANAGE_WEBHOOKS.allows(user):
        return WebhookEndpoint.objects.none()
    return WebhookEndpoint.objects.annotate(
        pending_count=_count_of(DeliveryStatus.PENDING),
        failed_count=_count_of(DeliveryStatus.FAILED),
    ).order_by("url", "id")


def webhook_endpoint_get(*, user, public_id: UUID | str) -> WebhookEndpoint:
    endpoint = (
        webhook_endpoint_list_visible_to(user=user).filter(public_id=public_id).first()
    )
    if endpoint is None:
        raise NotFound
    return endpoint


def webhook_delivery_list_visible_to(
    *,
    user,
    endpoint: WebhookEndpoint | None = None,
    status: str = "",
) -> QuerySet[WebhookDelivery]:
    """The delivery log, newest first, with the event and endpoint of each row."""
    if not MANAGE_WEBHOOKS.allows(user):
        return WebhookDelivery.objects.none()
    deliveries = WebhookDelivery.objects.select_related("event", "endpoint")
    if endpoint is not None:
        deliveries = deliveries.filter(endpoint=endpoint)
    if status:
        deliveries = deliveries.filter(status=status)
    return deliveries.order_by("-created_at", "-id")


def webhook_delivery_get(*, user, public_id: UUID | str) -> WebhookDelivery:
    """One delivery with its attempts in order."""
    delivery = (
        webhook_delivery_list_visible_to(user=user)
        .prefetch_related(
            Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("number"))
        )
        .filter(public_id=public_id)
        .first()
    )
    if delivery is None:
        raise NotFound
    return delivery


def webhook_attempt_get(
    *, user, delivery_public_id: UUID | str, number: int
) -> WebhookAttempt:
    attempt = (
        WebhookAttempt.objects.select_related(
            "delivery", "delivery__event", "delivery__endpoint"
        )
        .filter(
            delivery__in=webhook_delivery_list_visible_to(user=user),
            delivery__public_id=delivery_public_id,
            number=number,
        )
        .order_by("-id")
        .first()
    )
    if attempt is None:
        raise NotFound
    return attempt
