import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core import audit, context
from openprm.core.models import AuditEntry
from openprm.partners.tests.factories import PartnerFactory


@pytest.mark.django_db
def test_a_change_records_only_the_fields_that_changed_with_before_and_after():
    actor = VendorUserFactory(email="alex@vendor.example")
    partner = PartnerFactory(status="prospect", city="Berlin")
    before = audit.snapshot(partner, ["status", "city"])
    partner.status = "applicant"
    partner.save()

    entry = audit.record_change(
        actor=actor, instance=partner, before=before, verb="partner.status_changed"
    )

    assert entry.changes == {"status": ["prospect", "applicant"]}
    assert (entry.action, entry.verb) == ("update", "partner.status_changed")
    assert (entry.actor, entry.actor_label) == (actor, "alex@vendor.example")
    assert (entry.object_type, entry.object_id) == ("partners.partner", str(partner.pk))
    assert entry.partner_id == partner.pk


@pytest.mark.django_db
def test_no_entry_is_written_when_nothing_changed():
    partner = PartnerFactory()
    entries_before = AuditEntry.objects.count()
    before = audit.snapshot(partner, ["status"])

    assert (
        audit.record_change(
            actor=None, instance=partner, before=before, verb="test.changed"
        )
        is None
    )
    assert AuditEntry.objects.count() == entries_before


@pytest.mark.django_db
def test_the_request_context_is_recorded():
    partner = PartnerFactory()

    with context.acting(request_id="req-1", client_ip="203.0.113.9", token_id=7):
        entry = audit.record_create(
            actor=None, instance=partner, fields=["name"], verb="test.created"
        )

    assert (entry.request_id, entry.client_ip, entry.token_id) == (
        "req-1",
        "203.0.113.9",
        7,
    )
    assert entry.changes == {"name": [None, partner.name]}


@pytest.mark.django_db
def test_audit_entries_cannot_be_changed_or_deleted():
    partner = PartnerFactory(name="Contoso Solutions")
    entry = audit.record_create(
        actor=None, instance=partner, fields=["name"], verb="test.created"
    )

    entry.object_repr = "tampered"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="tampered")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).object_repr == "Contoso Solutions"


@pytest.mark.django_db
def test_web_requests_get_a_request_id_that_is_echoed(client):
    response = client.get("/health/", headers={"X-Request-ID": "abc-123"})
    generated = client.get("/health/")

    assert response["X-Request-ID"] == "abc-123"
    assert len(generated["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_an_empty_file_field_is_recorded_as_nothing():
    partner = PartnerFactory()

    assert audit.snapshot(partner, ["logo"]) == {"logo": None}


@pytest.mark.django_db
def test_an_entry_without_its_business_action_is_refused():
    partner = PartnerFactory()
    entries = AuditEntry.objects.count()

    with pytest.raises(ValueError):
        audit.record_create(actor=None, instance=partner, fields=["name"], verb="")

    assert AuditEntry.objects.count() == entries
