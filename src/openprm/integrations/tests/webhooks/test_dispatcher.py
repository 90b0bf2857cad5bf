"""The worker's webhook dispatcher against real receivers on 127.0.0.1: deliveries
sent concurrently, fairly per endpoint, recorded in batches, claims given back."""

import threading
import time

import pytest
from django.db import connections
from django.test import override_settings
from django.utils import timezone
from standardwebhooks import Webhook

from openprm.core import events
from openprm.core.models import OutboxEvent, SubscriberDelivery
from openprm.integrations.models import WebhookAttempt, WebhookDelivery
from openprm.integrations.tests.factories import (
    OutboxEventFactory,
    WebhookEndpointFactory,
)
from openprm.integrations.tests.receiver import Receiver, Reply
from openprm.integrations.webhooks.dispatcher import WebhookDispatcher

SLOW_SECONDS = 5


def deliveries_to(endpoint, count: int) -> list[WebhookDelivery]:
    return [
        WebhookDelivery.objects.create(event=OutboxEventFactory(), endpoint=endpoint)
        for _ in range(count)
    ]


class Running:
    """A dispatcher running its worker loop in a thread, as ``openprm worker`` does."""

    def __init__(self):
        self.dispatcher = WebhookDispatcher()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run)

    def _run(self):
        try:
            self.dispatcher.run(self.stop)
        finally:
            connections.close_all()  # this thread's

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stop.set()
        self.thread.join(timeout=30)


@pytest.mark.django_db(transaction=True)
@override_settings(
    OPENPRM_WEBHOOK_CONCURRENCY=4, OPENPRM_WEBHOOK_CONCURRENCY_PER_ENDPOINT=2
)
def test_a_slow_endpoint_does_not_hold_up_the_deliveries_to_a_fast_one():
    with (
        Receiver([Reply(delay_seconds=SLOW_SECONDS)] * 20) as slow_receiver,
        Receiver() as fast_receiver,
    ):
        slow = WebhookEndpointFactory(url=slow_receiver.url)
        fast = WebhookEndpointFactory(url=fast_receiver.url)
        # The slow endpoint's deliveries are older: first in line.
        deliveries_to(slow, 20)
        deliveries_to(fast, 20)

        started = time.monotonic()
        with Running():
            assert fast_receiver.wait_for_requests(20, timeout=SLOW_SECONDS - 1)
            fast_done = time.monotonic() - started
            # Meanwhile the slow endpoint holds only its own two threads.
            assert len(slow_receiver.requests) == 2
        # Stopping waited for the two slow requests in flight and recorded them.

    assert fast_done < SLOW_SECONDS - 1
    statuses = dict(
        WebhookDelivery.objects.filter(endpoint=fast).values_list("status", "attempts")
    )
    assert statuses == {"delivered": 1}
    for request in fast_receiver.requests:
        Webhook(fast.secret).verify(request.body, request.headers)
    slow_rows = list(
        WebhookDelivery.objects.filter(endpoint=slow).values_list(
            "status", "attempts", "locked_until"
        )
    )
    assert sorted(slow_rows, key=str)[:2] == [("delivered", 1, None)] * 2
    # The 18 claimed but never sent were given back: no attempt counted or logged.
    assert sorted(slow_rows, key=str)[2:] == [("pending", 0, None)] * 18
    assert WebhookAttempt.objects.filter(delivery__endpoint=slow).count() == 2


@pytest.mark.django_db(transaction=True)
@override_settings(
    OPENPRM_WEBHOOK_CONCURRENCY=2, OPENPRM_WEBHOOK_CONCURRENCY_PER_ENDPOINT=2
)
def test_endpoints_take_turns_for_the_threads():
    with Receiver() as receiver:
        first = WebhookEndpointFactory(url=receiver.url + "/first")
        second = WebhookEndpointFactory(url=receiver.url + "/second")
        deliveries_to(first, 30)
        deliveries_to(second, 3)

        WebhookDispatcher().run_once()

    paths = [request.path for request in receiver.requests]
    assert sorted(paths) == sorted(["/hooks/first"] * 30 + ["/hooks/second"] * 3)
    # The second endpoint's three are not queued behind the first one's thirty.
    assert max(i for i, path in enumerate(paths) if path == "/hooks/second") < 12


@pytest.mark.django_db(transaction=True)
def test_outcomes_are_recorded_with_retries_and_backoff():
    replies = [Reply(status=503, body=b"busy")] + [Reply()] * 5
    with Receiver(replies) as receiver:
        endpoint = WebhookEndpointFactory(url=receiver.url)
        deliveries = deliveries_to(endpoint, 6)

        WebhookDispatcher().run_once()

    assert len(receiver.requests) == 6
    rows = {
        delivery.pk: delivery
        for delivery in WebhookDelivery.objects.filter(endpoint=endpoint)
    }
    failed = [row for row in rows.values() if row.status == "pending"]
    assert len(failed) == 1
    retry = failed[0]
    assert (retry.attempts, retry.last_status_code, retry.last_error) == (
        1,
        503,
        "The receiver answered 503.",
    )
    assert retry.next_attempt_at > timezone.now()
    assert retry.locked_until is None
    delivered = [row for row in rows.values() if row.status == "delivered"]
    assert len(delivered) == 5
    for row in delivered:
        log = WebhookAttempt.objects.get(delivery=row)
        assert (log.number, log.status_code, log.is_success) == (1, 200, True)
        assert row.delivered_at == log.finished_at
    refused = WebhookAttempt.objects.get(delivery=retry)
    assert (refused.status_code, refused.response_body) == (503, "busy")
    assert {delivery.pk for delivery in deliveries} == set(rows)


@pytest.mark.django_db(transaction=True)
@override_settings(OPENPRM_OUTBOX_RELAY=True)
def test_the_relay_turns_committed_events_into_deliveries_in_one_batch():
    wanted = WebhookEndpointFactory(event_types=["partner.*"])
    WebhookEndpointFactory(event_types=["deal.*"])
    for number in range(3):
        events.emit("partner.updated", payload={"number": number})

    assert events.relay() == 3

    assert set(
        WebhookDelivery.objects.values_list("endpoint", "status").distinct()
    ) == {(wanted.pk, "pending")}
    assert WebhookDelivery.objects.count() == 3
    assert not OutboxEvent.objects.filter(fanned_out_at__isnull=True).exists()
    assert set(
        SubscriberDelivery.objects.filter(
            subscriber="integrations.webhooks"
        ).values_list("status", "attempts")
    ) == {("delivered", 1)}
    assert events.relay() == 0  # nothing twice
    assert WebhookDelivery.objects.count() == 3
