"""CRM leads → routed OpenPRM leads, and what the partners make of them back onto
the CRM lead's status, against a real BottleCRM server (see
openprm.testing.bottlecrm)."""

from datetime import date, timedelta

import pytest

from openprm.core.models import OutboxEvent
from openprm.integrations.crm import engine, services, tasks
from openprm.integrations.crm.models import (
    MatchDecision,
    RunStatus,
    SyncLink,
    SyncLogEntry,
)
from openprm.integrations.tests.crm.factories import connection_for
from openprm.leads import services as lead_services
from openprm.leads.models import Lead, LeadStatus
from openprm.leads.tests.factories import LeadFactory, RuleFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db

LEADS = {"leads": {"in": True, "out": True}}


def run(connection):
    started = services.crm_run_start(
        actor=connection.run_as, connection=connection, full=True, enqueue=False
    )
    claimed = services.crm_run_claim(run_id=started.pk, stale_after=tasks.stale_after())
    return engine.run_execute(claimed)


def crm_lead(crm, **values) -> str:
    """A lead entered in the CRM by the vendor's sales team; its CRM id."""
    data = {
        "title": "Acme firewall", "first_name": "Ada", "last_name": "Buyer",
        "email": "ada@acme.example", "account_name": "Acme GmbH",
        "website": "https://www.acme.example", "country": "DE", "status": "assigned",
        **values,
    }  # fmt: skip
    crm.request("POST", "/api/leads/", data)
    found = crm.request("GET", "/api/leads/?limit=100&offset=0")
    everything = found["open_leads"]["open_leads"] + found["close_leads"]["close_leads"]
    return str(
        next(lead["id"] for lead in everything if lead["title"] == data["title"])
    )


def crm_status(crm, remote_id: str) -> str:
    return crm.request("GET", f"/api/leads/{remote_id}/")["lead_obj"]["status"]


@pytest.fixture
def partners():
    """Two German partners under a round-robin rule (the leads app's routing)."""
    RuleFactory(name="Germany", countries=["DE"])
    return PartnerFactory(name="Alpha"), PartnerFactory(name="Beta")


def test_a_crm_lead_is_routed_and_the_partners_outcome_goes_back(
    crm, partners, django_capture_on_commit_callbacks
):
    remote_id = crm_lead(crm)
    connection = connection_for(crm, directions=LEADS)

    # The run brings the CRM lead in: created through the leads service and routed
    with django_capture_on_commit_callbacks(execute=True):
        finished = run(connection)
    assert finished.status == RunStatus.DONE, finished.error
    lead = Lead.objects.get()
    assert (lead.company, lead.contact_name, lead.contact_email) == (
        "Acme GmbH", "Ada Buyer", "ada@acme.example",
    )  # fmt: skip
    assert (lead.domain, lead.country, lead.external_id) == (
        "acme.example", "DE", remote_id,
    )  # fmt: skip
    assert (lead.status, lead.current_partner) == (LeadStatus.OFFERED, partners[0])
    assert OutboxEvent.objects.filter(name="lead.assigned").exists()
    assert SyncLink.objects.get(object_type="leads").remote_id == remote_id
    assert crm_status(crm, remote_id) == "assigned"

    # The partner accepts: the CRM lead is in process, at once
    seller = partner_user(partner=partners[0], roles=["sales"])
    with django_capture_on_commit_callbacks(execute=True):
        lead_services.lead_accept(actor=seller, lead=lead)
    assert crm_status(crm, remote_id) == "in process"

    # ...and converts it into a deal: converted
    with django_capture_on_commit_callbacks(execute=True):
        lead_services.lead_convert(
            actor=seller, lead=lead, title="Acme firewall",
            expected_close_date=date.today() + timedelta(days=30),
            lines=[{"product_line": "networking", "quantity": 1, "amount": "900"}],
        )  # fmt: skip
    assert crm_status(crm, remote_id) == "converted"
    assert SyncLogEntry.objects.filter(
        object_type="leads", direction="out", outcome="updated", local_id=lead.pk
    ).exists()

    # A second run finds nothing to do and creates nothing twice
    again = run(connection)
    assert (again.created, again.errors) == (0, 0)
    assert Lead.objects.count() == 1


