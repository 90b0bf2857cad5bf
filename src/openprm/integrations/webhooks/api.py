"""REST endpoints of the webhooks: vendor admins only (everyone else gets 403, before
any lookup, so that nothing can be learnt about endpoints or deliveries)."""

from datetime import datetime
from uuid import UUID

from ninja import Schema
from ninja.responses import Status

from openprm.core.api import ApiRouter, StrictSchema, as_uuid, lookup
from openprm.core.models import DeliveryStatus
from openprm.integrations.models import WebhookDelivery, WebhookEndpoint
from openprm.integrations.permissions import MANAGE_WEBHOOKS
from openprm.integrations.webhooks import selectors, services

router = ApiRouter(tags=["webhooks"])


class EndpointIn(StrictSchema):
    class Meta:
        model = WebhookEndpoint

    url: str
    event_types: list[str]
    description: str = ""
    is_active: bool = True


class EndpointPatch(StrictSchema):
    class Meta:
        model = WebhookEndpoint

    url: str | None = None
    event_types: list[str] | None = None
    description: str | None = None
    is_active: bool | None = None


class EndpointOut(Schema):
    id: UUID
    url: str
    description: str
    event_types: list[str]
    is_active: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: WebhookEndpoint) -> UUID:
        return obj.public_id


class EndpointWithSecretOut(EndpointOut):
    """Returned on create and on rotation only: the secret is not shown again."""

    secret: str


class EventRef(Schema):
    id: UUID
    name: str
    version: int
    occurred_at: datetime

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.uuid


class AttemptOut(Schema):
    number: int
    attempted_at: datetime
    finished_at: datetime | None
    url: str
    status_code: int | None
    latency_ms: int | None
    error: str
    response_body: str
    succeeded: bool

    @staticmethod
    def resolve_succeeded(obj) -> bool:
        return obj.is_success


class WebhookDeliveryOut(Schema):
    id: UUID
    webhook_id: str
    endpoint: UUID
    event: EventRef
    partner: int | None
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str
    delivered_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_id(obj: WebhookDelivery) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_endpoint(obj: WebhookDelivery) -> UUID:
        return obj.endpoint.public_id

    @staticmethod
    def resolve_partner(obj: WebhookDelivery) -> int | None:
        return obj.event.partner_id

    @staticmethod
    def resolve_next_attempt_at(obj: WebhookDelivery) -> datetime | None:
        return obj.next_attempt_at if obj.status == DeliveryStatus.PENDING else None


class DeliveryDetailOut(WebhookDeliveryOut):
    attempt_log: list[AttemptOut]

    @staticmethod
    def resolve_attempt_log(obj: WebhookDelivery) -> list:
        return list(obj.attempt_log.all())


@router.list(
    "/webhook-endpoints", response=EndpointOut, summary="List webhook endpoints"
)
def endpoint_list(request):
    """Ordered by URL. Vendor admins only."""
    MANAGE_WEBHOOKS.ensure(request.user)
    return selectors.webhook_endpoint_list_visible_to(user=request.user)


@router.post(
    "/webhook-endpoints",
    response={201: EndpointWithSecretOut},
    summary="Register a webhook endpoint",
)
def endpoint_create(request, payload: EndpointIn):
    """The response carries the signing secret (``whsec_…``): it is not shown again
    (rotate it to get a new one)."""
    endpoint = services.webhook_endpoint_create(
        actor=request.user, **payload.model_dump()
    )
    return Status(201, endpoint)


@router.get(
    "/webhook-endpoints/{endpoint_id}",
    response=EndpointOut,
    summary="Get a webhook endpoint",
)
def endpoint_get(request, endpoint_id: str):
    return lookup(
        request,
        selectors.webhook_endpoint_get,
        rule=MANAGE_WEBHOOKS,
        public_id=as_uuid(endpoint_id),
    )


