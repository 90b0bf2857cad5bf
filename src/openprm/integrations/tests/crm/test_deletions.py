"""A record deleted on one side: each kind's rule, the link archived and logged,
nothing re-created on either side (see docs/crm-sync.md, "Deletions"), against a
real BottleCRM server (see openprm.testing.bottlecrm)."""

import pytest

from openprm.deals.models import CustomerAccount
from openprm.integrations.crm import services
from openprm.integrations.crm.models import LinkState, SyncLink, SyncLogEntry
from openprm.integrations.tests.crm.factories import connection_for
from openprm.integrations.tests.crm.test_bottlecrm_sync import account, by_name, run
from openprm.integrations.tests.crm.test_contacts import BOTH_WAYS, crm_contacts
from openprm.partners import services as partner_services
from openprm.partners.models import Contact, Partner
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_an_account_deleted_in_the_crm_archives_the_link_and_keeps_the_partner(crm):
    partner = PartnerFactory(name="Gone Partner", website="https://gone.example")
    connection = connection_for(crm)
    assert run(connection).status == "done"
    remote_id = SyncLink.objects.get(object_type="partners").remote_id
    crm.request("DELETE", f"/api/accounts/{remote_id}/")

    finished = run(connection)

    assert finished.status == "done", finished.error
    assert finished.archived == 1
    link = SyncLink.objects.get(object_type="partners")
    assert link.state == LinkState.ARCHIVED
    assert link.archived_reason.startswith("Deleted in the CRM. The partner is kept")
    entry = SyncLogEntry.objects.get(outcome="archived")
    assert (entry.local_id, entry.remote_id) == (partner.pk, remote_id)
    # The partner is kept as it was, and not sent again by later runs
    assert Partner.objects.get(pk=partner.pk).name == "Gone Partner"
    again = run(connection)
    assert (again.created, again.archived, again.errors) == (0, 0, 0)
    assert by_name(crm) == {}

    # "Re-sync this record" sends it again
    services.crm_record_resync(
        actor=connection.run_as, connection=connection, object_type="partners",
        local_id=partner.pk,
    )  # fmt: skip
    assert list(by_name(crm)) == ["Gone Partner"]
    assert SyncLink.objects.get(object_type="partners").state == LinkState.LINKED


def test_a_contact_deleted_in_openprm_is_kept_in_the_crm_and_not_brought_back(
    crm, django_capture_on_commit_callbacks
):
    partner = PartnerFactory(name="Del Partner", website="https://del.example")
    contact = Contact.objects.create(
        partner=partner, name="Gil Gone", email="gil@del.example"
    )
    connection = connection_for(crm, directions=BOTH_WAYS)
    assert run(connection).status == "done"

    with django_capture_on_commit_callbacks(execute=True):
        partner_services.contact_delete(contact=contact, actor=connection.run_as)

    link = SyncLink.objects.get(object_type="contacts")
    assert link.state == LinkState.ARCHIVED
    assert link.archived_reason == "Deleted in OpenPRM; the CRM record is kept."
    assert [c["email"] for c in crm_contacts(crm)] == ["gil@del.example"]
    # The CRM contact, still on the partner's account, is not made a contact again
    again = run(connection)
    assert again.status == "done", again.error
    assert not Contact.objects.exists()
    assert (again.created, again.errors) == (0, 0)


def test_a_customer_account_deleted_in_the_crm_is_deactivated(crm):
    account(crm, "Contoso Retail", website="https://contoso.example")
    connection = connection_for(
        crm,
        directions={
            "partners": {"in": False, "out": True},
            "customers": {"in": True, "out": True},
        },
    )
    assert run(connection).status == "done"
    customer = CustomerAccount.objects.get(customer_name="Contoso Retail")
    crm.request("DELETE", f"/api/accounts/{customer.external_id}/")

    finished = run(connection)

    assert finished.status == "done", finished.error
    customer.refresh_from_db()
    assert customer.is_active is False
    assert SyncLink.objects.get(object_type="customers").state == LinkState.ARCHIVED