def test_a_rejected_lead_nobody_else_takes_is_recycled_and_a_lost_one_closed(
    crm, django_capture_on_commit_callbacks
):
    RuleFactory(name="Germany", countries=["DE"])
    alpha = PartnerFactory(name="Alpha")
    rejected_id = crm_lead(crm, title="Rejected lead", email="a@one.example")
    lost_id = crm_lead(crm, title="Lost lead", email="b@two.example")
    connection = connection_for(crm, directions=LEADS)
    with django_capture_on_commit_callbacks(execute=True):
        assert run(connection).status == RunStatus.DONE
    seller = partner_user(partner=alpha, roles=["sales"])
    rejected = Lead.objects.get(external_id=rejected_id)
    lost = Lead.objects.get(external_id=lost_id)

    with django_capture_on_commit_callbacks(execute=True):
        lead_services.lead_reject(actor=seller, lead=rejected, reason="Not our area")
        lead_services.lead_accept(actor=seller, lead=lost)
        lead_services.lead_set_status(actor=seller, lead=lost, status="lost")

    rejected.refresh_from_db()
    assert rejected.status == LeadStatus.REJECTED  # no other partner could take it
    assert crm_status(crm, rejected_id) == "recycled"
    assert crm_status(crm, lost_id) == "closed"


def test_a_crm_lead_matching_an_existing_lead_is_linked_not_created(crm, partners):
    existing = LeadFactory(
        company="Acme Ltd.", contact_email="ada@acme.example", status="new"
    )
    look_alike = LeadFactory(company="Other", contact_email="bo@other.example")
    remote_id = crm_lead(crm)
    other_id = crm_lead(
        crm, title="Bo's lead", email="bo@other.example", account_name="Someone Else AG"
    )
    connection = connection_for(crm, directions=LEADS)

    finished = run(connection)

    assert finished.status == RunStatus.DONE, finished.error
    assert Lead.objects.count() == 2
    link = SyncLink.objects.get(object_type="leads", remote_id=remote_id)
    assert link.local_id == existing.pk
    existing.refresh_from_db()
    assert existing.external_id == remote_id
    # The same contact at another company name: a person decides
    decision = MatchDecision.objects.get(object_type="leads", remote_id=other_id)
    assert decision.candidates[0]["key"] == look_alike.pk


def test_a_crm_lead_openprm_cannot_take_is_an_error_on_that_record_only(crm, partners):
    crm_lead(crm, title="No country", email="x@nowhere.example", country="")
    good_id = crm_lead(crm, title="Good lead", email="y@good.example")
    connection = connection_for(crm, directions=LEADS)

    finished = run(connection)

    assert finished.status == RunStatus.DONE, finished.error
    assert finished.errors == 1
    error = SyncLogEntry.objects.get(object_type="leads", outcome="error")
    assert error.label == "No country"
    assert "country" in error.message
    assert Lead.objects.get().external_id == good_id


def test_leads_made_in_openprm_are_not_created_in_the_crm(
    crm, partners, django_capture_on_commit_callbacks
):
    connection = connection_for(crm, directions=LEADS)
    manager = connection.run_as
    with django_capture_on_commit_callbacks(execute=True):
        lead_services.lead_create(
            actor=manager,
            data={"company": "Console lead", "country": "DE", "region": "EMEA"},
        )
    assert run(connection).status == RunStatus.DONE
    found = crm.request("GET", "/api/leads/?limit=100&offset=0")
    assert found["open_leads"]["open_leads"] == []
    assert not SyncLink.objects.filter(object_type="leads").exists()


def test_leads_through_csv_files_use_the_same_mapping_and_routing(
    tmp_path, partners, django_capture_on_commit_callbacks
):
    # The CRM's export dropped in the exchange folder
    (tmp_path / "leads.csv").write_text(
        "id,title,first_name,last_name,email,account_name,website,country,status\n"
        "L-1,Acme firewall,Ada,Buyer,ada@acme.example,Acme GmbH,acme.example,de,"
        "assigned\n"
    )
    connection = connection_for(folder=tmp_path, directions=LEADS)

    with django_capture_on_commit_callbacks(execute=True):
        finished = run(connection)

    assert finished.status == RunStatus.DONE, finished.error
    lead = Lead.objects.get()
    assert (lead.external_id, lead.contact_name, lead.country) == (
        "L-1",
        "Ada Buyer",
        "DE",
    )
    assert lead.current_partner == partners[0]
    seller = partner_user(partner=partners[0], roles=["sales"])
    with django_capture_on_commit_callbacks(execute=True):
        lead_services.lead_accept(actor=seller, lead=lead)
    # OpenPRM's outcome is written into the same file, for the CRM to import back
    text = (tmp_path / "leads.csv").read_text()
    assert "in process" in text
    assert text.count("L-1") == 1
