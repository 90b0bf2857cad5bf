"""Delivery to real HTTP receivers on 127.0.0.1, verified as a receiver would."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks import Webhook

from openprm.core import events
from openprm.core.models import OutboxEvent
from openprm.integrations import subscribers
from openprm.integrations.models import WebhookAttempt, WebhookDelivery
from openprm.integrations.tests.factories import (
    OutboxEventFactory,
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
)
from openprm.integrations.tests.receiver import Receiver, Reply
from openprm.integrations.webhooks import dispatch, services
from openprm.partners.tests.factories import PartnerFactory


def make_due() -> None:
    """Time passes: every retry's backoff has run out."""
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())


def attempt_outcomes(delivery) -> list[tuple[int, int | None, bool]]:
    return list(
        WebhookAttempt.objects.filter(delivery=delivery)
        .order_by("number")
        .values_list("number", "status_code", "is_success")
    )


@pytest.fixture
def receiver():
    with Receiver() as receiver:
        yield receiver


# --- fan-out


@pytest.mark.django_db
def test_an_event_gets_one_delivery_per_active_endpoint_whose_filter_matches():
    everything = WebhookEndpointFactory(event_types=["*"])
    partners = WebhookEndpointFactory(event_types=["partner.*"])
    WebhookEndpointFactory(event_types=["deal.*"])
    WebhookEndpointFactory(event_types=["*"], is_active=False)
    event = OutboxEventFactory(name="partner.created")

    subscribers.fan_out_to_endpoints(event)

    assert set(event.webhook_deliveries.values_list("endpoint", "status")) == {
        (everything.pk, "pending"),
        (partners.pk, "pending"),
    }


@pytest.mark.django_db
def test_fanning_out_the_same_event_twice_creates_each_delivery_once():
    WebhookEndpointFactory.create_batch(2)
    event = OutboxEventFactory()

    subscribers.fan_out_to_endpoints(event)
    subscribers.fan_out_to_endpoints(event)

    assert event.webhook_deliveries.count() == 2


@pytest.mark.django_db
def test_events_about_webhooks_themselves_are_not_fanned_out():
    WebhookEndpointFactory(event_types=["*"])
    event = OutboxEventFactory(name="webhook.endpoint_created")

    subscribers.fan_out_to_endpoints(event)

    assert event.webhook_deliveries.count() == 0


@pytest.mark.django_db
def test_the_webhooks_subscriber_is_registered_for_every_event():
    subscriber = next(
        item for item in events.subscribers() if item.name == "integrations.webhooks"
    )

    assert subscriber.patterns == ("*",)
    assert subscriber.handler is subscribers.fan_out_to_endpoints


# --- sending


@pytest.mark.django_db
def test_a_business_event_reaches_the_receiver_signed_and_verifiable(
    receiver, django_capture_on_commit_callbacks
):
    endpoint = WebhookEndpointFactory(url=receiver.url, event_types=["partner.*"])

    with django_capture_on_commit_callbacks(execute=True):
        partner = PartnerFactory(name="Contoso Solutions")

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    document = Webhook(endpoint.secret).verify(request.body, request.headers)
    event = OutboxEvent.objects.get(name="partner.created")
    assert document == {
        "id": str(event.uuid),
        "type": "partner.created",
        "version": 1,
        "timestamp": event.occurred_at.isoformat().replace("+00:00", "Z"),
        "partner": partner.pk,
        "data": event.payload,
    }
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert request.headers["webhook-id"] == delivery.webhook_id
    assert request.headers["content-type"] == "application/json"
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        "delivered",
        1,
        200,
    )


@pytest.mark.django_db
def test_a_delivered_attempt_is_logged_with_code_latency_and_response():
    with Receiver([Reply(status=204, body=b"")]) as receiver:
        delivery = WebhookDeliveryFactory(endpoint__url=receiver.url)

        assert dispatch.attempt(delivery.pk) is True

    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert (attempt.number, attempt.status_code, attempt.is_success) == (1, 204, True)
    assert (attempt.error, attempt.response_body, attempt.url) == ("", "", receiver.url)
    assert attempt.finished_at is not None
    assert 0 <= attempt.latency_ms < 5000
    delivery.refresh_from_db()
    assert delivery.delivered_at == attempt.finished_at
    assert delivery.locked_until is None


