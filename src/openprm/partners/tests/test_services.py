import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.partners.services import partner_create


@pytest.mark.django_db
def test_creating_a_partner_beneath_another_extends_its_path():
    distributor = partner_create(
        name="Northwind", partner_type="distributor", country="us", region="NA"
    )
    reseller = partner_create(
        name="Contoso",
        partner_type="reseller",
        country="US",
        region="NA",
        parent=distributor,
    )

    assert (distributor.path, distributor.depth) == (f"/{distributor.pk}/", 0)
    assert (reseller.path, reseller.depth) == (f"/{distributor.pk}/{reseller.pk}/", 1)
    assert distributor.country == "US"


@pytest.mark.django_db
def test_creating_a_partner_is_audited_and_announced():
    actor = VendorUserFactory()

    partner = partner_create(
        name="Contoso", partner_type="reseller", country="US", region="NA", actor=actor
    )

    entry = AuditEntry.objects.get()
    event = OutboxEvent.objects.get()
    assert (entry.action, entry.actor, entry.partner_id) == (
        "create",
        actor,
        partner.pk,
    )
    assert entry.changes["name"] == [None, "Contoso"]
    assert (event.name, event.partner_id, event.actor_id) == (
        "partner.created",
        partner.pk,
        actor.pk,
    )
    assert event.payload["public_id"] == str(partner.public_id)
