"""The fulfilment service's callback: what became of an order it was sent.

Authenticated by its Standard Webhooks signature (the secret of the endpoint the
order went to), checked before the body is read; idempotent (the same
``webhook-id`` again, or the status the order already has, changes nothing)."""

from uuid import UUID

from ninja import Schema
from pydantic import Field

from openprm.core.api import ApiRouter, StrictSchema
from openprm.incentives import rewards, selectors
from openprm.incentives.choices import FULFILMENT_STEPS
from openprm.integrations.fulfilment import provider

router = ApiRouter(tags=["incentives"])


class FulfilmentCallbackIn(StrictSchema):
    status: str = Field(description=f"One of: {', '.join(FULFILMENT_STEPS)}.")
    tracking: str = Field("", description="The carrier's tracking reference.")
    note: str = ""


class FulfilmentCallbackOut(Schema):
    order: UUID
    status: str
    tracking: str
    changed: bool = Field(description="False when the report was known already.")


def _signed_by_service(request) -> bool:
    """The operation's authentication: the signature of the order's service."""
    order = selectors.order_by_public_id(request.resolver_match.kwargs["order_id"])
    request.fulfilment_order = order
    request.fulfilment_message_id = provider.verified_message_id(
        order=order, headers=request.headers, body=request.body
    )
    return True


@router.post(
    "/redemptions/{order_id}/fulfilment-callbacks",
    auth=[_signed_by_service],
    response=FulfilmentCallbackOut,
    summary=(
        "A fulfilment service reports an order shipped, delivered or failed "
        "(signed with Standard Webhooks; failed refunds the points)"
    ),
)
def fulfilment_callback(request, order_id: str, payload: FulfilmentCallbackIn):
    order, changed = rewards.redemption_order_report(
        actor=None,
        order=request.fulfilment_order,
        status=payload.status,
        tracking=payload.tracking,
        note=payload.note,
        message_id=request.fulfilment_message_id,
    )
    order.refresh_from_db(fields=["status", "tracking"])
    return {
        "order": order.public_id,
        "status": order.status,
        "tracking": order.tracking,
        "changed": changed,
    }
