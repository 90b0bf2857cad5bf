"""Sending webhooks many at a time: the ``integrations.webhooks`` loop of
``openprm worker`` (``core.worker_loops``).

One thread owns the database work; ``OPENPRM_WEBHOOK_CONCURRENCY`` sending threads
make the requests, no database in them:

1. **Claim** (the database thread) what is due, per endpoint, only for endpoints with
   room: about a second of each endpoint's work (from its recent request times;
   ``CLAIM_AHEAD_*``). One ``UPDATE … RETURNING`` claims the oldest due deliveries
   of each endpoint and counts the attempt; the attempts' log rows are written in the
   same transaction, before any request, so that a request cut short by a dying
   worker stays visible (as in ``dispatch.attempt``).
2. **Send** (the sending threads): a free thread takes the next claimed delivery
   round-robin over the endpoints, skipping an endpoint that already has
   ``OPENPRM_WEBHOOK_CONCURRENCY_PER_ENDPOINT`` requests in flight. A slow or dead
   endpoint holds at most that many threads; the other endpoints keep the rest.
3. **Record** (the database thread) finished requests, many per transaction: the
   logs' and the deliveries' outcomes, each delivery fenced by its claim (a worker
   that took over an expired claim owns the outcome).

The database thread wakes when a request finishes, when the outbox relay has created
deliveries (:meth:`WebhookDispatcher.wake`) and every ``OPENPRM_OUTBOX_POLL_SECONDS``
for retries that came due, at most every ``MIN_CYCLE_SECONDS``, so that each
transaction carries many deliveries; sending never waits for it while claimed work
is left. On stop it waits for the requests in flight (up to the request timeout),
records them, and gives back the claims of deliveries not sent (their log rows
removed, their attempt not counted).

At least once: a worker killed after a request but before recording it leaves a log
row without outcome and a claim that expires after ``CLAIM_SECONDS``; the delivery is
then sent again, with the same ``webhook-id``.
"""

import logging
import queue
import threading
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F
from django.utils import timezone

from openprm.core import db, worker_loops
from openprm.core.models import DeliveryStatus
from openprm.integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from openprm.integrations.webhooks import dispatch, transport

logger = logging.getLogger(__name__)

MIN_CYCLE_SECONDS = 0.05
# How long the list of active endpoints is used before it is read again.
ENDPOINTS_SECONDS = 1.0
# Endpoints whose due deliveries one statement claims.
ENDPOINTS_PER_CLAIM = 100
# Each endpoint gets about this much work claimed ahead (from its recent request
# times), at least two rounds of its limit and at most CLAIM_AHEAD_MAX: enough to
# keep its threads busy between cycles, little enough that a claim never waits long
# (a slow endpoint gets two rounds: its claims start within two request timeouts).
CLAIM_AHEAD_SECONDS = 1.0
CLAIM_AHEAD_MAX = 250


@dataclass
class Job:
    """A claimed delivery, its attempt's log row, and the claim that fences it."""

    delivery: WebhookDelivery
    log: WebhookAttempt
    claim: datetime


