"""Registered deals → CRM opportunities, and the CRM's outcome back onto the deal,
against a real BottleCRM server (see openprm.testing.bottlecrm)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from openprm.core.models import AuditEntry, OutboxEvent
from openprm.deals import services as deal_services
from openprm.deals.choices import DealStatus
from openprm.deals.models import DealRevenue
from openprm.deals.tests.factories import registration, seller
from openprm.integrations.crm import engine, services, tasks
from openprm.integrations.crm.models import RunStatus, SyncLink, SyncLogEntry
from openprm.integrations.tests.crm.factories import connection_for
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

BOTH_WAYS = {"partners": {"in": True, "out": True}, "deals": {"in": True, "out": True}}


def run(connection):
    started = services.crm_run_start(
        actor=connection.run_as, connection=connection, full=True, enqueue=False
    )
    claimed = services.crm_run_claim(run_id=started.pk, stale_after=tasks.stale_after())
    return engine.run_execute(claimed)


def opportunity(crm, remote_id: str) -> dict:
    return crm.request("GET", f"/api/opportunities/{remote_id}/")["opportunity_obj"]


def registered(partner, **overrides):
    user = seller(partner=partner)
    return deal_services.deal_register(
        actor=user, partner=partner, **registration(**overrides)
    )


def test_an_approved_deal_becomes_an_opportunity_and_its_crm_win_marks_it_won(
    crm, django_capture_on_commit_callbacks
):
    # Given a partner synced to a CRM account, and a deal registered by its seller
    partner = PartnerFactory(name="Opportunity Partner")
    connection = connection_for(crm, directions=BOTH_WAYS)
    assert run(connection).status == RunStatus.DONE
    account_id = SyncLink.objects.get(object_type="partners").remote_id
    deal = registered(partner)
    # A registration still in review does not reach the CRM
    assert run(connection).created == 0

    # When the vendor approves it
    with django_capture_on_commit_callbacks(execute=True):
        deal_services.deal_approve(actor=connection.run_as, deal=deal)

    # Then it is an open opportunity of the partner's CRM account, at once
    link = SyncLink.objects.get(object_type="deals", local_id=deal.pk)
    remote = opportunity(crm, link.remote_id)
    assert remote["stage"] == "QUALIFICATION"
    assert Decimal(remote["amount"]) == Decimal("5000")
    assert remote["currency"] == "EUR"
    assert remote["closed_on"] == deal.expected_close_date.isoformat()
    assert str(remote["account"]["id"]) == account_id
    assert deal.title in remote["name"]

    # When the vendor's sales team closes it won in the CRM, for another amount
    closed_on = timezone.localdate() - timedelta(days=1)
    engine.connector_of(connection).upsert(
        "opportunities", link.remote_id,
        {"stage": "CLOSED WON", "probability": 100, "amount": "5200.50",
         "closed_on": closed_on.isoformat()},
    )  # fmt: skip
    finished = run(connection)

    # Then the deal is won with the CRM's amount and date, as the connection's
    # user, audited, and announced like a partner's own win
    assert finished.status == RunStatus.DONE, finished.error
    deal.refresh_from_db()
    assert deal.status == DealStatus.WON
    revenue = DealRevenue.objects.get(deal=deal)
    assert (revenue.amount, revenue.won_on) == (Decimal("5200.50"), closed_on)
    won = OutboxEvent.objects.get(name="deal.won")
    assert won.payload["revenue"]["amount"] == "5200.50"
    assert AuditEntry.objects.filter(verb="deal.won", actor=connection.run_as).exists()
    assert SyncLogEntry.objects.filter(
        object_type="deals", direction="in", outcome="updated", local_id=deal.pk
    ).exists()
    # And nothing was created twice on either side
    assert len(crm.request("GET", "/api/opportunities/")["opportunities"]) == 1


def test_a_deal_lost_in_the_crm_is_marked_lost_and_open_crm_changes_stay_there(crm):
    partner = PartnerFactory(name="Lost Deal Partner")
    connection = connection_for(crm, directions=BOTH_WAYS)
    deal = registered(partner, title="Lost firewall")
    deal_services.deal_approve(actor=connection.run_as, deal=deal)
    assert run(connection).status == RunStatus.DONE
    link = SyncLink.objects.get(object_type="deals", local_id=deal.pk)
    connector = engine.connector_of(connection)

    # An open stage and amount changed in the CRM leave the deal as it is
    connector.upsert(
        "opportunities", link.remote_id,
        {"stage": "NEGOTIATION/REVIEW", "amount": "9999"},
    )  # fmt: skip
    run(connection)
    deal.refresh_from_db()
    assert (deal.status, deal.total_amount) == (DealStatus.APPROVED, Decimal("5000"))

    # Closed lost in the CRM: the deal is lost
    connector.upsert("opportunities", link.remote_id, {"stage": "CLOSED LOST"})
    run(connection)
    deal.refresh_from_db()
    assert deal.status == DealStatus.LOST
    assert OutboxEvent.objects.filter(name="deal.lost").exists()


def test_crm_opportunities_never_become_deals(crm):
    connection = connection_for(crm, directions=BOTH_WAYS)
    account_holder = PartnerFactory(name="Someone")
    run(connection)
    crm.request(
        "POST", "/api/opportunities/",
        {"name": "Direct deal", "stage": "QUALIFICATION", "probability": 10,
         "account": SyncLink.objects.get(local_id=account_holder.pk).remote_id},
    )  # fmt: skip
    finished = run(connection)
    assert finished.status == RunStatus.DONE, finished.error
    assert not SyncLink.objects.filter(object_type="deals").exists()


def test_a_deal_the_partner_marks_won_is_closed_won_in_the_crm(
    crm, django_capture_on_commit_callbacks
):
    partner = PartnerFactory(name="Winning Partner")
    connection = connection_for(crm, directions=BOTH_WAYS)
    deal = registered(partner, title="Won in the portal")
    with django_capture_on_commit_callbacks(execute=True):
        deal_services.deal_approve(actor=connection.run_as, deal=deal)
    link = SyncLink.objects.get(object_type="deals", local_id=deal.pk)

    with django_capture_on_commit_callbacks(execute=True):
        deal_services.deal_mark_won(actor=deal.registered_by, deal=deal, amount="6100")

    remote = opportunity(crm, link.remote_id)
    assert (remote["stage"], remote["probability"]) == ("CLOSED WON", 100)
    assert Decimal(remote["amount"]) == Decimal("6100")
    # The CRM's own echo of it changes nothing more
    assert run(connection).status == RunStatus.DONE
    assert DealRevenue.objects.filter(deal=deal).count() == 1
