"""The portal home as a work list: what needs the reader, with deadlines and links,
as their role allows, then the organisation's recent activity; constant queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openprm.agreements.tests.factories import AgreementVersionFactory
from openprm.journeys.choices import TaskKind
from openprm.journeys.tests.factories import JourneyFactory, JourneyTaskFactory
from openprm.leads.models import LeadAssignment
from openprm.partners.tests.factories import PartnerFactory
from openprm.portal.tests.factories import offer, question
from openprm.programs.tests.factories import EnrolmentFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import MembershipFactory


def work_for(partner, *, count: int) -> None:
    """``count`` of each kind of work at ``partner``."""
    enrolment = EnrolmentFactory(partner=partner)
    journey = JourneyFactory(partner=partner, programme=enrolment.programme)
    for number in range(count):
        offer(partner, company=f"Customer {number}")
        question(partner, title=f"Deal {number}")
        JourneyTaskFactory(
            journey=journey,
            kind=TaskKind.DOCUMENT,
            title=f"Upload the insurance certificate {number}",
            due_at=timezone.now() + timedelta(days=5),
        )
    AgreementVersionFactory(
        document__programme=enrolment.programme,
        number=2,
        accept_by=timezone.now() + timedelta(days=10),
    )


@pytest.fixture
def admin(client):
    membership = MembershipFactory(
        partner=PartnerFactory(name="Contoso Solutions"),
        roles=[PartnerRole.PARTNER_ADMIN],
    )
    client.force_login(membership.user)
    return membership


@pytest.mark.django_db
def test_the_home_lists_offers_questions_agreements_and_tasks_with_deadlines(
    client, admin
):
    partner = admin.partner
    lead_offer = offer(partner, hours=47)
    deal = question(partner)
    enrolment = EnrolmentFactory(partner=partner)
    version = AgreementVersionFactory(
        document__programme=enrolment.programme,
        document__title="Reseller agreement",
        number=2,
        accept_by=timezone.now() + timedelta(days=10),
    )
    JourneyTaskFactory(
        journey=JourneyFactory(partner=partner, programme=enrolment.programme),
        kind=TaskKind.DOCUMENT,
        title="Upload the insurance certificate",
        due_at=timezone.now() + timedelta(days=3),
    )

    response = client.get("/portal/")

    work = response.context["work"]
    assert [item.kind for item in work] == [
        "Lead offer",
        "Onboarding",
        "Agreement",
        "Deal question",
    ]
    assert work[0].title == "Accept or decline the lead Bluewater Foods"
    assert work[0].url == reverse(
        "portal:lead_detail", args=[lead_offer.lead.public_id]
    )
    assert work[0].due_at == lead_offer.respond_by
    assert work[2].title == "Accept Reseller agreement, version 2"
    assert work[2].url == reverse("portal:agreement_accept", args=[version.public_id])
    assert work[3].url == reverse("portal:deal_detail", args=[deal.public_id])
    assert work[3].detail == "Who signs the order?"
    page = response.content.decode()
    assert "Due by" in page
    assert "Nothing needs your attention" not in page
    assert "courses" not in page.lower()


@pytest.mark.django_db
def test_a_technical_user_gets_no_lead_or_deal_to_answer(client):
    partner = PartnerFactory()
    technical = MembershipFactory(partner=partner, roles=[PartnerRole.TECHNICAL])
    offer(partner)
    question(partner)
    client.force_login(technical.user)

    response = client.get("/portal/")

    assert response.context["work"] == []
    assert "Nothing waits for you right now" in response.content.decode()


@pytest.mark.django_db
def test_a_salesperson_does_not_get_the_agreement_only_admins_sign(client):
    partner = PartnerFactory()
    seller = MembershipFactory(partner=partner, roles=[PartnerRole.SALES])
    enrolment = EnrolmentFactory(partner=partner)
    AgreementVersionFactory(document__programme=enrolment.programme)
    offer(partner)
    client.force_login(seller.user)

    response = client.get("/portal/")

    assert [item.kind for item in response.context["work"]] == ["Lead offer"]


@pytest.mark.django_db
def test_another_partners_work_is_not_listed(client, admin):
    offer(PartnerFactory(), company="Someone Else's Lead")
    question(PartnerFactory(), title="Someone else's deal")

    response = client.get("/portal/")

    assert response.context["work"] == []
    assert "Someone Else" not in response.content.decode()


@pytest.mark.django_db
def test_recent_activity_reads_as_sentences(client, admin):
    accepted = offer(admin.partner, company="Cobalt Health")
    LeadAssignment.objects.filter(pk=accepted.pk).update(
        outcome="accepted", outcome_at=timezone.now(), decided_by=admin.user
    )

    response = client.get("/portal/")

    texts = [entry.text for entry in response.context["activity"]]
    assert f"{admin.user.get_full_name()} accepted the lead Cobalt Health." in texts


@pytest.mark.django_db
def test_the_home_reads_the_same_number_of_queries_for_one_or_many_items(client):
    few, many = PartnerFactory(), PartnerFactory()
    work_for(few, count=1)
    work_for(many, count=4)
    counts = []
    for partner in (few, many):
        membership = MembershipFactory(
            partner=partner, roles=[PartnerRole.PARTNER_ADMIN]
        )
        client.force_login(membership.user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/portal/")
        assert len(response.context["work"]) == 4 * (1 if partner == few else 4) - (
            0 if partner == few else 3
        )
        counts.append(len(queries))
        client.logout()

    # Session, user, membership (the roles and the partner scope come from it);
    # each contribution its fixed reads (leads 2, deals 2, agreements 4,
    # journeys 2, invitations 2, funds 3, tier demotions 1), the audiences; what
    # the partner has earned (won revenue 1, points 1, funds 0: its allocations
    # are the work list's, with no ledger to sum; discount 1: the admin reads
    # all four).
    assert counts[0] == counts[1] == 23


def _membership_reads(queries) -> int:
    return sum(
        'FROM "accounts_membership"' in query["sql"]
        for query in queries.captured_queries
    )


@pytest.mark.django_db
def test_the_home_reads_the_readers_memberships_once_for_every_provider(client, admin):
    work_for(admin.partner, count=1)

    # The guard, the roles of each provider's rule and the partner scope of the
    # funds figure share one read of the memberships (core.permissions.reader_fact).
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/portal/")

    assert len(response.context["work"]) == 4
    assert _membership_reads(queries) == 1


@pytest.mark.django_db
def test_the_readers_memberships_are_read_again_by_the_next_request(client, admin):
    client.get("/portal/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/portal/")
    admin.is_active = False
    admin.save(update_fields=["is_active"])

    assert _membership_reads(queries) == 1
    assert client.get("/portal/").status_code == 403
