import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.funds.choices import RequestStatus
from openprm.funds.tests import factories as f
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_partner_requests_and_reads_only_its_own(client):
    budget = f.budget()
    mine = f.marketer()
    f.make_request()  # another partner's
    client.force_login(mine)

    created = post(
        client,
        "/api/v1/fund-requests",
        {
            "budget": str(budget.public_id),
            "activity_type": f.activity_type().pk,
            "title": "Webinar",
            "starts_on": "2026-12-10",
            "ends_on": "2026-12-10",
            "lines": [{"description": "Ads", "amount": "1200.50"}],
        },
    )
    listed = client.get("/api/v1/fund-requests").json()

    assert created.status_code == 201
    assert created.json()["amount"] == "1200.50"
    assert created.json()["roi"]["cost"] == "1200.50"
    assert [item["title"] for item in listed["items"]] == ["Webinar"]


def test_bad_lines_are_field_errors(client):
    client.force_login(f.marketer())

    response = post(
        client,
        "/api/v1/fund-requests",
        {
            "budget": str(f.budget().public_id),
            "activity_type": f.activity_type().pk,
            "title": "Webinar",
            "starts_on": "2026-12-10",
            "ends_on": "2026-12-10",
            "lines": [{"description": "Ads", "amount": "-5"}],
        },
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_approval_without_the_funds_is_a_409_problem_and_changes_nothing(client):
    partner = PartnerFactory()
    budget = f.budget()
    f.allocate(partner, budget, "100.00")
    request = f.make_request(partner=partner, the_budget=budget, amount="500.00")
    client.force_login(f.reviewer())

    response = post(client, f"/api/v1/fund-requests/{request.public_id}/approve", {})

    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_funds"
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED


def test_claim_with_files_through_the_api_and_balances(client):
    request = f.approved_request(amount="1000.00", allocated="3000.00")
    client.force_login(f.marketer(request.partner))

    response = client.post(
        f"/api/v1/fund-requests/{request.public_id}/claims",
        {"amount": "250", "invoices": [f.pdf()], "proofs": [f.attendees()]},
    )
    balances = client.get(
        f"/api/v1/partners/{request.partner.public_id}/fund-balances"
    ).json()["items"]

    assert response.status_code == 201
    assert [item["kind"] for item in response.json()["files"]] == [
        "invoice",
        "proof",
    ]
    assert (balances[0]["available"], balances[0]["committed"]) == (
        "2000.00",
        "1000.00",
    )


def test_request_list_has_constant_queries(client):
    client.force_login(f.reviewer())
    f.make_request()
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/fund-requests")
    for _ in range(4):
        f.make_request()
    with CaptureQueriesContext(connection) as five:
        response = client.get("/api/v1/fund-requests")

    assert response.json()["count"] == 5
    assert len(five) == len(one)
    assert Decimal(response.json()["items"][0]["amount"]) == Decimal("1000.00")


def _allocations(rows: int):
    """A partner with ``rows`` allocations this period, one per fund."""
    partner = PartnerFactory()
    for number in range(rows):
        the_budget = f.budget(fund=f.FundFactory(name=f"Fund {number:02}"))
        f.allocate(partner, the_budget, "100.00")
    f.allocate(PartnerFactory(), f.budget(), "100.00")  # another partner's
    return partner


def test_fund_balances_page_by_fund_and_count_up_to_a_cap(client, monkeypatch):
    monkeypatch.setattr("openprm.core.api.COUNT_CAP", 3)
    partner = _allocations(7)
    client.force_login(f.reviewer())
    url = f"/api/v1/partners/{partner.public_id}/fund-balances"

    first = client.get(url, {"limit": 2}).json()
    last = client.get(url, {"limit": 2, "offset": 6}).json()

    assert [row["fund"] for row in first["items"]] == ["Fund 00", "Fund 01"]
    assert (first["count"], first["count_is_capped"]) == (3, True)
    assert [row["fund"] for row in last["items"]] == ["Fund 06"]
    assert (last["count"], last["count_is_capped"]) == (7, False)
    assert last["items"][0]["available"] == "100.00"


@pytest.mark.parametrize("rows", [2, 30])
def test_fund_balances_take_the_same_queries_for_any_number_of_allocations(
    client, django_assert_num_queries, rows
):
    partner = _allocations(rows)
    client.force_login(f.reviewer())
    url = f"/api/v1/partners/{partner.public_id}/fund-balances"
    client.get(url)

    # Session, user, the partner, the capped count, the page's allocations with
    # fund and period, their ledger sums.
    with django_assert_num_queries(6):
        body = client.get(url, {"limit": 100}).json()

    assert len(body["items"]) == rows
