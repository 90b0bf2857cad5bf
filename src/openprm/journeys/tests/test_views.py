import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.agreements.models import AgreementAcceptance
from openprm.agreements.services import text_hash
from openprm.agreements.tests.factories import AgreementVersionFactory
from openprm.journeys.choices import TaskKind
from openprm.journeys.tests.factories import JourneyFactory, JourneyTaskFactory
from openprm.partners.choices import PartnerStatus
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def journey_with_tasks(partner=None, **fields):
    journey = JourneyFactory(
        partner=partner or PartnerFactory(status=PartnerStatus.ONBOARDING), **fields
    )
    JourneyTaskFactory(journey=journey, kind=TaskKind.MANUAL)
    JourneyTaskFactory(journey=journey, kind=TaskKind.DOCUMENT, is_overdue=True)
    JourneyTaskFactory(journey=journey, kind=TaskKind.COURSE, is_required=False)
    return journey


@pytest.mark.parametrize("rows", [2, 5])
def test_the_console_journey_list_costs_the_same_queries_whatever_its_length(
    client, rows
):
    client.force_login(VendorUserFactory())
    for _ in range(rows):
        journey_with_tasks()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("console:journeys"))

    assert response.status_code == 200
    assert (
        response.content.count(b'<span class="badge text-bg-danger">1</span>') == rows
    )
    assert len(queries) == 4


def test_the_portal_checklist_shows_progress_and_overdue_tasks(client):
    journey = journey_with_tasks()
    client.force_login(MembershipFactory(partner=journey.partner).user)

    response = client.get(reverse("portal:journeys"))

    page = response.content.decode()
    assert 'data-testid="progress">0 / 2<' in page
    assert page.count('data-testid="overdue"') == 1
    assert (
        reverse(
            "portal:journey_document_upload",
            kwargs={
                "public_id": journey.public_id,
                "task_id": journey.tasks.get(kind=TaskKind.DOCUMENT).pk,
            },
        )
        in page
    )


def test_the_onboarding_nav_shows_until_the_partner_is_active(client):
    journey = journey_with_tasks()
    client.force_login(MembershipFactory(partner=journey.partner).user)
    resources = reverse("portal:journeys_resources")

    assert resources not in client.get(reverse("portal:journeys")).content.decode()
    assert client.get(resources).status_code == 403

    journey.partner.status = PartnerStatus.ACTIVE
    journey.partner.save()
    assert resources in client.get(reverse("portal:journeys")).content.decode()
    assert client.get(resources).status_code == 200


def test_the_partner_admin_accepts_the_agreement_on_its_page(client):
    journey = journey_with_tasks()
    version = AgreementVersionFactory(document__programme=journey.programme)
    client.force_login(MembershipFactory(partner=journey.partner).user)
    url = reverse("portal:agreement_accept", kwargs={"public_id": version.public_id})

    page = client.get(url).content.decode()
    assert "&lt;b&gt;Escaped&lt;/b&gt;" in page  # the text is escaped, never HTML
    response = client.post(
        url,
        {"name": "Ada", "title": "CEO", "text_sha256": text_hash(version.text)},
        HTTP_USER_AGENT="Chromium/140",
    )

    assert response.status_code == 302
    acceptance = AgreementAcceptance.objects.get()
    assert (acceptance.user_agent, acceptance.client_ip) == (
        "Chromium/140",
        "127.0.0.1",
    )
    record = client.get(
        reverse(
            "portal:agreement_acceptance", kwargs={"public_id": acceptance.public_id}
        )
    )
    assert acceptance.text_sha256 in record.content.decode()


def test_the_channel_manager_signs_off_a_manual_task_in_the_console(client):
    manager = UserFactory(vendor_role=VendorRole.CHANNEL_MANAGER)
    journey = journey_with_tasks(
        PartnerFactory(status=PartnerStatus.ONBOARDING, channel_manager=manager)
    )
    task = journey.tasks.get(kind=TaskKind.MANUAL)
    client.force_login(manager)

    response = client.post(
        reverse(
            "console:journey_task_sign_off",
            kwargs={"public_id": journey.public_id, "task_id": task.pk},
        ),
        {"note": "Kick-off call held"},
    )

    assert response.status_code == 302
    task.refresh_from_db()
    assert task.completion_note == "Kick-off call held"
