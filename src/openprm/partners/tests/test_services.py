import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.errors import ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.partners.models import Partner
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


def _create(name, parent=None, status="active"):
    return partner_create(
        name=name,
        partner_type="distributor",
        country="US",
        region="NA",
        status=status,
        parent=parent,
    )


@pytest.mark.django_db
def test_creating_a_partner_deeper_than_the_hierarchy_allows_is_refused(settings):
    settings.OPENPRM_MAX_PARTNER_DEPTH = 2
    top = _create("Top")
    middle = _create("Middle", parent=top)
    before = (
        Partner.objects.count(),
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
    )

    with pytest.raises(ValidationFailed) as refused:
        _create("Too deep", parent=middle)

    assert "at most 2 tiers" in str(refused.value.field_errors["parent"][0])
    assert (
        Partner.objects.count(),
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
    ) == before


@pytest.mark.django_db
def test_creating_a_partner_at_the_deepest_allowed_tier_works(settings):
    settings.OPENPRM_MAX_PARTNER_DEPTH = 2
    top = _create("Top")

    assert _create("Child", parent=top).depth == 1


@pytest.mark.django_db
def test_creating_a_partner_beneath_a_terminated_one_is_refused():
    parent = _create("Gone", status="terminated")

    with pytest.raises(ValidationFailed):
        _create("Orphan", parent=parent)

    assert not Partner.objects.filter(name="Orphan").exists()
