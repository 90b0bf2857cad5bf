import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.leads import services
from openprm.leads.batch import route_waiting_leads
from openprm.leads.models import Lead, LeadActivity, LeadAssignment
from openprm.leads.tests.factories import CapacityFactory, LeadFactory, RuleFactory
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def world():
    RuleFactory(name="Weighted", strategy="weighted", countries=["DE"], order=1)
    RuleFactory(name="Rotation", strategy="round_robin", order=2, same_country=False)
    partners = [PartnerFactory(name=f"P{n}") for n in range(4)]
    CapacityFactory(partner=partners[0], max_open_leads=2)
    countries = ["DE", "FR", "DE", "DE", "FR", "DE", "DE", "FR", "DE", "DE"]
    return [LeadFactory(country=country) for country in countries]


def choices() -> list:
    return list(Lead.objects.order_by("id").values_list("status", "current_partner"))


def test_the_batch_makes_the_single_path_decisions_and_writes_the_same_rows():
    manager = VendorUserFactory()
    leads = world()
    for lead in leads:
        services.lead_route(actor=manager, lead=lead)
    single = choices()
    single_reasons = list(
        LeadAssignment.objects.order_by("lead_id").values_list("reasons", flat=True)
    )
    LeadAssignment.objects.all().delete()
    LeadActivity.objects.all().delete()
    Lead.objects.update(status="new", current_partner=None)
    for rule in RuleFactory._meta.model.objects.all():
        rule.last_partner_id = None
        rule.save()
    audits, events = AuditEntry.objects.count(), OutboxEvent.objects.count()

    result = route_waiting_leads(actor=manager, chunk_size=3)

    assert (result.routed, result.unassigned) == (10, 0)
    assert choices() == single
    assert (
        list(
            LeadAssignment.objects.order_by("lead_id").values_list("reasons", flat=True)
        )
        == single_reasons
    )
    assert AuditEntry.objects.count() - audits == 10
    assert OutboxEvent.objects.filter(name="lead.assigned").count() == 20
    assert OutboxEvent.objects.count() - events == 10
    assert LeadActivity.objects.filter(kind="assigned").count() == 10


def test_the_batch_leaves_leads_that_are_not_waiting_alone():
    RuleFactory(countries=["DE"])
    PartnerFactory()
    waiting = LeadFactory()
    held = LeadFactory(status="accepted", current_partner=PartnerFactory())

    result = route_waiting_leads(lead_ids=[waiting.pk, held.pk])

    assert result.routed == 1
    held.refresh_from_db()
    assert held.status == "accepted"
