"""Domain events through a transactional outbox (DESIGN rule 2).

A service calls :func:`emit` inside its transaction; the event row commits or rolls back
with the change. Apps register subscribers::

    @events.subscriber("onboarding.journeys", events=["agreement.accepted"])
    def complete_agreement_task(event: OutboxEvent) -> None: ...

After commit the event is handed to each subscriber: by the worker's **outbox relay**
(:func:`relay`, a loop of ``openprm worker`` that reads new events in batches, a few
times a second) when a real task queue is configured, or by a task per event
(``core.tasks.deliver_event``) with the immediate backend, which runs it at once. A
subscriber runs at least once per event (so it must be idempotent); a failure is
retried with exponential backoff and stays visible (``SubscriberDelivery``) until it
succeeds or is given up; a worker that dies mid-delivery loses only its claim, which
expires. The ``core.deliver_due_events`` sweep picks up whatever was not delivered
straight away.

A subscriber that can take many events at once also registers a batch handler
(:func:`batch_handler`); the relay calls it with every event of a batch that the
subscriber wants, in one transaction, instead of once per event.
"""

import fnmatch
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from openprm.core import bulk_sql, context, db, jsontext
from openprm.core.models import DeliveryStatus, OutboxEvent, SubscriberDelivery

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
FIRST_RETRY_SECONDS = 10
MAX_RETRY_SECONDS = 6 * 3600
CLAIM_SECONDS = 300
# Events the relay hands over per transaction.
RELAY_BATCH = 500


@dataclass(frozen=True)
class Subscriber:
    name: str
    patterns: tuple[str, ...]
    handler: Callable[[OutboxEvent], None]
    # The same work for many events at once (the relay's), idempotent like handler.
    batch: Callable[[list[OutboxEvent]], None] | None = None

    def wants(self, event_name: str) -> bool:
        return any(
            fnmatch.fnmatchcase(event_name, pattern) for pattern in self.patterns
        )


_subscribers: dict[str, Subscriber] = {}


def subscriber(name: str, *, events: Iterable[str]) -> Callable:
    """Register ``handler`` under a stable ``name`` for event names (``*`` patterns)."""

    def decorator(handler):
        if name in _subscribers and _subscribers[name].handler is not handler:
            raise ValueError(f"Subscriber {name!r} is registered twice")
        _subscribers[name] = Subscriber(
            name=name, patterns=tuple(events), handler=handler
        )
        return handler

    return decorator


def batch_handler(name: str) -> Callable:
    """Register the batch form of the subscriber ``name`` (registered before)."""

    def decorator(handler):
        _subscribers[name] = replace(_subscribers[name], batch=handler)
        return handler

    return decorator


def subscribers() -> list[Subscriber]:
    return sorted(_subscribers.values(), key=lambda item: item.name)


def emit(
    name: str,
    *,
    payload: dict,
    actor=None,
    partner_id: int | None = None,
    version: int = 1,
) -> OutboxEvent:
    """Write an event to the outbox in the current transaction; deliver after commit."""
    event = OutboxEvent.objects.create(
        name=name,
        version=version,
        payload=payload,
        actor_id=getattr(actor, "pk", None),
        partner_id=partner_id,
        request_id=context.current().request_id,
    )
    if not settings.OPENPRM_OUTBOX_RELAY:
        transaction.on_commit(lambda: _enqueue_delivery(event.pk))
    return event


def _enqueue_delivery(event_id: int) -> None:
    from openprm.core.tasks import deliver_event

    try:
        deliver_event.enqueue(event_id)
    except Exception:  # the sweep delivers it later; the event is safe in the outbox
        logger.exception("Could not enqueue delivery of event %s", event_id)