class WebhookDispatcher:
    name = "integrations.webhooks"

    def __init__(self):
        self._wake = threading.Event()
        self._finished: queue.SimpleQueue = queue.SimpleQueue()
        # Claimed and not started, by endpoint, in round-robin order; the requests in
        # flight by endpoint. Shared with the sending threads, under _ready's lock.
        self._ready = threading.Condition()
        self._waiting: dict[int, deque[Job]] = {}
        self._running: Counter[int] = Counter()
        self._closing = False
        self._senders: list[threading.Thread] = []
        # Recent request time by endpoint, in seconds (a moving average).
        self._latency: dict[int, float] = {}
        self._endpoints: list[int] = []
        self._endpoints_read_at = float("-inf")

    def wake(self) -> None:
        """New deliveries are waiting (called on commit by the relay)."""
        self._wake.set()

    # --- the worker loop

    def run(self, stop: threading.Event) -> None:
        self._open()
        try:
            while not stop.is_set():
                started = time.monotonic()
                worker_loops.guarded(self.name, self.cycle)
                self._wake.wait(settings.OPENPRM_OUTBOX_POLL_SECONDS)
                self._wake.clear()
                rest = started + MIN_CYCLE_SECONDS - time.monotonic()
                if rest > 0:
                    time.sleep(rest)
        finally:
            self._close()

    def run_once(self) -> None:
        """Send everything due now and record it (``openprm worker --batch``)."""
        self._open()
        try:
            while self.cycle() or self._busy():
                self._wake.wait(0.5)
                self._wake.clear()
                time.sleep(MIN_CYCLE_SECONDS)
        finally:
            self._close()

    def cycle(self) -> int:
        """Record finished requests and claim what is due where there is room;
        returns how many deliveries were claimed."""
        self._record(self._take_finished())
        return self._claim()

    def _busy(self) -> bool:
        with self._ready:
            return bool(+self._running or any(self._waiting.values()))

    def _open(self) -> None:
        self._closing = False
        self._senders = [
            threading.Thread(
                target=self._send_loop, name=f"webhook-send-{number}", daemon=True
            )
            for number in range(settings.OPENPRM_WEBHOOK_CONCURRENCY)
        ]
        for sender in self._senders:
            sender.start()

    def _close(self) -> None:
        with self._ready:
            self._closing = True
            self._ready.notify_all()
            unsent = [job for jobs in self._waiting.values() for job in jobs]
            self._waiting.clear()
        deadline = time.monotonic() + dispatch.TIMEOUT_SECONDS + 1
        for sender in self._senders:
            sender.join(max(0, deadline - time.monotonic()))
        self._record(self._take_finished())
        self._give_back(unsent)
        transport.pool.clear()

    # --- claiming

    def _active_endpoints(self) -> list[int]:
        if time.monotonic() - self._endpoints_read_at > ENDPOINTS_SECONDS:
            self._endpoints = list(
                WebhookEndpoint.objects.filter(is_active=True)
                .order_by("id")
                .values_list("pk", flat=True)
            )
            self._endpoints_read_at = time.monotonic()
        return self._endpoints

    def _claim_ahead(self, endpoint_id: int) -> int:
        per_endpoint = settings.OPENPRM_WEBHOOK_CONCURRENCY_PER_ENDPOINT
        latency = self._latency.get(endpoint_id)
        rounds = CLAIM_AHEAD_SECONDS / latency if latency else 0
        return min(CLAIM_AHEAD_MAX, max(2 * per_endpoint, round(per_endpoint * rounds)))

    def _claim(self) -> int:
        room = {}
        # The query before the lock: the sending threads wait on it.
        active = self._active_endpoints()
        with self._ready:
            for endpoint_id in active:
                waiting = len(self._waiting.get(endpoint_id, ()))
                held = self._running[endpoint_id] + waiting
                if held < (ahead := self._claim_ahead(endpoint_id)):
                    room[endpoint_id] = ahead - held
        if not room:
            return 0
        now = timezone.now()
        claim = now + timedelta(seconds=dispatch.CLAIM_SECONDS)
        endpoint_ids = list(room)
        with transaction.atomic():
            ids = []
            for start in range(0, len(endpoint_ids), ENDPOINTS_PER_CLAIM):
                chunk = endpoint_ids[start : start + ENDPOINTS_PER_CLAIM]
                ids += _claim_oldest_due({e: room[e] for e in chunk}, now, claim)
            if not ids:
                return 0
            deliveries = list(
                WebhookDelivery.objects.select_related("event", "endpoint")
                .filter(pk__in=ids)
                .order_by("next_attempt_at", "id")
            )
            logs = WebhookAttempt.objects.bulk_create(
                WebhookAttempt(
                    delivery=delivery,
                    number=delivery.attempts,
                    attempted_at=now,
                    url=delivery.endpoint.url,
                )
                for delivery in deliveries
            )
        with self._ready:
            for delivery, log in zip(deliveries, logs, strict=True):
                self._waiting.setdefault(delivery.endpoint_id, deque()).append(
                    Job(delivery=delivery, log=log, claim=claim)
                )
            self._ready.notify_all()
        return len(deliveries)

    # --- sending (the sending threads)

    def _next_job(self) -> Job | None:
        """The next delivery to send, round-robin over the endpoints within their
        limit; waits for one; None once closing."""
        per_endpoint = settings.OPENPRM_WEBHOOK_CONCURRENCY_PER_ENDPOINT
        with self._ready:
            while not self._closing:
                for endpoint_id in list(self._waiting):
                    jobs = self._waiting[endpoint_id]
                    if not jobs:
                        del self._waiting[endpoint_id]
                    elif self._running[endpoint_id] < per_endpoint:
                        self._running[endpoint_id] += 1
                        # Its turn is over: the endpoint goes to the back of the line.
                        self._waiting[endpoint_id] = self._waiting.pop(endpoint_id)
                        return jobs.popleft()
                self._ready.wait()
            return None

    def _send_loop(self) -> None:
        while (job := self._next_job()) is not None:
            try:
                outcome = dispatch.send(job.delivery)
            except Exception as error:  # signing or a bug: still an outcome to record
                outcome = dispatch.Outcome(
                    None, "", transport.describe(error), 0, timezone.now()
                )
            with self._ready:
                self._running[job.delivery.endpoint_id] -= 1
                self._ready.notify()  # the endpoint's limit has room again
            self._finished.put((job, outcome))
            self._wake.set()

    # --- recording

    def _take_finished(self) -> list[tuple[Job, dispatch.Outcome]]:
        finished = []
        while True:
            try:
                finished.append(self._finished.get_nowait())
            except queue.Empty:
                return finished

    def _record(self, finished: list[tuple[Job, dispatch.Outcome]]) -> None:
        if not finished:
            return
        for job, outcome in finished:
            endpoint_id = job.delivery.endpoint_id
            seconds = max(outcome.latency_ms, 1) / 1000
            self._latency[endpoint_id] = (
                0.8 * self._latency.get(endpoint_id, seconds) + 0.2 * seconds
            )
            dispatch.record(job.log, job.delivery, outcome)
        attempt_fields = dispatch.ATTEMPT_OUTCOME_FIELDS
        delivery_fields = dispatch.DELIVERY_OUTCOME_FIELDS
        with transaction.atomic():
            db.update_rows(
                WebhookAttempt,
                fields=attempt_fields,
                rows=[
                    (*(getattr(job.log, name) for name in attempt_fields), job.log.pk)
                    for job, _outcome in finished
                ],
            )
            kept = db.update_rows(
                WebhookDelivery,
                fields=delivery_fields,
                rows=[
                    (
                        *(getattr(job.delivery, name) for name in delivery_fields),
                        job.delivery.pk,
                        job.claim,
                    )
                    for job, _outcome in finished
                ],
                match=("pk", "locked_until"),
            )
        if kept < len(finished):
            logger.warning(
                "%s webhook deliveries: the claim expired during the request",
                len(finished) - kept,
            )

    def _give_back(self, jobs: list[Job]) -> None:
        """Release the claims of jobs that never started, as if never claimed."""
        if not jobs:
            return
        by_claim: dict[datetime, list[int]] = defaultdict(list)
        for job in jobs:
            by_claim[job.claim].append(job.delivery.pk)
        with transaction.atomic():
            WebhookAttempt.objects.filter(pk__in=[job.log.pk for job in jobs]).delete()
            for claim, ids in by_claim.items():
                WebhookDelivery.objects.filter(pk__in=ids, locked_until=claim).update(
                    locked_until=None, attempts=F("attempts") - 1
                )


