"""The REST endpoints of onboarding."""

import pytest

from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.accounts.tokens.keys import hash_token, new_token_secret
from openprm.agreements import services as agreements
from openprm.agreements.models import AgreementAcceptance
from openprm.agreements.tests.factories import AgreementDocumentFactory
from openprm.api import api
from openprm.core.models import SubscriberDelivery
from openprm.journeys.models import Journey
from openprm.onboarding import services
from openprm.onboarding.choices import ApplicationStatus
from openprm.onboarding.models import Application, ApprovalStep, RoutingRule
from openprm.onboarding.tests.factories import (
    ApplicationQuestionFactory,
    ApprovalQueueFactory,
    ChannelManagerFactory,
    RoutingRuleFactory,
    application_data,
    submit,
)
from openprm.partners.choices import PartnerStatus
from openprm.programs.tests.factories import ProgrammeFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import MembershipFactory

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
    response = apply(client, ProgrammeFactory(), country="D1", answers={"x": 1})
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


def test_the_list_filters_by_view_status_and_programme_as_the_console_does(
    client, admin_headers
):
    manager = ChannelManagerFactory()
    RoutingRuleFactory(user=manager)
    programme = ProgrammeFactory()
    submit(programme, company="Kept")
    submit(company="Elsewhere")
    services.application_reject(
        application=submit(programme, company="Turned down"),
        actor=manager,
        reason="Not a fit",
    )

    def companies(query, headers=admin_headers):
        response = client.get(f"{APPLICATIONS}?{query}", headers=headers)
        assert response.status_code == 200, response.content
        return sorted(item["company"] for item in response.json()["items"])

    assert companies("") == ["Elsewhere", "Kept", "Turned down"]
    assert companies(f"programme={programme.public_id}") == ["Kept", "Turned down"]
    assert companies("status=rejected") == ["Turned down"]
    assert companies("view=open") == ["Elsewhere", "Kept"]
    assert companies("view=decided") == ["Turned down"]
    assert companies(f"view=open&programme={programme.public_id}") == ["Kept"]
    assert companies("view=mine") == []
    assert companies("view=mine", headers=bearer(manager)) == ["Elsewhere", "Kept"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=bogus", "status"),
        ("view=everything", "view"),
        ("programme=not-a-uuid", "programme"),
    ],
)
def test_the_list_refuses_a_filter_value_it_does_not_know(
    client, admin_headers, query, field
):
    RoutingRuleFactory()
    submit()

    response = client.get(f"{APPLICATIONS}?{query}", headers=admin_headers)

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_the_list_documents_its_filters():
    operation = api.get_openapi_schema()["paths"][APPLICATIONS]["get"]

    names = [parameter["name"] for parameter in operation["parameters"]]

    assert names == ["view", "status", "programme", "limit", "offset"]


def test_an_optional_yes_no_question_may_be_left_out(client):
    programme = ProgrammeFactory()
    ApplicationQuestionFactory(programme=programme, key="partnered", kind="boolean")

    response = apply(client, programme)

    assert response.status_code == 202
    assert Application.objects.get().answers == {}


def test_a_required_yes_no_question_left_out_is_refused(client):
    programme = ProgrammeFactory()
    ApplicationQuestionFactory(
        programme=programme, key="terms", kind="boolean", is_required=True
    )

    response = apply(client, programme)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "answers.terms", "message": "This must be confirmed."}
    ]
    assert Application.objects.count() == 0