@router.patch(
    "/webhook-endpoints/{endpoint_id}",
    response=EndpointOut,
    summary="Change a webhook endpoint",
)
def endpoint_update(request, endpoint_id: str, payload: EndpointPatch):
    """Only the fields sent are changed. Disabling fails its pending deliveries."""
    return services.webhook_endpoint_update(
        actor=request.user,
        endpoint=lookup(
            request,
            selectors.webhook_endpoint_get,
            rule=MANAGE_WEBHOOKS,
            public_id=as_uuid(endpoint_id),
        ),
        **payload.model_dump(exclude_unset=True),
    )


@router.delete(
    "/webhook-endpoints/{endpoint_id}",
    response={204: None},
    summary="Delete a webhook endpoint and its delivery log",
)
def endpoint_delete(request, endpoint_id: str):
    services.webhook_endpoint_delete(
        actor=request.user,
        endpoint=lookup(
            request,
            selectors.webhook_endpoint_get,
            rule=MANAGE_WEBHOOKS,
            public_id=as_uuid(endpoint_id),
        ),
    )
    return Status(204, None)


@router.post(
    "/webhook-endpoints/{endpoint_id}/rotate-secret",
    response=EndpointWithSecretOut,
    summary="Give a webhook endpoint a new signing secret",
)
def endpoint_rotate_secret(request, endpoint_id: str):
    """Returns the new secret, once. For 24 hours deliveries are signed with the old
    and the new secret, so the receiver can switch without missing an event."""
    return services.webhook_endpoint_rotate_secret(
        actor=request.user,
        endpoint=lookup(
            request,
            selectors.webhook_endpoint_get,
            rule=MANAGE_WEBHOOKS,
            public_id=as_uuid(endpoint_id),
        ),
    )


@router.post(
    "/webhook-endpoints/{endpoint_id}/test",
    response={202: WebhookDeliveryOut},
    summary="Send a webhook.test event to one endpoint",
)
def endpoint_test_send(request, endpoint_id: str):
    delivery = services.webhook_test_send(
        actor=request.user,
        endpoint=lookup(
            request,
            selectors.webhook_endpoint_get,
            rule=MANAGE_WEBHOOKS,
            public_id=as_uuid(endpoint_id),
        ),
    )
    return Status(202, delivery)


@router.list(
    "/webhook-deliveries",
    response=WebhookDeliveryOut,
    summary="List webhook deliveries",
)
def delivery_list(
    request, endpoint: str | None = None, status: DeliveryStatus | None = None
):
    """Newest first. Filter by ``endpoint`` (its id; an unknown one is a 404) and
    ``status`` (pending, delivered, failed)."""
    MANAGE_WEBHOOKS.ensure(request.user)
    if endpoint:
        endpoint = selectors.webhook_endpoint_get(
            user=request.user, public_id=as_uuid(endpoint)
        )
    return selectors.webhook_delivery_list_visible_to(
        user=request.user, endpoint=endpoint or None, status=status or ""
    )


@router.get(
    "/webhook-deliveries/{delivery_id}",
    response=DeliveryDetailOut,
    summary="Get a webhook delivery with its attempts",
)
def delivery_get(request, delivery_id: str):
    return lookup(
        request,
        selectors.webhook_delivery_get,
        rule=MANAGE_WEBHOOKS,
        public_id=as_uuid(delivery_id),
    )


@router.post(
    "/webhook-deliveries/{delivery_id}/retry",
    response={202: WebhookDeliveryOut},
    summary="Send a webhook delivery again now",
)
def delivery_retry(request, delivery_id: str):
    """Keeps the ``webhook-id``, so a receiver that already has it can tell."""
    delivery = services.webhook_delivery_retry(
        actor=request.user,
        delivery=lookup(
            request,
            selectors.webhook_delivery_get,
            rule=MANAGE_WEBHOOKS,
            public_id=as_uuid(delivery_id),
        ),
    )
    return Status(202, delivery)