@pytest.mark.django_db
def test_a_receiver_that_fails_first_gets_the_event_later_and_every_attempt_is_logged():
    replies = [Reply(status=500, body=b"database down"), Reply(status=503), Reply()]
    with Receiver(replies) as receiver:
        endpoint = WebhookEndpointFactory(url=receiver.url)
        delivery = WebhookDeliveryFactory(endpoint=endpoint)

        assert dispatch.attempt(delivery.pk) is False
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
            "pending",
            1,
            500,
        )
        assert delivery.last_error == "The receiver answered 500."
        assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=8)
        assert dispatch.send_due() == 0  # not due yet

        make_due()
        dispatch.send_due()
        make_due()
        dispatch.send_due()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        "delivered",
        3,
        "",
    )
    assert attempt_outcomes(delivery) == [
        (1, 500, False),
        (2, 503, False),
        (3, 200, True),
    ]
    first = WebhookAttempt.objects.get(delivery=delivery, number=1)
    assert first.response_body == "database down"
    # The same webhook-id every time, each request signed afresh and verifiable.
    assert {request.headers["webhook-id"] for request in receiver.requests} == {
        delivery.webhook_id
    }
    for request in receiver.requests:
        Webhook(endpoint.secret).verify(request.body, request.headers)


@pytest.mark.django_db
def test_retries_back_off_exponentially():
    with Receiver([Reply(status=500)] * 3) as receiver:
        delivery = WebhookDeliveryFactory(endpoint__url=receiver.url)
        delays = []
        for _ in range(3):
            make_due()
            before = timezone.now()
            dispatch.send_due()
            delivery.refresh_from_db()
            delays.append(round((delivery.next_attempt_at - before).total_seconds()))

    assert delays == [10, 20, 40]


@pytest.mark.django_db
def test_a_delivery_is_given_up_after_the_last_attempt():
    with Receiver([Reply(status=500)] * dispatch.MAX_ATTEMPTS) as receiver:
        delivery = WebhookDeliveryFactory(endpoint__url=receiver.url)
        for _ in range(dispatch.MAX_ATTEMPTS + 1):
            make_due()
            dispatch.send_due()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", dispatch.MAX_ATTEMPTS)
    assert len(receiver.requests) == dispatch.MAX_ATTEMPTS
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 15


@pytest.mark.django_db
def test_a_redirect_is_not_followed_and_counts_as_a_failure():
    with (
        Receiver() as target,
        Receiver([Reply(status=302, headers={"Location": target.url})]) as receiver,
    ):
        delivery = WebhookDeliveryFactory(endpoint__url=receiver.url)

        dispatch.attempt(delivery.pk)

    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert (attempt.status_code, attempt.error) == (302, "Redirects are not followed.")
    assert target.requests == []


@pytest.mark.django_db
def test_a_receiver_that_does_not_answer_in_time_is_a_logged_timeout(monkeypatch):
    monkeypatch.setattr(dispatch, "TIMEOUT_SECONDS", 0.2)
    with Receiver([Reply(delay_seconds=1)]) as receiver:
        delivery = WebhookDeliveryFactory(endpoint__url=receiver.url)

        dispatch.attempt(delivery.pk)

    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert (attempt.status_code, attempt.error) == (None, "TimeoutError: timed out")
    assert 150 <= attempt.latency_ms < 1000
    delivery.refresh_from_db()
    assert delivery.status == "pending"


@pytest.mark.django_db
def test_an_unreachable_receiver_is_a_logged_connection_error():
    delivery = WebhookDeliveryFactory(endpoint__url="http://127.0.0.1:9/hooks")

    dispatch.attempt(delivery.pk)

    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.status_code is None
    assert attempt.error.startswith("ConnectionRefusedError: ")


@pytest.mark.django_db
def test_a_delivery_whose_task_was_lost_is_sent_by_the_sweep(receiver):
    # Created by the subscriber, but the send task never ran (the queue lost it).
    delivery = WebhookDeliveryFactory(endpoint__url=receiver.url)

    assert dispatch.send_due() == 1

    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert len(receiver.requests) == 1


