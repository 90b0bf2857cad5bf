"""Fund requests and claims are decided on the approval engine: levels by amount,
the commitment in the decision's transaction, and the fallback step."""

import json
from decimal import Decimal

import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.approvals.choices import ActionKind
from openprm.approvals.choices import RequestStatus as ApprovalStatus
from openprm.approvals.tests.factories import ChainStepFactory
from openprm.core.errors import InvalidTransition, PermissionDenied
from openprm.funds import ledger, selectors, services
from openprm.funds.choices import ClaimStatus, RequestStatus
from openprm.funds.models import Allocation, FundRequest
from openprm.funds.tests import factories as f
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_levels():
    """Step 1 names nobody (the funds queue: channel marketing); step 2, the
    marketing director, only from 5,000.00 EUR."""
    director = VendorUserFactory(vendor_role="finance")
    ChainStepFactory(kind=services.REQUEST_KIND, position=1, name="Channel marketing")
    ChainStepFactory(
        kind=services.REQUEST_KIND,
        position=2,
        name="Marketing director",
        user=director,
        currency="EUR",
        min_amount=Decimal("5000"),
    )
    return director


def _request(amount, *, allocated="20000.00"):
    partner = PartnerFactory()
    budget = f.budget()
    f.allocate(partner, budget, allocated)
    return f.make_request(partner=partner, the_budget=budget, amount=amount)


def _available(partner):
    allocation = Allocation.objects.get(partner=partner)
    return selectors.allocation_figures(allocation=allocation).available


def test_a_request_above_the_band_needs_both_approvers(two_levels):
    director = two_levels
    request = _request("10000.00")
    approval = request.approval
    assert approval.queue.name == services.FUNDS_QUEUE

    services.request_review(actor=f.reviewer(), request=request, approve=True)

    request.refresh_from_db()
    approval.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED  # nothing committed yet
    assert approval.step_name == "Marketing director"
    assert approval.assignee == director
    with pytest.raises(PermissionDenied):  # step 2 is the director's
        services.request_review(actor=f.reviewer(), request=request, approve=True)

    services.request_review(actor=director, request=request, approve=True)

    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert request.decided_by == director
    assert request.open_commitment == Decimal("10000.00")
    assert _available(request.partner) == Decimal("10000.00")
    history = list(approval.actions.values_list("kind", flat=True))
    assert history == [
        ActionKind.SUBMITTED,
        ActionKind.ROUTED,
        ActionKind.STEP_APPROVED,
        ActionKind.STEP_APPROVED,
        ActionKind.APPROVED,
    ]
    assert "Marketing director (amount from 5,000.00 EUR)" in (
        approval.actions.get(kind=ActionKind.ROUTED).note
    )


def test_a_request_below_the_band_needs_one_approver(two_levels):
    request = _request("2000.00")

    services.request_review(actor=f.reviewer(), request=request, approve=True)

    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert request.approval.status == ApprovalStatus.APPROVED


def test_when_the_money_is_gone_the_last_approval_rolls_back(two_levels):
    request = _request("2000.00", allocated="1000.00")

    with pytest.raises(ledger.InsufficientFunds):
        services.request_review(actor=f.reviewer(), request=request, approve=True)

    request.refresh_from_db()
    request.approval.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED
    assert request.approval.status == ApprovalStatus.IN_REVIEW
    assert request.approval.step_position == 1
    assert not request.approval.actions.filter(kind=ActionKind.STEP_APPROVED).exists()
    assert _available(request.partner) == Decimal("1000.00")


def test_a_rejection_at_any_step_rejects_the_request_with_its_reason(two_levels):
    director = two_levels
    request = _request("10000.00")
    services.request_review(actor=f.reviewer(), request=request, approve=True)

    services.request_review(
        actor=director, request=request, approve=False, reason="Too big for Q1"
    )

    request.refresh_from_db()
    assert request.status == RequestStatus.REJECTED
    assert request.decision_reason == "Too big for Q1"
    assert _available(request.partner) == Decimal("20000.00")


def test_the_seam_does_not_decide_what_the_engine_did_not():
    request = _request("1000.00")

    with pytest.raises(InvalidTransition):
        services.approve_request(request, by=VendorUserFactory())

    assert FundRequest.objects.get(pk=request.pk).status == RequestStatus.SUBMITTED


def test_without_a_chain_the_funds_queue_decides_and_others_may_not():
    request = _request("1000.00")
    assert request.approval.step_name == "Funds review"

    with pytest.raises(PermissionDenied):
        services.request_review(actor=f.finance(), request=request, approve=True)
    services.request_review(actor=f.reviewer(), request=request, approve=True)

    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED


def test_a_claim_is_approved_through_its_own_approval():
    request = f.approved_request(amount="1000.00")
    claim = f.make_claim(request, amount="400.00")
    assert claim.approval.kind == services.CLAIM_KIND
    assert claim.approval.amount == Decimal("400.00")

    services.claim_review(actor=f.reviewer(), claim=claim, approve=True)

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert claim.approval.status == ApprovalStatus.APPROVED


def test_the_api_approves_step_by_step(client, two_levels):
    director = two_levels
    request = _request("10000.00")
    url = f"/api/v1/fund-requests/{request.public_id}/approve"

    client.force_login(f.reviewer())
    first = client.post(url, content_type="application/json")
    client.force_login(director)
    second = client.post(url, content_type="application/json")
    again = client.post(url, content_type="application/json")

    assert first.status_code == 200
    assert first.json()["status"] == RequestStatus.SUBMITTED
    assert first.json()["approval"]["step_name"] == "Marketing director"
    assert second.status_code == 200
    assert second.json()["status"] == RequestStatus.APPROVED
    assert again.status_code == 409, json.dumps(again.json())


def test_the_console_page_shows_the_history_and_acts_through_the_engine(
    client, two_levels
):
    director = two_levels
    request = _request("10000.00")
    page = f"/console/funds/requests/{request.public_id}/"

    client.force_login(f.reviewer())
    before = client.get(page).content.decode()
    client.post(f"/console/funds/requests/{request.public_id}/approve/")
    after = client.get(page).content.decode()
    client.force_login(director)
    mine = client.get(page).content.decode()

    assert 'data-testid="approve"' in before
    assert "Step approved" in after and 'data-testid="approve"' not in after
    assert "Marketing director" in mine and 'data-testid="approve"' in mine
