"""Webhooks through real processes: `openprm worker` on a SQLite database, a real
receiver on 127.0.0.1, and a worker killed in the middle of a delivery."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from standardwebhooks import Webhook

from openprm.integrations.tests.receiver import Receiver, Reply
from openprm.testing.processes import migrated

SETUP = """
import django
django.setup()
from openprm.accounts.models import User
from openprm.integrations.webhooks.services import webhook_endpoint_create
from openprm.partners.services import partner_create

admin = User.objects.create_user("admin@vendor.example", vendor_role="vendor_admin")
endpoint = webhook_endpoint_create(actor=admin, url={url!r}, event_types=["partner.*"])
partner_create(
    name="Contoso Solutions", partner_type="reseller", country="DE", region="emea",
    actor=admin,
)
print(endpoint.secret)
"""


@pytest.fixture
def product_env(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "TASKS_BACKEND"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="openprm.settings",
        OPENPRM_VAR_DIR=str(tmp_path),
        SECRET_KEY="webhook-e2e-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        OPENPRM_SWEEP_POLL_SECONDS="0.5",
        LOG_LEVEL="CRITICAL",
    )
    migrated(env)
    return env


def start_worker(env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "openprm", "worker", "--interval", "0.2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)


def query(tmp_path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(tmp_path / "openprm.sqlite3", timeout=10) as db:
        return db.execute(sql, params).fetchall()


def wait_for(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if result := condition():
                return result
        except sqlite3.OperationalError:  # the database is busy for a moment
            pass
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def test_a_worker_killed_in_the_middle_of_a_delivery_the_event_still_arrives(
    product_env, tmp_path
):
    # The receiver holds the first request open: the worker is killed meanwhile.
    with Receiver([Reply(stall=True)], stall_seconds=30) as receiver:
        secret = subprocess.run(
            [sys.executable, "-c", SETUP.format(url=receiver.url)],
            env=product_env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        first_worker = start_worker(product_env)
        second_worker = None
        try:
            assert receiver.wait_for_requests(1, timeout=30), "no first request"
            first_worker.send_signal(signal.SIGKILL)
            first_worker.wait(timeout=10)
            receiver.release()
            # Time passes: the dead worker's claim expires and the sweep comes due.
            query(
                tmp_path,
                "UPDATE integrations_webhookdelivery "
                "SET locked_until = '2000-01-01 00:00:00'",
            )
            query(
                tmp_path,
                "UPDATE core_sweeprun SET next_run_at = '2000-01-01 00:00:00' "
                "WHERE name = 'integrations.send_due_webhooks'",
            )

            second_worker = start_worker(product_env)
            assert receiver.wait_for_requests(2, timeout=30), "no second request"
            delivered = wait_for(
                lambda: query(
                    tmp_path,
                    "SELECT status, attempts FROM integrations_webhookdelivery "
                    "WHERE status = 'delivered'",
                ),
                timeout=15,
                what="the delivery to be recorded as delivered",
            )
        finally:
            for worker in (first_worker, second_worker):
                if worker is not None:
                    stop(worker)

    assert delivered == [("delivered", 2)]
    assert len(receiver.requests) == 2
    first, second = receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    document = Webhook(secret).verify(second.body, second.headers)
    assert (document["type"], document["data"]["name"]) == (
        "partner.created",
        "Contoso Solutions",
    )
    # Both attempts are in the log: the one cut short has no outcome.
    attempts = query(
        tmp_path,
        "SELECT number, status_code, finished_at IS NOT NULL, is_success "
        "FROM integrations_webhookattempt ORDER BY number",
    )
    assert attempts == [(1, None, 0, 0), (2, 200, 1, 1)]
    webhook_id = query(tmp_path, "SELECT public_id FROM integrations_webhookdelivery")[
        0
    ][0]
    assert first.headers["webhook-id"] == f"msg_{webhook_id.replace('-', '')}"
    assert json.loads(second.body)["partner"] is not None


BATCH_SETUP = """
import django
django.setup()
from django.db import transaction
from openprm.accounts.models import User
from openprm.core import events
from openprm.integrations.webhooks.services import webhook_endpoint_create

admin = User.objects.create_user("admin@vendor.example", vendor_role="vendor_admin")
endpoint = webhook_endpoint_create(actor=admin, url={url!r}, event_types=["partner.*"])
for number in range({count}):
    with transaction.atomic():
        events.emit("partner.updated", payload={{"number": number}})
print(endpoint.secret)
"""


def test_a_worker_killed_in_the_middle_of_a_batch_loses_nothing(product_env, tmp_path):
    count, in_flight = 60, 4  # OPENPRM_WEBHOOK_CONCURRENCY_PER_ENDPOINT
    # The first requests are held open: the worker is killed with a batch claimed,
    # some of it in flight and the rest waiting for a thread.
    with Receiver([Reply(stall=True)] * in_flight, stall_seconds=60) as receiver:
        secret = subprocess.run(
            [sys.executable, "-c", BATCH_SETUP.format(url=receiver.url, count=count)],
            env=product_env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        first_worker = start_worker(product_env)
        second_worker = None
        try:
            assert receiver.wait_for_requests(in_flight, timeout=30)
            claimed = wait_for(
                lambda: query(
                    tmp_path,
                    "SELECT COUNT(*) FROM integrations_webhookdelivery "
                    "WHERE locked_until IS NOT NULL",
                )[0][0],
                timeout=15,
                what="a claimed batch",
            )
            first_worker.send_signal(signal.SIGKILL)
            first_worker.wait(timeout=10)
            receiver.release()
            # Time passes: the dead worker's claims expire.
            query(
                tmp_path,
                "UPDATE integrations_webhookdelivery "
                "SET locked_until = '2000-01-01 00:00:00' "
                "WHERE locked_until IS NOT NULL",
            )
            second_worker = start_worker(product_env)
            wait_for(
                lambda: (
                    query(
                        tmp_path,
                        "SELECT COUNT(*) FROM integrations_webhookdelivery "
                        "WHERE status = 'delivered'",
                    )[0][0]
                    == count
                ),
                timeout=60,
                what="every delivery to be recorded as delivered",
            )
        finally:
            for worker in (first_worker, second_worker):
                if worker is not None:
                    stop(worker)

    assert claimed >= in_flight
    # Every event arrived, verifiable; those in flight at the kill twice, with the
    # same webhook-id and body each time (at least once, never lost).
    by_event: dict[str, list] = {}
    for request in receiver.requests:
        document = Webhook(secret).verify(request.body, request.headers)
        by_event.setdefault(document["id"], []).append(request)
    assert len(by_event) == count
    twice = [requests for requests in by_event.values() if len(requests) > 1]
    assert len(twice) == in_flight
    for first, second in twice:
        assert first.headers["webhook-id"] == second.headers["webhook-id"]
        assert first.body == second.body
    assert len(receiver.requests) == count + in_flight
    # A claimed delivery has its cut-short attempt in the log, without an outcome.
    attempts = query(
        tmp_path,
        "SELECT d.attempts, COUNT(a.id), SUM(a.finished_at IS NULL), "
        "SUM(a.is_success) FROM integrations_webhookdelivery d "
        "JOIN integrations_webhookattempt a ON a.delivery_id = d.id "
        "GROUP BY d.id HAVING d.attempts = 2",
    )
    assert len(attempts) == claimed
    assert set(attempts) == {(2, 2, 1, 1)}
