"""The REST endpoints of onboarding."""

import pytest

from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.accounts.tokens import hash_token, new_token_secret
from openprm.onboarding.choices import ApplicationStatus
from openprm.onboarding.models import Application, ApprovalStep, RoutingRule
from openprm.onboarding.tests.factories import (
    ApprovalQueueFactory,
    ChannelManagerFactory,
    RoutingRuleFactory,
    application_data,
    submit,
)
from openprm.partners.choices import PartnerStatus
from openprm.programs.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

APPLICATIONS = "/api/v1/applications"


def bearer(user) -> dict[str, str]:
    secret = new_token_secret()
    ApiToken.objects.create(
        user=user, name="script", prefix=secret[:12], key_hash=hash_token(secret)
    )
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def admin_headers():
    return bearer(VendorUserFactory(email="ada@vendor.example"))


def apply(client, programme, **overrides):
    return client.post(
        f"{APPLICATIONS}/apply/{programme.slug}",
        application_data(**overrides),
        content_type="application/json",
    )


def test_the_public_endpoint_accepts_an_application_without_authentication(client):
    programme = ProgrammeFactory()
    response = apply(client, programme, campaign_token="tok-1")
    assert response.status_code == 202
    assert response.json() == {"status": "received"}
    application = Application.objects.get()
    assert (application.programme, application.campaign_token) == (programme, "tok-1")


def test_the_public_endpoint_reports_field_errors(client):
    response = apply(client, ProgrammeFactory(), country="Germany", answers={"x": 1})
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"country", "answers.x"}
    assert Application.objects.count() == 0


def test_the_public_endpoint_refuses_unknown_fields(client):
    response = apply(client, ProgrammeFactory(), favourite_colour="blue")
    assert response.status_code == 422


def test_the_public_endpoint_honeypot_stores_nothing(client):
    response = apply(client, ProgrammeFactory(), fax_number="555")
    assert response.status_code == 202
    assert Application.objects.count() == 0


def test_the_public_endpoint_is_rate_limited_per_address(client, settings):
    settings.OPENPRM_APPLICATION_RATE_LIMIT = 1
    programme = ProgrammeFactory()
    assert apply(client, programme).status_code == 202
    response = apply(client, programme, company="Again")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert Application.objects.count() == 1


def test_the_list_runs_the_same_queries_for_one_or_many(
    client, admin_headers, django_assert_num_queries
):
    RoutingRuleFactory()
    submit(company="One")
    client.get(APPLICATIONS, headers=admin_headers)  # the token's first use
    with django_assert_num_queries(3):
        response = client.get(APPLICATIONS, headers=admin_headers)
    assert response.json()["count"] == 1
    for n in range(4):
        submit(company=f"Co {n}")
    with django_assert_num_queries(3):
        response = client.get(APPLICATIONS, headers=admin_headers)
    assert response.json()["count"] == 5
    item = response.json()["items"][0]
    assert item["routing_reason"].startswith("Rule")
    assert item["assignee"].endswith("@example.com")


def test_the_list_refuses_an_unknown_filter(client, admin_headers):
    response = client.get(f"{APPLICATIONS}?colour=red", headers=admin_headers)
    assert response.status_code == 422


def test_approve_through_the_api_creates_the_partner(client):
    manager = ChannelManagerFactory()
    RoutingRuleFactory(user=manager)
    application = submit()
    response = client.post(
        f"{APPLICATIONS}/{application.public_id}/approve",
        {"note": "Good fit"},
        content_type="application/json",
        headers=bearer(manager),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == ApplicationStatus.APPROVED
    assert [item["kind"] for item in body["history"]][-2:] == [
        "step_approved",
        "approved",
    ]
    application.refresh_from_db()
    assert application.partner.status == PartnerStatus.ONBOARDING


def test_reject_through_the_api_needs_a_reason(client, admin_headers):
    RoutingRuleFactory()
    application = submit()
    response = client.post(
        f"{APPLICATIONS}/{application.public_id}/reject",
        {"reason": ""},
        content_type="application/json",
        headers=admin_headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reason"


def test_routing_rules_and_steps_are_written_through_the_api(client, admin_headers):
    queue = ApprovalQueueFactory()
    programme = ProgrammeFactory()
    response = client.post(
        "/api/v1/application-routing-rules",
        {
            "name": "APAC",
            "regions": ["APAC"],
            "programme": str(programme.public_id),
            "queue": queue.pk,
        },
        content_type="application/json",
        headers=admin_headers,
    )
    assert response.status_code == 201
    rule = RoutingRule.objects.get()
    assert (rule.programme, rule.queue, rule.regions) == (programme, queue, ["APAC"])
    response = client.patch(
        f"/api/v1/application-routing-rules/{rule.pk}",
        {"regions": ["NOPE"]},
        content_type="application/json",
        headers=admin_headers,
    )
    assert response.status_code == 422
    response = client.post(
        f"/api/v1/programmes/{programme.public_id}/approval-steps",
        {"position": 1, "name": "Legal", "queue": queue.pk, "sla_business_days": 3},
        content_type="application/json",
        headers=admin_headers,
    )
    assert response.status_code == 201
    step = ApprovalStep.objects.get()
    response = client.post(
        f"/api/v1/programmes/{programme.public_id}/approval-steps",
        {"position": 1, "name": "Twice"},
        content_type="application/json",
        headers=admin_headers,
    )
    assert response.status_code == 422
    response = client.get(
        f"/api/v1/programmes/{programme.public_id}/approval-steps",
        headers=admin_headers,
    )
    assert [item["id"] for item in response.json()["items"]] == [step.pk]
