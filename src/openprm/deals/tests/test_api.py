import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.models import OutboxEvent
from openprm.currencies.tests.factories import ExchangeRateFactory
from openprm.deals import selectors
from openprm.deals.choices import DealStatus
from openprm.deals.models import CustomerAccount, Deal, DealRevenue
from openprm.deals.tests.factories import make_deal, registration, seller
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

DEALS = "/api/v1/deals"


def post(client, url, body, method="post"):
    return getattr(client, method)(url, body, content_type="application/json")


def api_registration(**overrides):
    body = registration(**overrides)
    body["expected_close_date"] = body["expected_close_date"].isoformat()
    return body


def test_a_partner_registers_and_sees_the_conflicts_with_reasons(client):
    make_deal(customer_name="Acme Corp", domain="acme.com")
    client.force_login(seller())
    response = post(client, DEALS, api_registration())
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "submitted"
    assert body["amount"] == "5000.00"
    assert body["lines"] == [
        {"product_line": "security", "quantity": 10, "amount": "5000.00"}
    ]
    (conflict,) = body["conflicts"]
    assert conflict["kind"] == "deal"
    assert conflict["score"] == 100
    assert [reason["code"] for reason in conflict["reasons"]] == [
        "domain",
        "name",
        "product_line",
        "dates",
        "other_partner",
    ]


def test_an_unknown_field_is_refused(client):
    client.force_login(seller())
    response = post(client, DEALS, {**api_registration(), "owner": "me"})
    assert response.status_code == 422
    assert Deal.objects.count() == 0