def fan_out(event: OutboxEvent) -> None:
    """Create the delivery row of every interested subscriber (idempotent)."""
    for item in subscribers():
        if item.wants(event.name):
            try:
                with transaction.atomic():
                    SubscriberDelivery.objects.get_or_create(
                        event=event, subscriber=item.name
                    )
            except IntegrityError:  # created concurrently by another worker
                pass
    OutboxEvent.objects.filter(pk=event.pk, fanned_out_at__isnull=True).update(
        fanned_out_at=timezone.now()
    )


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 10 s, 20 s, 40 s, … capped at six hours."""
    return timedelta(
        seconds=min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), MAX_RETRY_SECONDS)
    )


def claimable(now) -> Q:
    """Rows (deliveries) no worker holds a claim on at ``now``: never claimed, or
    the claim has run out."""
    return Q(locked_until__isnull=True) | Q(locked_until__lt=now)


def _claim(delivery_id: int, now) -> bool:
    return bool(
        SubscriberDelivery.objects.filter(
            claimable(now),
            pk=delivery_id,
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=now,
        ).update(locked_until=now + timedelta(seconds=CLAIM_SECONDS))
    )


def attempt(delivery: SubscriberDelivery) -> bool:
    """Run one subscriber for one event if the delivery is due and unclaimed."""
    now = timezone.now()
    if not _claim(delivery.pk, now):
        return False
    handler = _subscribers.get(delivery.subscriber)
    attempts = delivery.attempts + 1
    try:
        if handler is None:
            raise LookupError(
                f"No subscriber named {delivery.subscriber!r} is registered"
            )
        with transaction.atomic():
            handler.handler(delivery.event)
            SubscriberDelivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.DELIVERED,
                attempts=attempts,
                delivered_at=timezone.now(),
                locked_until=None,
                last_error="",
            )
        return True
    except Exception as error:
        logger.warning(
            "Subscriber %s failed on event %s (attempt %s): %r",
            delivery.subscriber,
            delivery.event.uuid,
            attempts,
            error,
        )
        gave_up = attempts >= MAX_ATTEMPTS
        SubscriberDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING,
            attempts=attempts,
            next_attempt_at=timezone.now() + retry_delay(attempts),
            locked_until=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        return False


def deliver(event: OutboxEvent) -> None:
    """Fan the event out and attempt each of its due deliveries now."""
    if event.fanned_out_at is None:
        fan_out(event)
    due = event.deliveries.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now()
    ).select_related("event")
    for delivery in due:
        attempt(delivery)


def deliver_due(*, limit: int = 500) -> int:
    """The sweep: fan out stragglers, retry due deliveries; returns attempts made."""
    stale = timezone.now() - timedelta(seconds=30)
    for event in OutboxEvent.objects.filter(
        fanned_out_at__isnull=True, occurred_at__lt=stale
    )[:limit]:
        fan_out(event)
    now = timezone.now()
    due = (
        SubscriberDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        )
        .filter(claimable(now))
        .select_related("event")
        .order_by("next_attempt_at", "id")[:limit]
    )
    count = 0
    for delivery in due:
        attempt(delivery)
        count += 1
    return count


def relay(*, limit: int = RELAY_BATCH) -> int:
    """Hand up to ``limit`` events not yet fanned out to their subscribers; returns
    how many. One transaction writes every delivery row, marks the events fanned
    out and runs each batch handler on its events (a savepoint each); subscribers
    without one, and a batch handler that failed, are then attempted event by event
    (with their retries and backoff). Several relays may run at once: the rows are
    created once, and a delivery runs only for the relay whose update moved it from
    pending to delivered."""
    pending = list(
        OutboxEvent.objects.filter(fanned_out_at__isnull=True).order_by("id")[:limit]
    )
    if not pending:  # read outside a transaction: SQLite takes its lock at BEGIN
        return 0
    wanted = {
        item.name: [event for event in pending if item.wants(event.name)]
        for item in subscribers()
    }
    now = timezone.now()
    one_by_one = [name for name, found in wanted.items() if found]
    with transaction.atomic():
        SubscriberDelivery.objects.bulk_create(
            [
                SubscriberDelivery(event=event, subscriber=name, next_attempt_at=now)
                for name, found in wanted.items()
                for event in found
            ],
            ignore_conflicts=True,
        )
        OutboxEvent.objects.filter(
            pk__in=[event.pk for event in pending], fanned_out_at__isnull=True
        ).update(fanned_out_at=now)
        for name, found in wanted.items():
            batch = found and _subscribers[name].batch is not None
            if batch and _run_batch(_subscribers[name], found, now):
                one_by_one.remove(name)
    if one_by_one:
        for delivery in SubscriberDelivery.objects.filter(
            event__in=pending,
            subscriber__in=one_by_one,
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=now,
        ).select_related("event"):
            attempt(delivery)
    return len(pending)


def _run_batch(item: Subscriber, found: list[OutboxEvent], now) -> bool:
    """Deliver ``found`` to a batch handler in a savepoint; False if it failed."""
    try:
        with transaction.atomic():
            won = db.update_returning(
                SubscriberDelivery.objects.filter(
                    claimable(now),
                    event__in=found,
                    subscriber=item.name,
                    status=DeliveryStatus.PENDING,
                    next_attempt_at__lte=now,
                ),
                returning=("event",),
                status=DeliveryStatus.DELIVERED,
                attempts=F("attempts") + 1,
                delivered_at=now,
                locked_until=None,
                last_error="",
            )
            event_ids = {event_id for (event_id,) in won}
            if event_ids:
                item.batch([event for event in found if event.pk in event_ids])
        return True
    except Exception as error:
        logger.warning(
            "Subscriber %s failed on a batch of %s events, retrying one by one: %r",
            item.name,
            len(found),
            error,
        )
        return False


class OutboxRelay:
    """The worker loop of :func:`relay`: a batch as soon as the last one was full,
    else every ``OPENPRM_OUTBOX_POLL_SECONDS``."""

    name = "core.outbox_relay"

    def run(self, stop) -> None:
        from openprm.core import worker_loops

        while not stop.is_set():
            handed = worker_loops.guarded(self.name, relay)
            if handed is None or handed < RELAY_BATCH:
                stop.wait(settings.OPENPRM_OUTBOX_POLL_SECONDS)

    def run_once(self) -> None:
        while relay() == RELAY_BATCH:
            pass


def replay(*, event: OutboxEvent, subscriber_name: str | None = None) -> int:
    """Deliver an event again (to one subscriber or all): for failures fixed since."""
    fan_out(event)
    deliveries = SubscriberDelivery.objects.filter(event=event)
    if subscriber_name:
        deliveries = deliveries.filter(subscriber=subscriber_name)
    count = deliveries.update(
        status=DeliveryStatus.PENDING,
        next_attempt_at=timezone.now(),
        locked_until=None,
    )
    transaction.on_commit(lambda: _enqueue_delivery(event.pk))
    return count


class EventBatch:
    """Many events written to the outbox at once, for the bulk writers: the columns
    ``emit`` fills, in the row layout of ``OutboxEvent.BULK_FIELDS``, the payload
    encoded as ``JSONField`` stores it, inserted with one statement per batch. The
    payload comes from the same function the per-row service uses, so the two paths
    cannot drift. Nothing is enqueued per event: the ``core.deliver_due_events``
    sweep (or the caller's own task, with the ids ``write`` returns) delivers them."""

    def __init__(self, *, actor, now):
        self._stamp = bulk_sql.datetime_value(now)
        self._actor_id = getattr(actor, "pk", None)
        self._request_id = context.current().request_id
        self.rows: list[list] = []

    def add(self, name: str, *, payload: dict, partner_id: int | None) -> None:
        self.rows.append(
            [
                name,
                1,
                self._stamp,
                self._actor_id,
                partner_id,
                jsontext.dumps(payload),
                self._request_id,
            ]
        )

    def __len__(self) -> int:
        return len(self.rows)

    def write(self) -> list[int]:
        """Insert the events; returns their ids, in the order they were added."""
        ids = bulk_sql.reserve_ids(OutboxEvent, len(self.rows))
        uuids = jsontext.ordered_uuids(len(self.rows))
        rows = [
            (pk, event_uuid, *row)
            for pk, event_uuid, row in zip(ids, uuids, self.rows, strict=True)
        ]
        bulk_sql.copy_rows(OutboxEvent, ("id", *OutboxEvent.BULK_FIELDS), rows)
        self.rows = []
        return ids