def _claim_oldest_due(room: dict[int, int], now: datetime, claim: datetime) -> list:
    """Claim each endpoint's oldest due deliveries, as many as it has room for, in
    one ``UPDATE … RETURNING``; returns their keys. One indexed range per endpoint
    (``integrations_delivery_ep_idx``), so a long queue at one endpoint costs the
    others nothing. Written as SQL: it runs every cycle, and compiling the same
    statement from querysets cost ten times running it."""
    connection = connections[DEFAULT_DB_ALIAS]
    now_value = connection.ops.adapt_datetimefield_value(now)
    due = (
        "status = %s AND next_attempt_at <= %s "
        "AND (locked_until IS NULL OR locked_until < %s)"
    )
    due_params = [DeliveryStatus.PENDING.value, now_value, now_value]
    table = connection.ops.quote_name(WebhookDelivery._meta.db_table)
    oldest = " UNION ALL ".join(
        f"SELECT id FROM (SELECT id FROM {table} WHERE endpoint_id = %s "  # noqa: S608 (no input in the SQL)
        f"AND {due} ORDER BY next_attempt_at, id LIMIT %s) due_{number}"
        for number in range(len(room))
    )
    params = [connection.ops.adapt_datetimefield_value(claim), *due_params]
    for endpoint_id, count in room.items():
        params += [endpoint_id, *due_params, count]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET locked_until = %s, attempts = attempts + 1 "  # noqa: S608 (no input in the SQL)
            f"WHERE {due} AND id IN ({oldest}) RETURNING id",
            params,
        )
        return [pk for (pk,) in cursor.fetchall()]


dispatcher = WebhookDispatcher()