def test_a_bad_line_is_a_field_error(client):
    client.force_login(seller())
    response = post(
        client, DEALS, api_registration(lines=[{"product_line": "x", "amount": "1"}])
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"


def test_approving_a_conflicting_registration_is_a_409(client):
    reviewer = VendorUserFactory()
    first = make_deal(domain="acme.com")
    second = make_deal(domain="acme.com")
    client.force_login(reviewer)
    assert post(client, f"{DEALS}/{first.public_id}/approve", {}).status_code == 200
    events = OutboxEvent.objects.count()
    response = post(client, f"{DEALS}/{second.public_id}/approve", {})
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert OutboxEvent.objects.count() == events
    second.refresh_from_db()
    assert second.status == DealStatus.SUBMITTED


def test_the_whole_flow_through_the_api(client):
    user = seller()
    reviewer = VendorUserFactory()
    client.force_login(user)
    deal_id = post(client, DEALS, api_registration()).json()["id"]
    client.force_login(reviewer)
    asked = post(client, f"{DEALS}/{deal_id}/request-info", {"question": "Budget?"})
    assert asked.json()["status"] == "more_info_requested"
    client.force_login(user)
    answered = post(client, f"{DEALS}/{deal_id}/answer", {"answer": "Approved"})
    assert answered.json()["status"] == "submitted"
    client.force_login(reviewer)
    approved = post(client, f"{DEALS}/{deal_id}/approve", {})
    assert approved.json()["protected_until"] is not None
    client.force_login(user)
    extension = post(
        client, f"{DEALS}/{deal_id}/extensions", {"days": 15, "reason": "Board"}
    )
    assert extension.status_code == 201
    client.force_login(reviewer)
    decided = post(
        client,
        f"{DEALS}/{deal_id}/extensions/{extension.json()['id']}/decision",
        {"approve": True},
    )
    assert decided.json()["status"] == "approved"
    client.force_login(user)
    won = post(client, f"{DEALS}/{deal_id}/won", {"amount": "5200"})
    assert (won.json()["status"], won.json()["amount"]) == ("won", "5200.00")


def test_the_deal_list_takes_the_same_queries_for_more_deals(client):
    reviewer = VendorUserFactory()
    make_deal()
    client.force_login(reviewer)
    client.get(DEALS)  # the session's first request loads what later ones reuse
    with CaptureQueriesContext(connection) as one:
        assert client.get(DEALS).json()["count"] == 1
    for _ in range(4):
        make_deal(product_lines=("security", "cloud"))
    with CaptureQueriesContext(connection) as five:
        response = client.get(DEALS)
    assert response.json()["count"] == 5
    assert len(five) == len(one)


def test_the_review_queue_lists_only_deals_awaiting_a_decision(client):
    waiting = make_deal()
    make_deal(status=DealStatus.APPROVED)
    client.force_login(VendorUserFactory())
    items = client.get(f"{DEALS}/review-queue").json()["items"]
    assert [item["id"] for item in items] == [str(waiting.public_id)]


def test_a_partner_sees_only_its_own_deals(client):
    user = seller()
    mine = make_deal(partner=user.memberships.get().partner)
    theirs = make_deal()
    client.force_login(user)
    items = client.get(DEALS).json()["items"]
    assert [item["id"] for item in items] == [str(mine.public_id)]
    assert client.get(f"{DEALS}/{theirs.public_id}").status_code == 404


def test_crm_accounts_are_upserted_by_their_id(client):
    client.force_login(VendorUserFactory())
    url = "/api/v1/customer-accounts/SF-9"
    body = {"name": "Globex", "domain": "globex.com", "kind": "opportunity"}
    assert post(client, url, body, method="put").status_code == 201
    again = post(client, url, {**body, "name": "Globex Corp"}, method="put")
    assert again.status_code == 200
    assert again.json()["name"] == "Globex Corp"
    assert CustomerAccount.objects.count() == 1


def test_a_listed_deal_is_the_deal_document(client):
    reviewer = VendorUserFactory()
    deal = make_deal(product_lines=("security", "cloud"))
    make_deal()
    client.force_login(reviewer)
    assert post(client, f"{DEALS}/{deal.public_id}/approve", {}).status_code == 200
    detail = client.get(f"{DEALS}/{deal.public_id}").json()
    assert detail["protected_until"] is not None
    assert len(detail["lines"]) == 2

    listed = client.get(DEALS).json()["items"]

    assert [item["id"] for item in listed].count(detail["id"]) == 1
    assert next(item for item in listed if item["id"] == detail["id"]) == detail


def test_the_deal_list_takes_a_constant_number_of_queries(
    client, django_assert_num_queries
):
    user = seller()
    make_deal(partner=user.memberships.get().partner)
    client.force_login(user)
    client.get(DEALS)  # the session's first request loads what later ones reuse
    for _ in range(3):
        make_deal(
            partner=user.memberships.get().partner,
            product_lines=("security", "cloud"),
        )
    # session, user, scope, and the page (the deal-role check, its keys, rows,
    # lines and capped count in one)
    with django_assert_num_queries(4):
        body = client.get(DEALS).json()
    assert body["count"] == 4
    assert all(item["lines"] for item in body["items"])


@pytest.mark.parametrize(
    "role", [PartnerRole.MARKETING, PartnerRole.FINANCE, PartnerRole.LEARNER]
)
def test_a_partner_user_without_a_deal_role_lists_no_deals(client, role):
    user = seller(roles=(role,))
    make_deal(partner=user.memberships.get().partner)
    client.force_login(user)

    body = client.get(DEALS).json()

    assert (body["items"], body["count"], body["count_is_capped"]) == ([], 0, False)


def test_a_deal_role_in_one_organisation_lists_the_deals_of_each(client):
    user = seller(roles=(PartnerRole.MARKETING,))
    other = PartnerFactory()
    MembershipFactory(user=user, partner=other, roles=[PartnerRole.SALES])
    own = make_deal(partner=user.memberships.get(partner__in=[other]).partner)
    first = make_deal(partner=user.memberships.exclude(partner=other).get().partner)
    make_deal()  # someone else's
    client.force_login(user)

    body = client.get(DEALS).json()

    assert sorted(item["id"] for item in body["items"]) == sorted(
        [str(own.public_id), str(first.public_id)]
    )
    assert body["count"] == 2


def test_the_deal_list_count_stops_at_the_cap(client, monkeypatch):
    monkeypatch.setattr("openprm.core.api.COUNT_CAP", 2)
    for _ in range(4):
        make_deal()
    client.force_login(VendorUserFactory())

    first = client.get(f"{DEALS}?limit=1").json()
    assert (first["count"], first["count_is_capped"]) == (2, True)
    assert len(first["items"]) == 1
    last = client.get(f"{DEALS}?limit=2&offset=2").json()
    assert (last["count"], last["count_is_capped"]) == (4, False)
    assert len(last["items"]) == 2


def test_the_deal_list_refuses_unknown_parameters_and_bad_pages(client):
    client.force_login(VendorUserFactory())
    assert client.get(f"{DEALS}?stauts=won").status_code == 422
    assert client.get(f"{DEALS}?limit=101").status_code == 422
    assert client.get(f"{DEALS}?status=nope").status_code == 422


def test_readers_with_the_same_filters_never_share_deals_through_compiled_sql(client):
    """The list's SQL is compiled once per reader scope, deal-role check and
    filters: partner users of different partners asking the same page get their
    own deals, and a colleague without a deal role (the same scope, the deal-role
    check bound to their own id) gets none."""
    first, second = seller(), seller()
    colleague = seller(first.memberships.get().partner, roles=(PartnerRole.MARKETING,))
    mine = make_deal(partner=first.memberships.get().partner, status="approved")
    theirs = make_deal(partner=second.memberships.get().partner, status="approved")
    make_deal(partner=second.memberships.get().partner)  # another status
    query = f"{DEALS}?status=approved&limit=10"
    selectors._DEAL_LIST.clear()
    seen = {}
    for reader in (first, second, colleague, first, second):
        client.force_login(reader)
        body = client.get(query).json()
        seen.setdefault(reader.email, []).append(
            ([item["id"] for item in body["items"]], body["count"])
        )

    assert seen == {
        first.email: [([str(mine.public_id)], 1)] * 2,
        second.email: [([str(theirs.public_id)], 1)] * 2,
        colleague.email: [([], 0)],
    }
    # Two scopes, so two compiled queries: the colleague's reused the first's.
    keys = [key for _using, key in selectors._DEAL_LIST._queries._compiled]
    assert len([key for key in keys if "approved" in key[1]]) == 2


def test_a_deep_page_binds_its_page_and_count_to_the_compiled_sql(client, monkeypatch):
    monkeypatch.setattr("openprm.core.api.COUNT_CAP", 2)
    deals = [make_deal() for _ in range(5)]
    client.force_login(VendorUserFactory())
    newest_first = [str(deal.public_id) for deal in reversed(deals)]

    pages = [client.get(f"{DEALS}?limit=2&offset={at}").json() for at in (0, 2, 4)]

    assert [item["id"] for page in pages for item in page["items"]] == newest_first
    assert [(page["count"], page["count_is_capped"]) for page in pages] == [
        (2, True),
        (4, True),
        (5, False),
    ]


# --- won revenue


def won_revenue(partner, amount: str, currency: str, on: datetime.date):
    deal = make_deal(partner=partner, status=DealStatus.WON, amount=Decimal(amount))
    DealRevenue.objects.create(
        partner=partner, deal=deal, amount=Decimal(amount), currency=currency, won_on=on
    )


def revenue_url(partner) -> str:
    return f"/api/v1/partners/{partner.public_id}/won-revenue"


def test_a_partners_won_revenue_in_the_reporting_currency(client):
    ExchangeRateFactory(
        currency="USD", rate=Decimal("0.9"), valid_from=datetime.date(2026, 1, 1)
    )
    user = seller()
    partner = user.memberships.get().partner
    won_revenue(partner, "1000.00", "USD", datetime.date(2026, 2, 1))
    won_revenue(partner, "99.99", "EUR", datetime.date(2026, 3, 1))
    won_revenue(partner, "5.00", "CHF", datetime.date(2026, 3, 2))
    client.force_login(user)

    body = client.get(revenue_url(partner)).json()
    march = client.get(revenue_url(partner) + "?won_from=2026-03-01").json()

    assert body == {
        "partner": partner.pk,
        "currency": "EUR",
        "complete": False,
        "count": 2,
        "amount": "999.99",
        "unconverted": [
            {
                "currency": "CHF",
                "count": 1,
                "amount": "5.00",
                "first_close": "2026-03-02",
                "last_close": "2026-03-02",
            }
        ],
    }
    assert (march["count"], march["amount"]) == (1, "99.99")


def test_another_partners_won_revenue_is_not_found(client):
    client.force_login(seller())

    response = client.get(revenue_url(PartnerFactory()))

    assert response.status_code == 404


def test_an_inverted_won_revenue_range_is_refused(client):
    partner = PartnerFactory()
    client.force_login(VendorUserFactory())

    response = client.get(
        revenue_url(partner) + "?won_from=2026-03-01&won_to=2026-02-01"
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "won_to", "message": "Must not be before won_from."}
    ]
