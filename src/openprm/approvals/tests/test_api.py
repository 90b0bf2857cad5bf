"""The REST endpoints of the approval engine."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import UserFactory
from openprm.accounts.tokens.keys import hash_token, new_token_secret
from openprm.approvals import services
from openprm.approvals.models import Delegation, Request
from openprm.approvals.rules import Facts
from openprm.approvals.tests import subject
from openprm.approvals.tests.factories import ChainStepFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

APPROVALS = "/api/v1/approvals"


def bearer(user) -> dict[str, str]:
    secret = new_token_secret()
    ApiToken.objects.create(
        user=user, name="script", prefix=secret[:12], key_hash=hash_token(secret)
    )
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def approver():
    user = UserFactory(vendor_role="finance", email="fin@vendor.example")
    ChainStepFactory(position=1, name="Finance", user=user)
    return user


def start(object_id="x", partner=None):
    return services.request_start(
        kind=subject.KIND,
        object_id=object_id,
        subject_label=f"Claim {object_id}",
        facts=Facts(amount=Decimal("8000"), currency="EUR"),
        partner=partner,
    )


def test_my_queue_runs_the_same_queries_for_one_or_many(
    client, approver, django_assert_num_queries
):
    headers = bearer(approver)
    start("1")
    client.get(APPROVALS, headers=headers)
    with django_assert_num_queries(3):
        response = client.get(APPROVALS, headers=headers)
    assert response.json()["count"] == 1
    for n in range(4):
        start(f"n{n}")
    with django_assert_num_queries(3):
        response = client.get(APPROVALS, headers=headers)
    assert response.json()["count"] == 5
    item = response.json()["items"][0]
    assert (item["assignee"], item["amount"], item["currency"]) == (
        "fin@vendor.example",
        "8000.000",
        "EUR",
    )


def test_the_detail_has_the_history_and_approve_decides(client, approver):
    request = start()
    headers = bearer(approver)
    detail = client.get(f"{APPROVALS}/{request.public_id}", headers=headers).json()
    assert [line["kind"] for line in detail["history"]] == ["submitted", "routed"]
    response = client.post(
        f"{APPROVALS}/{request.public_id}/approve",
        {"note": "ok"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["history"][-1]["note"] == "committed"


def test_reject_without_a_reason_is_a_field_error_and_changes_nothing(client, approver):
    request = start()
    response = client.post(
        f"{APPROVALS}/{request.public_id}/reject",
        {"reason": " "},
        content_type="application/json",
        headers=bearer(approver),
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert Request.objects.get().status == "in_review"


def test_the_partner_answers_and_the_request_resumes(client, approver):
    partner = PartnerFactory()
    request = start(partner=partner)
    services.request_ask_info(request=request, actor=approver, question="Agenda?")
    member = MembershipFactory(partner=partner, roles=["marketing"]).user
    stranger = MembershipFactory(partner=PartnerFactory()).user
    url = f"{APPROVALS}/{request.public_id}/answer"
    refused = client.post(
        url, {"answer": "x"}, content_type="application/json", headers=bearer(stranger)
    )
    assert refused.status_code == 404
    response = client.post(
        url,
        {"answer": "Attached."},
        content_type="application/json",
        headers=bearer(member),
    )
    assert response.status_code == 200
    assert Request.objects.get().status == "in_review"


def test_delegations_are_recorded_by_email_and_ended(client, approver):
    UserFactory(vendor_role="finance", email="sam@vendor.example")
    headers = bearer(approver)
    today = timezone.localdate()
    response = client.post(
        "/api/v1/approval-delegations",
        {
            "delegate": "sam@vendor.example",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=1)).isoformat(),
        },
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201
    assert response.json()["delegate"] == "sam@vendor.example"
    unknown = client.post(
        "/api/v1/approval-delegations",
        {
            "delegate": "nobody@vendor.example",
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
        },
        content_type="application/json",
        headers=headers,
    )
    assert unknown.status_code == 422
    delegation_id = response.json()["id"]
    ended = client.post(
        f"/api/v1/approval-delegations/{delegation_id}/end", headers=headers
    )
    assert ended.status_code == 204
    assert Delegation.objects.count() == 0
