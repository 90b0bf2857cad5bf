from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.deals.choices import DealStatus
from openprm.deals.models import Deal, Stage
from openprm.deals.tests.factories import make_deal, seller

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    return {
        "title": "Firewall refresh",
        "customer_name": "Acme Corporation",
        "customer_domain": "acme.com",
        "customer_country": "DE",
        "currency": "EUR",
        "expected_close_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "stage": str(Stage.objects.get(name="Qualification").pk),
        "line0_product_line": "security",
        "line0_quantity": "2",
        "line0_amount": "5000",
        **overrides,
    }


def test_registering_in_the_portal_shows_the_conflicts_and_why(client):
    make_deal(customer_name="ACME Corp.", domain="acme.com")
    client.force_login(seller())
    response = client.post(reverse("portal:deal_register"), form_data(), follow=True)
    page = response.content.decode()
    assert "possible conflicts" in page
    assert "Same customer domain: acme.com" in page
    assert "A registration by another partner" in page
    assert Deal.objects.count() == 2


def test_a_service_error_is_shown_on_its_field(client):
    client.force_login(seller())
    past = (timezone.localdate() - timedelta(days=3)).isoformat()
    response = client.post(
        reverse("portal:deal_register"), form_data(expected_close_date=past)
    )
    assert response.status_code == 200
    assert "cannot be in the past" in response.content.decode()
    assert Deal.objects.count() == 0


def test_the_reviewer_approves_from_the_deal_page(client):
    deal = make_deal()
    client.force_login(VendorUserFactory())
    response = client.post(
        reverse("console:deal_approve", args=[deal.public_id]), follow=True
    )
    assert "The registration was approved." in response.content.decode()
    deal.refresh_from_db()
    assert deal.status == DealStatus.APPROVED


def test_a_refused_approval_is_a_message_not_an_error_page(client):
    first, second = make_deal(domain="acme.com"), make_deal(domain="acme.com")
    client.force_login(VendorUserFactory())
    client.post(reverse("console:deal_approve", args=[first.public_id]))
    response = client.post(
        reverse("console:deal_approve", args=[second.public_id]), follow=True
    )
    assert "protects this customer and product line until" in (
        response.content.decode()
    )


@pytest.mark.parametrize("name", ["console:deal_queue", "console:deal_list"])
def test_console_lists_take_the_same_queries_for_more_deals(client, name):
    client.force_login(VendorUserFactory())
    make_deal()
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse(name))
    for _ in range(4):
        make_deal(product_lines=("security", "cloud"))
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse(name))
    assert response.content.decode().count('data-testid="deal-row"') == 5
    assert len(five) == len(one)


def test_the_portal_list_takes_the_same_queries_for_more_deals(client):
    user = seller()
    partner = user.memberships.get().partner
    make_deal(partner=partner)
    client.force_login(user)
    client.get(reverse("portal:deal_list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("portal:deal_list"))
    for _ in range(4):
        make_deal(partner=partner)
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse("portal:deal_list"))
    assert response.content.decode().count('data-testid="deal-row"') == 5
    assert len(five) == len(one)


def test_the_partner_answers_and_marks_won_in_the_portal(client):
    user = seller()
    deal = make_deal(
        partner=user.memberships.get().partner,
        status=DealStatus.MORE_INFO_REQUESTED,
        registered_by=user,
    )
    client.force_login(user)
    client.post(reverse("portal:deal_answer", args=[deal.public_id]), {"answer": "Yes"})
    deal.refresh_from_db()
    assert deal.status == DealStatus.SUBMITTED
    Deal.objects.filter(pk=deal.pk).update(status=DealStatus.APPROVED)
    client.post(reverse("portal:deal_won", args=[deal.public_id]), {"amount": "900"})
    deal.refresh_from_db()
    assert (deal.status, str(deal.total_amount)) == (DealStatus.WON, "900.00")


def test_the_console_list_counts_up_to_a_cap_and_says_more_than(client, monkeypatch):
    monkeypatch.setattr("openprm.deals.views.PER_PAGE", 2)
    monkeypatch.setattr("openprm.core.pagination.CappedPaginator.cap", 3)
    client.force_login(VendorUserFactory())
    for _ in range(7):
        make_deal()

    first = client.get(reverse("console:deal_list")).content.decode()
    last = client.get(reverse("console:deal_list"), {"page": 4}).content.decode()

    assert "1\u20132 of more than 4" in first
    assert "7\u20137 of 7" in last
    assert last.count('data-testid="deal-row"') == 1


def test_a_deep_console_page_holds_the_next_deals_newest_first(client, monkeypatch):
    monkeypatch.setattr("openprm.deals.views.PER_PAGE", 2)
    client.force_login(VendorUserFactory())
    now = timezone.now()
    deals = [
        make_deal(title=f"Deal {n}", submitted_at=now - timedelta(hours=n))
        for n in range(5)
    ]

    page = client.get(reverse("console:deal_list"), {"page": 2}).content.decode()

    assert [title in page for title in ("Deal 1", "Deal 2", "Deal 3")] == [
        False,
        True,
        True,
    ]
    assert deals[0].title not in page


def test_the_console_list_takes_five_queries(client, django_assert_num_queries):
    """Session, user, the capped count, the page's deals (keys first) with partner
    and stage, their lines."""
    client.force_login(VendorUserFactory())
    for _ in range(3):
        make_deal(product_lines=("security", "cloud"))
    client.get(reverse("console:deal_list"))

    with django_assert_num_queries(5):
        client.get(reverse("console:deal_list"), {"status": "submitted", "page": 1})


@pytest.mark.parametrize("status", ["", DealStatus.SUBMITTED])
def test_the_console_list_page_keys_come_from_an_index_in_order(status):
    from openprm.deals import selectors

    deals = selectors.deal_list_visible_to(user=VendorUserFactory(), status=status)
    sql, params = deals.values("pk")[0:50].query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # An empty table costs nothing to sort: ask whether an index can
            # serve the order, as it must on a large one.
            for setting in ("seqscan", "bitmapscan", "sort"):
                cursor.execute(f"SET LOCAL enable_{setting} = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = "\n".join(str(row) for row in cursor.fetchall())

    index = "deals_deal_status_newest_idx" if status else "deals_deal_newest_idx"
    assert index in plan, plan
    assert "TEMP B-TREE" not in plan
    assert "Sort" not in plan
