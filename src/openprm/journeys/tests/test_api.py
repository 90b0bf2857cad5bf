import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.agreements.tests.test_api import bearer
from openprm.journeys.choices import TaskKind
from openprm.journeys.models import JourneyDocument, TaskTemplate
from openprm.journeys.tests.factories import JourneyFactory, JourneyTaskFactory
from openprm.journeys.tests.helpers import deliver_all
from openprm.partners.choices import PartnerStatus
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import programme_with_tiers
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def onboarding_journey(**partner_fields):
    journey = JourneyFactory(
        partner=PartnerFactory(status=PartnerStatus.ONBOARDING, **partner_fields),
        programme=programme_with_tiers(),
    )
    JourneyTaskFactory(journey=journey, kind=TaskKind.DOCUMENT)
    JourneyTaskFactory(journey=journey, kind=TaskKind.MANUAL)
    return journey


def test_a_vendor_admin_adds_and_removes_template_tasks(client):
    headers = bearer(VendorUserFactory())
    programme = programme_with_tiers()
    url = f"/api/v1/programmes/{programme.public_id}/journey-tasks"

    created = client.post(
        url,
        {
            "kind": "profile_fields",
            "title": "Your address",
            "due_days": 7,
            "config": {"fields": ["street", "city"]},
        },
        content_type="application/json",
        headers=headers,
    )
    refused = client.post(
        url,
        {"kind": "invite_colleagues", "title": "Invite", "config": {"count": 0}},
        content_type="application/json",
        headers=headers,
    )

    assert created.status_code == 201
    assert created.json()["config"] == {"fields": ["street", "city"]}
    assert refused.status_code == 422
    assert client.get(url, headers=headers).json()[0]["title"] == "Your address"
    deleted = client.delete(f"{url}/{created.json()['id']}", headers=headers)
    assert deleted.status_code == 204
    assert TaskTemplate.objects.count() == 0


def test_a_partner_user_uploads_the_document_and_the_task_completes(client):
    journey = onboarding_journey()
    task = journey.tasks.get(kind=TaskKind.DOCUMENT)
    headers = bearer(MembershipFactory(partner=journey.partner).user)

    response = client.post(
        f"/api/v1/journeys/{journey.public_id}/tasks/{task.pk}/documents",
        {"file": SimpleUploadedFile("vat.png", b"\x89PNG\r\n\x1a\n....")},
        headers=headers,
    )
    deliver_all()

    assert response.status_code == 201, response.content
    assert JourneyDocument.objects.get().partner == journey.partner
    body = client.get(f"/api/v1/journeys/{journey.public_id}", headers=headers).json()
    assert [item["completed_at"] is not None for item in body["tasks"]] == [
        True,
        False,
    ]


def test_another_partner_cannot_upload_nor_see_the_journey(client):
    journey = onboarding_journey()
    task = journey.tasks.get(kind=TaskKind.DOCUMENT)
    headers = bearer(MembershipFactory().user)

    response = client.post(
        f"/api/v1/journeys/{journey.public_id}/tasks/{task.pk}/documents",
        {"file": SimpleUploadedFile("vat.pdf", b"%PDF-1.4")},
        headers=headers,
    )

    assert response.status_code == 404
    assert JourneyDocument.objects.count() == 0
    assert client.get("/api/v1/journeys", headers=headers).json()["count"] == 0


def test_the_channel_manager_signs_off_and_the_partner_activates(client):
    manager = UserFactory(vendor_role=VendorRole.CHANNEL_MANAGER)
    journey = onboarding_journey(channel_manager=manager)
    journey.tasks.filter(kind=TaskKind.DOCUMENT).update(is_required=False)
    task = journey.tasks.get(kind=TaskKind.MANUAL)

    response = client.post(
        f"/api/v1/journeys/{journey.public_id}/tasks/{task.pk}/sign-off",
        {"note": "Kick-off held"},
        content_type="application/json",
        headers=bearer(manager),
    )

    assert response.status_code == 200
    assert response.json()["status"] == "completed"
    journey.partner.refresh_from_db()
    assert journey.partner.status == PartnerStatus.ACTIVE


@pytest.mark.parametrize("rows", [2, 5])
def test_the_journey_list_costs_the_same_queries_whatever_its_length(client, rows):
    headers = bearer(VendorUserFactory())
    for _ in range(rows):
        onboarding_journey()

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/journeys", headers=headers)

    assert response.json()["count"] == rows
    assert len(queries) == 6
