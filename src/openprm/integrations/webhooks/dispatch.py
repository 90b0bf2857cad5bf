"""Webhook delivery: from an outbox event to signed HTTP requests, at least once.

The ``integrations.webhooks`` subscriber (``integrations/subscribers.py``) turns
each event into one ``WebhookDelivery`` per active endpoint whose filter matches
(:func:`delivery_create`, or in bulk from the worker's outbox relay). A send claims
the delivery (a claim that expires, as in ``core.events``), logs the attempt
*before* the request so that a request cut short by a dying worker stays visible,
POSTs the event (``transport``: kept-alive connections), and records the outcome. A
failure is retried with exponential backoff (``core.events.retry_delay``) until
``MAX_ATTEMPTS``.

Who sends: in ``openprm worker`` the :class:`~openprm.integrations.webhooks.
dispatcher.WebhookDispatcher` loop, many deliveries at once (``dispatcher.py``);
with the immediate task backend a task per delivery (:func:`attempt`). The
``integrations.send_due_webhooks`` sweep (:func:`send_due`) is the backstop.
"""

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from openprm.core import events
from openprm.core.models import DeliveryStatus, OutboxEvent
from openprm.integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from openprm.integrations.webhooks import signing, transport

logger = logging.getLogger(__name__)

# 15 attempts with delays of 10 s, 20 s, 40 s … (capped at 6 h) span about a day.
MAX_ATTEMPTS = 15
TIMEOUT_SECONDS = 10
# Longer than a request can take, so that a live request keeps its claim.
CLAIM_SECONDS = 60


def delivery_create(
    *, event: OutboxEvent, endpoint: WebhookEndpoint
) -> tuple[WebhookDelivery, bool]:
    """The delivery of ``event`` to ``endpoint``, created once (idempotent); and
    whether this call created it (and so should have it sent)."""
    try:
        with transaction.atomic():
            return WebhookDelivery.objects.get_or_create(event=event, endpoint=endpoint)
    except IntegrityError:  # created concurrently by another worker
        return WebhookDelivery.objects.get(event=event, endpoint=endpoint), False


@dataclass(frozen=True)
class Outcome:
    """What one request came to."""

    status_code: int | None
    excerpt: str
    error: str
    latency_ms: int
    finished: datetime

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def send(delivery: WebhookDelivery) -> Outcome:
    """POST the delivery's event, signed; ``event`` and ``endpoint`` are loaded."""
    endpoint, event = delivery.endpoint, delivery.event
    body = signing.envelope(
        event_id=str(event.uuid),
        name=event.name,
        version=event.version,
        occurred_at=event.occurred_at,
        payload=event.payload,
        partner_id=event.partner_id,
    )
    started = time.monotonic()
    status_code, excerpt, error = transport.post(
        endpoint.url,
        body=body,
        headers=signing.headers(
            secrets_in_use=endpoint.signing_secrets(),
            msg_id=delivery.webhook_id,
            timestamp=int(time.time()),
            body=body,
        ),
        timeout=TIMEOUT_SECONDS,
    )
    latency_ms = round((time.monotonic() - started) * 1000)
    if not error and not (status_code is not None and 200 <= status_code < 300):
        error = f"The receiver answered {status_code}."
    return Outcome(status_code, excerpt, error[:2000], latency_ms, timezone.now())


def record(attempt_log: WebhookAttempt, delivery: WebhookDelivery, outcome: Outcome):
    """Set the outcome on the attempt's log and on its delivery (not saved)."""
    attempt_log.finished_at = outcome.finished
    attempt_log.status_code = outcome.status_code
    attempt_log.latency_ms = outcome.latency_ms
    attempt_log.error = outcome.error
    attempt_log.response_body = outcome.excerpt
    attempt_log.is_success = outcome.succeeded
    delivery.locked_until = None
    delivery.last_status_code = outcome.status_code
    if outcome.succeeded:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = outcome.finished
        delivery.last_error = ""
    else:
        delivery.status = (
            DeliveryStatus.FAILED
            if attempt_log.number >= MAX_ATTEMPTS
            else DeliveryStatus.PENDING
        )
        delivery.next_attempt_at = outcome.finished + events.retry_delay(
            attempt_log.number
        )
        delivery.last_error = outcome.error
        logger.warning(
            "Webhook delivery %s to %s failed (attempt %s): %s",
            delivery.webhook_id,
            delivery.endpoint.url,
            attempt_log.number,
            outcome.error,
        )


ATTEMPT_OUTCOME_FIELDS = [
    "finished_at",
    "status_code",
    "latency_ms",
    "error",
    "response_body",
    "is_success",
]
DELIVERY_OUTCOME_FIELDS = [
    "status",
    "delivered_at",
    "next_attempt_at",
    "last_error",
    "last_status_code",
    "locked_until",
]


def _claim(delivery_id: int, now: datetime) -> datetime | None:
    """Claim a due delivery; returns the claim (its expiry) or None if not ours."""
    locked_until = now + timedelta(seconds=CLAIM_SECONDS)
    claimed = WebhookDelivery.objects.filter(
        events.claimable(now),
        pk=delivery_id,
        status=DeliveryStatus.PENDING,
        next_attempt_at__lte=now,
    ).update(locked_until=locked_until)
    return locked_until if claimed else None


def attempt(delivery_id: int) -> bool:
    """Send one due, unclaimed delivery once; True when the receiver accepted it."""
    now = timezone.now()
    claim = _claim(delivery_id, now)
    if claim is None:
        return False
    delivery = (
        WebhookDelivery.objects.select_related("event", "endpoint")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:  # its endpoint was deleted meanwhile
        return False
    mine = WebhookDelivery.objects.filter(pk=delivery_id, locked_until=claim)
    if not delivery.endpoint.is_active:
        mine.update(
            status=DeliveryStatus.FAILED,
            locked_until=None,
            last_error="The endpoint is disabled.",
        )
        return False

    number = delivery.attempts + 1
    with transaction.atomic():
        mine.update(attempts=number)
        log = WebhookAttempt.objects.create(
            delivery=delivery,
            number=number,
            attempted_at=now,
            url=delivery.endpoint.url,
        )
    outcome = send(delivery)
    record(log, delivery, outcome)
    with transaction.atomic():
        WebhookAttempt.objects.filter(pk=log.pk).update(
            **{name: getattr(log, name) for name in ATTEMPT_OUTCOME_FIELDS}
        )
        # Only while the claim is ours: a worker that took over an expired claim
        # owns the outcome from then on.
        kept = mine.update(
            **{name: getattr(delivery, name) for name in DELIVERY_OUTCOME_FIELDS}
        )
    if not kept:
        logger.warning(
            "Webhook delivery %s: the claim expired during the request", delivery.pk
        )
    return outcome.succeeded


def send_due(*, limit: int = 100, budget_seconds: float = 60) -> int:
    """The sweep: send due deliveries, oldest first, for up to ``budget_seconds``
    (a dead receiver costs a timeout each); returns how many were tried. Where the
    worker's dispatcher sends (``OPENPRM_OUTBOX_RELAY``), only the deliveries it
    leaves alone: those to endpoints disabled since, which fail here."""
    now = timezone.now()
    due = WebhookDelivery.objects.filter(
        events.claimable(now), status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    )
    if settings.OPENPRM_OUTBOX_RELAY:
        due = due.filter(endpoint__is_active=False)
    due = list(
        due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit]
    )
    deadline = time.monotonic() + budget_seconds
    count = 0
    for delivery_id in due:
        if time.monotonic() > deadline:
            break
        attempt(delivery_id)
        count += 1
    return count
