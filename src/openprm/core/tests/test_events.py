from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from openprm.core import events
from openprm.core.models import OutboxEvent, SubscriberDelivery

received: list[tuple[str, str]] = []
failures_left = {"count": 0}


@events.subscriber("test.recorder", events=["test.*"])
def recorder(event: OutboxEvent) -> None:
    if failures_left["count"] > 0:
        failures_left["count"] -= 1
        raise ConnectionError("receiver is down")
    received.append((event.name, event.payload["n"]))


@pytest.fixture(autouse=True)
def _reset():
    received.clear()
    failures_left["count"] = 0


def emit_committed(django_capture_on_commit_callbacks, name="test.happened", n="1"):
    with django_capture_on_commit_callbacks(execute=True):
        return events.emit(name, payload={"n": n}, partner_id=None)


@pytest.mark.django_db
def test_an_event_reaches_its_subscriber_after_commit(
    django_capture_on_commit_callbacks,
):
    event = emit_committed(django_capture_on_commit_callbacks)

    delivery = SubscriberDelivery.objects.get(event=event, subscriber="test.recorder")
    assert received == [("test.happened", "1")]
    assert (delivery.status, delivery.attempts) == ("delivered", 1)


@pytest.mark.django_db
def test_an_event_rolls_back_with_the_change_that_emitted_it():
    with pytest.raises(RuntimeError), transaction.atomic():
        events.emit("test.happened", payload={"n": "1"})
        raise RuntimeError("the business action failed")

    assert OutboxEvent.objects.count() == 0
    assert received == []


@pytest.mark.django_db
def test_subscribers_only_get_the_events_they_asked_for(
    django_capture_on_commit_callbacks,
):
    event = emit_committed(django_capture_on_commit_callbacks, name="other.thing")

    assert received == []
    assert not SubscriberDelivery.objects.filter(
        event=event, subscriber="test.recorder"
    ).exists()


@pytest.mark.django_db
def test_a_failing_subscriber_is_retried_with_backoff_and_its_error_kept(
    django_capture_on_commit_callbacks,
):
    failures_left["count"] = 1
    event = emit_committed(django_capture_on_commit_callbacks)
    delivery = SubscriberDelivery.objects.get(event=event, subscriber="test.recorder")

    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.last_error == "ConnectionError: receiver is down"
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=8)

    SubscriberDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now()
    )
    events.deliver_due()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        "delivered",
        2,
        "",
    )
    assert received == [("test.happened", "1")]


@pytest.mark.django_db
def test_backoff_doubles_and_is_capped():
    delays = [events.retry_delay(n).total_seconds() for n in (1, 2, 3, 20)]

    assert delays == [10, 20, 40, events.MAX_RETRY_SECONDS]


@pytest.mark.django_db
def test_a_subscriber_that_keeps_failing_is_given_up_and_visible(
    django_capture_on_commit_callbacks,
):
    failures_left["count"] = 100
    event = emit_committed(django_capture_on_commit_callbacks)
    for _ in range(events.MAX_ATTEMPTS):
        SubscriberDelivery.objects.update(next_attempt_at=timezone.now())
        events.deliver_due()

    delivery = SubscriberDelivery.objects.get(event=event, subscriber="test.recorder")
    assert (delivery.status, delivery.attempts) == ("failed", events.MAX_ATTEMPTS)


@pytest.mark.django_db
def test_a_claim_left_by_a_dead_worker_expires_and_the_event_is_delivered():
    event = events.emit("test.happened", payload={"n": "1"})
    events.fan_out(event)
    # A worker claimed the delivery and died before finishing it.
    SubscriberDelivery.objects.update(
        locked_until=timezone.now() + timedelta(minutes=5)
    )

    assert events.deliver_due() == 0
    SubscriberDelivery.objects.update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    events.deliver_due()

    assert received == [("test.happened", "1")]


@pytest.mark.django_db
def test_an_event_whose_delivery_task_was_lost_is_picked_up_by_the_sweep():
    event = events.emit("test.happened", payload={"n": "1"})  # on_commit never ran
    OutboxEvent.objects.filter(pk=event.pk).update(
        occurred_at=timezone.now() - timedelta(minutes=1)
    )

    events.deliver_due()

    assert received == [("test.happened", "1")]


@pytest.mark.django_db
def test_replay_delivers_an_event_again(django_capture_on_commit_callbacks):
    event = emit_committed(django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        events.replay(event=event, subscriber_name="test.recorder")

    assert received == [("test.happened", "1"), ("test.happened", "1")]