@pytest.mark.django_db
def test_a_claim_left_by_a_dead_worker_expires_and_the_delivery_is_sent(receiver):
    delivery = WebhookDeliveryFactory(endpoint__url=receiver.url, attempts=1)
    # A worker claimed it, logged its attempt, and died during the request.
    WebhookAttempt.objects.create(delivery=delivery, number=1, url=receiver.url)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        locked_until=timezone.now() + timedelta(seconds=30)
    )

    assert dispatch.send_due() == 0
    assert receiver.requests == []
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    dispatch.send_due()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert attempt_outcomes(delivery) == [(1, None, False), (2, 200, True)]
    assert WebhookAttempt.objects.get(delivery=delivery, number=1).is_interrupted


@pytest.mark.django_db
def test_a_delivery_to_an_endpoint_disabled_since_fails_without_a_request(receiver):
    delivery = WebhookDeliveryFactory(endpoint__url=receiver.url)
    delivery.endpoint.is_active = False
    delivery.endpoint.save()

    dispatch.send_due()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 0)
    assert delivery.last_error == "The endpoint is disabled."
    assert receiver.requests == []


@pytest.mark.django_db
def test_during_a_secret_rotation_deliveries_verify_with_old_and_new_secret(receiver):
    endpoint = WebhookEndpointFactory(url=receiver.url)
    old_secret = endpoint.secret
    services.webhook_endpoint_rotate_secret(
        actor=endpoint.created_by, endpoint=endpoint
    )
    delivery = WebhookDeliveryFactory(endpoint=endpoint)

    dispatch.attempt(delivery.pk)

    request = receiver.requests[0]
    assert Webhook(old_secret).verify(request.body, request.headers)
    assert Webhook(endpoint.secret).verify(request.body, request.headers)


@pytest.mark.django_db
def test_a_test_event_reaches_the_receiver(
    receiver, django_capture_on_commit_callbacks
):
    endpoint = WebhookEndpointFactory(url=receiver.url)
    WebhookEndpointFactory(url=receiver.url + "/other")

    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.webhook_test_send(
            actor=endpoint.created_by, endpoint=endpoint
        )

    assert [request.path for request in receiver.requests] == ["/hooks"]
    document = Webhook(endpoint.secret).verify(
        receiver.requests[0].body, receiver.requests[0].headers
    )
    assert document["type"] == "webhook.test"
    assert document["data"]["endpoint"] == str(endpoint.public_id)
    delivery.refresh_from_db()
    assert delivery.status == "delivered"


@pytest.mark.django_db
def test_a_manual_retry_sends_a_delivered_event_again_with_the_same_webhook_id(
    receiver, django_capture_on_commit_callbacks
):
    delivery = WebhookDeliveryFactory(endpoint__url=receiver.url)
    dispatch.attempt(delivery.pk)

    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_delivery_retry(
            actor=delivery.endpoint.created_by, delivery=delivery
        )

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert [request.headers["webhook-id"] for request in receiver.requests] == [
        delivery.webhook_id,
        delivery.webhook_id,
    ]
    assert json.loads(receiver.requests[0].body) == json.loads(
        receiver.requests[1].body
    )


@pytest.mark.django_db
def test_replaying_an_event_sends_it_to_endpoints_added_since_only(
    receiver, django_capture_on_commit_callbacks
):
    first = WebhookEndpointFactory(url=receiver.url + "/first")
    with django_capture_on_commit_callbacks(execute=True):
        event = events.emit("partner.created", payload={"id": 1})
    second = WebhookEndpointFactory(url=receiver.url + "/second")

    with django_capture_on_commit_callbacks(execute=True):
        events.replay(event=event, subscriber_name="integrations.webhooks")

    assert [request.path for request in receiver.requests] == [
        "/hooks/first",
        "/hooks/second",
    ]
    assert set(event.webhook_deliveries.values_list("endpoint", "attempts")) == {
        (first.pk, 1),
        (second.pk, 1),
    }