def test_anyone_reads_the_application_form_of_an_active_programme(
    client, django_assert_num_queries
):
    programme = ProgrammeFactory(
        slug="msp",
        name="MSP",
        description="For managed service providers.",
        eligible_partner_types=["msp", "reseller"],
    )
    ApplicationQuestionFactory(
        programme=programme,
        key="staff",
        label="How many engineers?",
        kind="number",
        is_required=True,
        help_text="Certified ones.",
        position=2,
    )
    ApplicationQuestionFactory(
        programme=programme,
        key="focus",
        label="Focus",
        kind="multi_choice",
        choices=["cloud", "security"],
        position=1,
    )

    with django_assert_num_queries(2):  # the programme, its questions
        response = client.get(f"{APPLICATIONS}/apply/msp")

    assert response.status_code == 200
    body = response.json()
    assert (body["programme"], body["slug"], body["name"]) == (
        str(programme.public_id),
        "msp",
        "MSP",
    )
    assert body["description"] == "For managed service providers."
    assert body["partner_types"] == ["reseller", "msp"]
    assert body["regions"] == ["NA", "LATAM", "EMEA", "APAC"]
    assert body["questions"] == [
        {
            "key": "focus",
            "label": "Focus",
            "kind": "multi_choice",
            "choices": ["cloud", "security"],
            "is_required": False,
            "help_text": "",
        },
        {
            "key": "staff",
            "label": "How many engineers?",
            "kind": "number",
            "choices": [],
            "is_required": True,
            "help_text": "Certified ones.",
        },
    ]
    assert client.get(f"{APPLICATIONS}/apply/{programme.public_id}").json() == body


def test_an_inactive_programme_has_no_application_form(client):
    ProgrammeFactory(slug="closed", is_active=False)

    assert client.get(f"{APPLICATIONS}/apply/closed").status_code == 404
    assert client.get(f"{APPLICATIONS}/apply/no-such-thing").status_code == 404


def test_approval_queues_are_listed_with_their_members(
    client, admin_headers, django_assert_num_queries
):
    zoe = ChannelManagerFactory(email="zoe@vendor.example", full_name="Zoe Zed")
    amy = ChannelManagerFactory(email="amy@vendor.example", full_name="Amy Ash")
    ApprovalQueueFactory(name="Legal", members=[zoe, amy])
    ApprovalQueueFactory(name="Americas", is_fallback=True)
    client.get("/api/v1/approval-queues", headers=admin_headers)  # the token's use

    with django_assert_num_queries(4):  # token, count, queues, their members
        response = client.get("/api/v1/approval-queues", headers=admin_headers)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(item["name"], item["is_fallback"]) for item in body["items"]] == [
        ("Americas", True),
        ("Legal", False),
    ]
    assert body["items"][0]["members"] == []
    assert body["items"][1]["members"] == [
        {"id": amy.pk, "email": "amy@vendor.example", "name": "Amy Ash"},
        {"id": zoe.pk, "email": "zoe@vendor.example", "name": "Zoe Zed"},
    ]


def test_the_agreement_is_accepted_right_after_approval_before_the_worker_runs(
    client, django_capture_on_commit_callbacks
):
    vendor_admin = VendorUserFactory()
    programme = ProgrammeFactory()
    version = agreements.agreement_version_publish(
        actor=vendor_admin,
        document=AgreementDocumentFactory(programme=programme),
        text="The terms.",
    )
    application = submit(programme)

    # Nothing that runs after commit runs here: no event reaches a subscriber.
    with django_capture_on_commit_callbacks(execute=False):
        approved = client.post(
            f"{APPLICATIONS}/{application.public_id}/approve",
            {"note": "Welcome"},
            content_type="application/json",
            headers=bearer(vendor_admin),
        )
        application.refresh_from_db()
        applicant = MembershipFactory(
            partner=application.partner, roles=[PartnerRole.PARTNER_ADMIN]
        ).user
        accepted = client.post(
            "/api/v1/agreement-acceptances",
            {
                "partner": application.partner.pk,
                "version": str(version.public_id),
                "name": "Nora North",
                "title": "CEO",
            },
            content_type="application/json",
            headers=bearer(applicant),
        )

    assert approved.status_code == 200
    assert accepted.status_code == 201, accepted.content
    assert AgreementAcceptance.objects.get().partner == application.partner
    assert Journey.objects.count() == 0
    assert SubscriberDelivery.objects.count() == 0


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
