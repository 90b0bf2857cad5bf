"""Webhook delivery: from an outbox event to signed HTTP requests, at least once.

The ``integrations.webhooks`` subscriber (``integrations/subscribers.py``) turns
each event into one ``WebhookDelivery`` per active endpoint whose filter matches
(:func:`delivery_create`); a task (``integrations.tasks``) sends it. A send claims
the delivery (a claim that expires, as in ``core.events``), logs the attempt
*before* the request so that a request cut short by a dying worker stays visible,
POSTs the event, and records the outcome. A failure is retried with exponential
backoff (``core.events.retry_delay``) until ``MAX_ATTEMPTS``; the
``integrations.send_due_webhooks`` sweep sends whatever is due, so a lost task or a
killed worker only delays a delivery.
"""

import http.client
import logging
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from openprm import __version__ as openprm_version
from openprm.core import events
from openprm.core.models import DeliveryStatus, OutboxEvent
from openprm.integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from openprm.integrations.webhooks import signing

logger = logging.getLogger(__name__)

# 15 attempts with delays of 10 s, 20 s, 40 s … (capped at 6 h) span about a day.
MAX_ATTEMPTS = 15
TIMEOUT_SECONDS = 10
# Longer than a request can take, so that a live request keeps its claim.
CLAIM_SECONDS = 60
RESPONSE_EXCERPT_CHARS = 1000
USER_AGENT = f"OpenPRM-Webhooks/{openprm_version}"


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


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not an instruction: it counts as a failure."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(
    url: str, *, body: bytes, headers: dict[str, str]
) -> tuple[int | None, str, str]:
    """POST ``body``; returns (status code or None, response excerpt, error text)."""
    if not url.startswith(("http://", "https://")):  # validated on save; and here
        return None, "", "Only http:// and https:// URLs receive webhooks."
    try:
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                **headers,
            },
        )
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, _excerpt(response), ""
    except urllib.error.HTTPError as error:  # a non-2xx answer is still an answer
        with error:
            excerpt = _excerpt(error)
        if 300 <= error.code < 400:
            return error.code, excerpt, "Redirects are not followed."
        return error.code, excerpt, ""
    except urllib.error.URLError as error:  # no connection: refused, DNS, TLS
        return None, "", _describe(error.reason)
    except (OSError, ValueError, http.client.HTTPException) as error:
        # Timeouts, resets, malformed responses.
        return None, "", _describe(error)


def _describe(error) -> str:
    if not isinstance(error, BaseException):
        return str(error)
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _excerpt(response) -> str:
    try:
        raw = response.read(RESPONSE_EXCERPT_CHARS * 4)
    except (OSError, ValueError):
        return ""
    return raw.decode("utf-8", errors="replace")[:RESPONSE_EXCERPT_CHARS]


def _claim(delivery_id: int, now: datetime) -> datetime | None:
    """Claim a due delivery; returns the claim (its expiry) or None if not ours."""
    locked_until = now + timedelta(seconds=CLAIM_SECONDS)
    claimable = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    claimed = WebhookDelivery.objects.filter(
        claimable,
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
    endpoint, event = delivery.endpoint, delivery.event
    if not endpoint.is_active:
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
            delivery=delivery, number=number, attempted_at=now, url=endpoint.url
        )
    body = signing.envelope(
        event_id=str(event.uuid),
        name=event.name,
        version=event.version,
        occurred_at=event.occurred_at,
        payload=event.payload,
        partner_id=event.partner_id,
    )
    timestamp = int(time.time())
    started = time.monotonic()
    status_code, excerpt, error = post(
        endpoint.url,
        body=body,
        headers=signing.headers(
            secrets_in_use=endpoint.signing_secrets(),
            msg_id=delivery.webhook_id,
            timestamp=timestamp,
            body=body,
        ),
    )
    latency_ms = round((time.monotonic() - started) * 1000)
    succeeded = status_code is not None and 200 <= status_code < 300
    if not succeeded and not error:
        error = f"The receiver answered {status_code}."
    finished = timezone.now()

    with transaction.atomic():
        WebhookAttempt.objects.filter(pk=log.pk).update(
            finished_at=finished,
            status_code=status_code,
            latency_ms=latency_ms,
            error=error[:2000],
            response_body=excerpt,
            is_success=succeeded,
        )
        if succeeded:
            outcome = {
                "status": DeliveryStatus.DELIVERED,
                "delivered_at": finished,
                "last_error": "",
            }
        else:
            outcome = {
                "status": DeliveryStatus.FAILED
                if number >= MAX_ATTEMPTS
                else DeliveryStatus.PENDING,
                "next_attempt_at": finished + events.retry_delay(number),
                "last_error": error[:2000],
            }
        # Only while the claim is ours: a worker that took over an expired claim
        # owns the outcome from then on.
        kept = mine.update(locked_until=None, last_status_code=status_code, **outcome)
    if not succeeded:
        logger.warning(
            "Webhook delivery %s to %s failed (attempt %s): %s",
            delivery.webhook_id,
            endpoint.url,
            number,
            error,
        )
    if not kept:
        logger.warning(
            "Webhook delivery %s: the claim expired during the request", delivery.pk
        )
    return succeeded


def send_due(*, limit: int = 100, budget_seconds: float = 60) -> int:
    """The sweep: send due deliveries, oldest first, for up to ``budget_seconds``
    (a dead receiver costs a timeout each); returns how many were tried."""
    now = timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        )
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    deadline = time.monotonic() + budget_seconds
    count = 0
    for delivery_id in due:
        if time.monotonic() > deadline:
            break
        attempt(delivery_id)
        count += 1
    return count
