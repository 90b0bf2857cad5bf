"""The console home per role: the reader's queues with their SLA status, their
partners, and an empty scope that says why."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.deals.choices import DealStatus
from openprm.deals.tests.factories import make_deal
from openprm.leads.models import LeadStatus
from openprm.leads.tests.factories import LeadFactory
from openprm.onboarding.tests.factories import RoutingRuleFactory, submit
from openprm.partners.tests.factories import PartnerFactory


def queues_of(response) -> dict:
    return {
        queue.label: (queue.count, queue.overdue)
        for queue in response.context["queues"]
    }


@pytest.mark.django_db
def test_a_channel_managers_home_lists_their_queues_and_partners(client):
    manager = UserFactory(vendor_role=VendorRole.CHANNEL_MANAGER, territories=["EMEA"])
    mine = PartnerFactory(name="Fjord Networks", region="EMEA", country="NO")
    PartnerFactory(name="Pampas Digital", region="LATAM", country="AR")
    make_deal(partner=mine)
    make_deal(partner=mine, review_due_at=timezone.now() - timedelta(hours=1))
    make_deal(partner=mine, status=DealStatus.MORE_INFO_REQUESTED)
    LeadFactory(region="EMEA", status=LeadStatus.UNASSIGNED)
    LeadFactory(region="LATAM", status=LeadStatus.UNASSIGNED)
    RoutingRuleFactory(user=manager, regions=["EMEA"])
    submit(company="Baltic Cloud", region="EMEA")
    client.force_login(manager)

    response = client.get("/console/")

    assert queues_of(response) == {
        "Partner applications": (1, 0),
        "Deal registrations": (2, 1),
        "Leads to route": (1, 0),
        "Onboarding sign-offs": (0, 0),
        "Partners at risk": (0, 0),
        "Tier changes": (0, 0),
    }
    page = response.content.decode()
    assert "1 more waits for the partner" in page
    assert [partner.name for partner in response.context["partners"]] == [
        "Fjord Networks"
    ]
    assert "Pampas Digital" not in page


@pytest.mark.django_db
def test_finance_gets_no_review_queue_it_cannot_work(client):
    client.force_login(UserFactory(vendor_role=VendorRole.FINANCE))
    make_deal()

    response = client.get("/console/")

    assert "Deal registrations" not in queues_of(response)
    assert "Leads to route" not in queues_of(response)


@pytest.mark.django_db
def test_a_channel_manager_without_territories_is_told_why_they_see_no_partner(
    client,
):
    PartnerFactory.create_batch(3)
    client.force_login(UserFactory(vendor_role=VendorRole.CHANNEL_MANAGER))

    home = client.get("/console/").content.decode()
    directory = client.get("/console/partners/").content.decode()

    for page in (home, directory):
        assert "You look after no territory yet" in page
        assert "partners you add or import" not in page


@pytest.mark.django_db
def test_an_empty_territory_is_named(client):
    PartnerFactory(region="APAC", country="JP")
    client.force_login(
        UserFactory(vendor_role=VendorRole.CHANNEL_MANAGER, territories=["EMEA", "DE"])
    )

    page = client.get("/console/partners/").content.decode()

    assert (
        "No partner is in your territories (Europe, Middle East and Africa, DE)" in page
    )


@pytest.mark.django_db
def test_the_home_reads_the_same_number_of_queries_for_few_or_many_rows(client):
    client.force_login(VendorUserFactory())
    counts = []
    for _ in range(2):
        for _ in range(4):
            make_deal(partner=PartnerFactory())
            LeadFactory(status=LeadStatus.UNASSIGNED)
        with CaptureQueriesContext(connection) as queries:
            client.get("/console/")
        counts.append(len(queries))

    # session, user; partner counts; the newest partners; applications, deals,
    # leads, sign-offs, partners at risk, tier changes, fund approvals, fund
    # payouts one query each
    assert counts[0] == counts[1] == 12
