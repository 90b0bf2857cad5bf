"""Outgoing changes: queued from the outbox, retried with backoff while the CRM is
down, given up after too many failures (the dead-letter list), retried by a person."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from openprm.integrations.crm import services, tasks
from openprm.integrations.crm.connectors.base import RateLimiter
from openprm.integrations.crm.models import ChangeStatus, OutgoingChange, SyncLink
from openprm.integrations.tests.crm.factories import connection_for
from openprm.partners import services as partner_services
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_crm_down_retries_with_backoff_then_gives_up_then_a_person_retries(
    crm, django_capture_on_commit_callbacks
):
    partner = PartnerFactory(name="Backoff Partner")
    connection = connection_for(crm)
    services.crm_connection_update(
        actor=connection.run_as,
        connection=connection,
        data={"config": {"url": "http://127.0.0.1:9"}},  # nothing listens there
    )
    with django_capture_on_commit_callbacks(execute=True):
        partner_services.partner_update(
            partner=partner, actor=connection.run_as, data={"city": "Kiel"}
        )
    change = OutgoingChange.objects.get(local_id=partner.pk)
    assert (change.status, change.attempts) == (ChangeStatus.PENDING, 1)
    assert "cannot be reached" in change.last_error
    first_delay = change.next_attempt_at - timezone.now()
    assert timedelta(seconds=25) < first_delay <= tasks.FIRST_RETRY

    # Not due yet: nothing is tried
    assert tasks.send_due() == 0
    # Each due attempt doubles the delay, until the change is given up
    for attempt in range(2, tasks.MAX_ATTEMPTS + 1):
        tasks.send_due(now=OutgoingChange.objects.get().next_attempt_at)
        change.refresh_from_db()
        assert change.attempts == attempt
    assert change.status == ChangeStatus.DEAD

    # When the CRM is back and a person retries it, it arrives
    services.crm_connection_update(
        actor=connection.run_as,
        connection=connection,
        data={"config": {"url": crm.url}},
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.crm_outgoing_retry(actor=connection.run_as, change=change)
    change.refresh_from_db()
    assert change.status == ChangeStatus.DONE
    link = SyncLink.objects.get(local_id=partner.pk)
    remote = crm.request("GET", f"/api/accounts/{link.remote_id}/")["account_obj"]
    assert remote["billing_city"] == "Kiel"


def test_retry_delay_doubles_up_to_the_cap():
    assert [tasks.retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert tasks.retry_delay(30) == tasks.MAX_RETRY


def test_rate_limiter_spaces_requests():
    limiter = RateLimiter(per_second=50)
    began = time.monotonic()
    for _ in range(6):
        limiter.wait()
    assert time.monotonic() - began >= 5 / 50 * 0.9
