"""The webhook fulfilment provider: the order goes out signed through the
webhook delivery log to a real receiver; the service's signed callback moves the
order, once per message; unsigned, badly signed and stale callbacks change
nothing."""

import json
import time
from datetime import UTC, datetime

import pytest
from django.db import transaction
from standardwebhooks import Webhook

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.errors import Conflict
from openprm.incentives import ledger, rewards
from openprm.incentives.choices import EntryKind
from openprm.incentives.models import FulfilmentUpdate, RedemptionOrder
from openprm.incentives.tests.factories import RewardFactory
from openprm.integrations.models import WebhookDelivery
from openprm.integrations.tests.factories import WebhookEndpointFactory
from openprm.integrations.tests.receiver import Receiver
from openprm.integrations.webhooks import dispatch
from openprm.programs.tests.test_api import bearer
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


def _setup(url="http://127.0.0.1:9/hooks", event_types=("partner.*",)):
    """A fulfilment service's endpoint (that wants no redemption events by
    itself) as the default provider."""
    endpoint = WebhookEndpointFactory(url=url, event_types=list(event_types))
    rewards.fulfilment_configure(
        actor=VendorUserFactory(vendor_role=VendorRole.VENDOR_ADMIN),
        provider="webhook",
        options={"endpoint": str(endpoint.public_id)},
        is_default=True,
    )
    return endpoint


def _order(points=250):
    user = partner_user(roles=[PartnerRole.SALES])
    partner = user.memberships.get().partner
    account = ledger.account_for(partner_id=partner.pk)
    with transaction.atomic():
        ledger.credit(account=account, kind=EntryKind.BONUS, points=points)
    order = rewards.redemption_order_place(
        actor=user, partner_id=partner.pk, reward=RewardFactory()
    )
    return order, account


def _signed(secret, body: dict, msg_id="msg_cb1", at=None):
    raw = json.dumps(body).encode()
    at = at or datetime.now(tz=UTC)
    signature = Webhook(secret).sign(msg_id, at, raw.decode())
    return raw, {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
    }


def _callback(client, order, raw, headers):
    return client.post(
        f"/api/v1/redemptions/{order.public_id}/fulfilment-callbacks",
        raw,
        content_type="application/json",
        headers=headers,
    )


def test_the_order_is_posted_signed_to_the_service_whatever_its_filter():
    with Receiver() as receiver:
        endpoint = _setup(url=receiver.url)
        order, _account = _order()
        delivery = order_delivery(order)
        assert delivery.endpoint_id == endpoint.pk

        assert dispatch.attempt(delivery.pk) is True

    request = receiver.requests[0]
    document = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert document["type"] == "redemption.submitted"
    assert document["data"]["id"] == str(order.public_id)
    assert document["data"]["recipient"]["email"] == order.ordered_by.email


def order_delivery(order):
    return WebhookDelivery.objects.get(
        event__name="redemption.submitted",
        event__payload__id=str(order.public_id),
    )


def test_a_disabled_service_refuses_the_redemption_and_changes_nothing():
    endpoint = _setup()
    endpoint.is_active = False
    endpoint.save()
    user = partner_user(roles=[PartnerRole.SALES])
    partner = user.memberships.get().partner
    account = ledger.account_for(partner_id=partner.pk)
    with transaction.atomic():
        ledger.credit(account=account, kind=EntryKind.BONUS, points=250)
    reward = RewardFactory()
    with pytest.raises(Conflict):
        rewards.redemption_order_place(actor=user, partner_id=partner.pk, reward=reward)
    assert ledger.balance_of(account) == 250
    assert RedemptionOrder.objects.count() == 0
    reward.refresh_from_db()
    assert reward.stock == 5


def test_a_signed_callback_ships_the_order_and_a_replay_changes_nothing(client):
    endpoint = _setup()
    order, _account = _order()
    raw, headers = _signed(endpoint.secret, {"status": "shipped", "tracking": "1Z"})

    first = _callback(client, order, raw, headers)
    again = _callback(client, order, raw, headers)

    assert first.status_code == 200, first.content
    assert first.json() == {
        "order": str(order.public_id),
        "status": "shipped",
        "tracking": "1Z",
        "changed": True,
    }
    assert (again.status_code, again.json()["changed"]) == (200, False)
    assert list(order.fulfilment_updates.values_list("status", flat=True)) == [
        "submitted",
        "shipped",
    ]


def test_a_signed_failure_refunds_the_points_exactly(client):
    endpoint = _setup()
    order, account = _order(points=250)
    raw, headers = _signed(endpoint.secret, {"status": "failed", "note": "No stock"})
    response = _callback(client, order, raw, headers)
    assert response.status_code == 200
    assert ledger.balance_of(account) == 250
    order.refresh_from_db()
    assert order.refund_entry.points == 100


@pytest.mark.parametrize(
    "tamper",
    ["other_secret", "no_headers", "stale", "changed_body", "token_instead"],
)
def test_a_callback_not_signed_by_the_service_is_refused(client, tamper):
    endpoint = _setup()
    order, account = _order()
    secret = endpoint.secret
    at = None
    if tamper == "other_secret":
        secret = WebhookEndpointFactory().secret
    if tamper == "stale":
        at = datetime.fromtimestamp(time.time() - 600, tz=UTC)
    raw, headers = _signed(secret, {"status": "failed"}, at=at)
    if tamper == "no_headers":
        headers = {}
    if tamper == "changed_body":
        raw = json.dumps({"status": "failed", "note": "x"}).encode()
    if tamper == "token_instead":
        headers = bearer(VendorUserFactory(vendor_role=VendorRole.VENDOR_ADMIN))

    response = _callback(client, order, raw, headers)

    assert response.status_code == 401
    assert response.json()["code"] == "bad_signature"
    order.refresh_from_db()
    assert order.status == "submitted"
    assert ledger.balance_of(account) == 150


def test_an_order_not_sent_by_webhook_takes_no_callback(client):
    endpoint = _setup()
    order, _account = _order()
    RedemptionOrder.objects.filter(pk=order.pk).update(fulfilment_provider="csv")
    raw, headers = _signed(endpoint.secret, {"status": "shipped"})
    assert _callback(client, order, raw, headers).status_code == 401


def test_a_bad_status_is_a_field_error_and_changes_nothing(client):
    endpoint = _setup()
    order, _account = _order()
    raw, headers = _signed(endpoint.secret, {"status": "teleported"})
    response = _callback(client, order, raw, headers)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["status"]
    assert FulfilmentUpdate.objects.filter(order=order).count() == 1


def test_a_step_backwards_is_a_conflict(client):
    endpoint = _setup()
    order, _account = _order()
    raw, headers = _signed(endpoint.secret, {"status": "delivered"}, msg_id="m1")
    assert _callback(client, order, raw, headers).status_code == 200
    raw, headers = _signed(endpoint.secret, {"status": "shipped"}, msg_id="m2")
    response = _callback(client, order, raw, headers)
    assert response.status_code == 409
    order.refresh_from_db()
    assert order.status == "delivered"
