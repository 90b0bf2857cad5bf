"""Funds on the homes: what a partner's fund people must do (claim before the
deadline, use expiring funds, answer the vendor's question) and the vendor's
fund approvals and payouts, each in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.approvals import services as approvals
from openprm.core.models import AuditEntry
from openprm.core.permissions import forget_reader_facts, partner_roles_of
from openprm.core.worklist import console_queues, portal_work
from openprm.funds import selectors, services
from openprm.funds.models import FundRequest
from openprm.funds.tests import factories as f
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


def claim_soon(partner, days: int = 3):
    request = f.approved_request(partner=partner, amount="1000.00")
    FundRequest.objects.filter(pk=request.pk).update(
        claim_deadline=timezone.localdate() + datetime.timedelta(days=days)
    )
    return request


def ask(request):
    approvals.request_ask_info(
        request=request.approval,
        actor=VendorUserFactory(vendor_role="vendor_admin"),
        question="Which audience does the webinar reach?",
    )


def kinds(user, partner) -> list[str]:
    items, _activity = portal_work(user=user, partner=partner)
    return [item.kind for item in items if item.kind.startswith("Fund")]


def test_a_marketer_sees_claims_due_expiring_funds_and_questions():
    partner = PartnerFactory()
    claim_soon(partner)
    ending = f.current_period()
    ending.ends_on = timezone.localdate() + datetime.timedelta(days=10)
    ending.save()
    f.allocate(partner, f.budget(period=ending), "2000.00")
    ask(f.make_request(partner=partner))
    user = f.marketer(partner)

    items, _activity = portal_work(user=user, partner=partner)

    mine = {item.kind: item for item in items if item.kind.startswith("Fund")}
    assert set(mine) == {"Fund claim", "Funds expiring", "Fund question"}
    assert mine["Fund claim"].title == "Claim the funds of Webinar on security"
    assert mine["Fund claim"].is_overdue is False
    assert "2000.00 EUR" in mine["Funds expiring"].title
    assert mine["Fund question"].url.startswith("/portal/funds/requests/")


def test_the_home_figure_and_work_list_read_the_allocations_once(
    django_assert_num_queries,
):
    partner = PartnerFactory()
    ending = f.current_period()
    ending.ends_on = timezone.localdate() + datetime.timedelta(days=10)
    ending.save()
    f.allocate(partner, f.budget(period=ending), "2000.00")
    user = f.marketer(partner)
    partner_roles_of(user)

    # the requests to claim, the allocations, the questions
    with django_assert_num_queries(3):
        found = selectors.portal_home_work(user=user, partner=partner)
    with django_assert_num_queries(1):  # the ledger's sums, not the allocations
        figure = selectors.portal_home_funds(user=user, partner=partner)

    assert [item.kind for item in found.items] == ["Funds expiring"]
    assert figure.values == ("2,000.00 EUR",)


def test_a_claim_far_from_its_deadline_and_a_salesperson_get_nothing():
    partner = PartnerFactory()
    claim_soon(partner, days=40)
    assert kinds(f.marketer(partner), partner) == []
    claim_soon(partner)
    seller = partner_user(partner=partner, roles=[PartnerRole.SALES])
    assert kinds(seller, partner) == []


def test_the_portal_contribution_reads_three_queries_for_one_or_many(
    django_assert_num_queries,
):
    partner = PartnerFactory()
    user = f.marketer(partner)
    claim_soon(partner)
    ask(f.make_request(partner=partner))

    def new_request():  # the roles read by the page's guard; nothing else yet
        forget_reader_facts(user)
        partner_roles_of(user)

    new_request()
    # the requests to claim, the partner's allocations (which the funds figure
    # reads too, once per request), the questions
    with django_assert_num_queries(3):
        selectors.portal_home_work(user=user, partner=partner)
    for _ in range(3):
        claim_soon(partner)
        ask(f.make_request(partner=partner))
    new_request()
    with django_assert_num_queries(3):
        found = selectors.portal_home_work(user=user, partner=partner)
    assert len(found.items) == 8


def test_the_partner_answers_on_the_request_page_and_the_review_goes_on(client):
    partner = PartnerFactory()
    request = f.make_request(partner=partner)
    ask(request)
    client.force_login(f.marketer(partner))
    url = reverse("portal:fund_request_detail", args=[request.public_id])

    page = client.get(url)
    empty = client.post(
        reverse("portal:fund_request_answer", args=[request.public_id]),
        {"answer": " "},
    )
    request.approval.refresh_from_db()
    still_asked = request.approval.status
    done = client.post(
        reverse("portal:fund_request_answer", args=[request.public_id]),
        {"answer": "IT managers in Germany"},
    )

    assert "Which audience does the webinar reach?" in page.content.decode()
    assert (empty.status_code, still_asked) == (302, "info_requested")
    assert done.status_code == 302
    request.approval.refresh_from_db()
    assert request.approval.status == "in_review"
    assert AuditEntry.objects.filter(verb="approval.info_answered").count() == 1


def test_answering_when_nothing_was_asked_is_refused():
    partner = PartnerFactory()
    request = f.make_request(partner=partner)
    with pytest.raises(services.InvalidTransition):
        services.request_answer(
            actor=f.marketer(partner), request=request, answer="Hello"
        )


def _queue(user, label):
    return next((q for q in console_queues(user=user) if q.label == label), None)


def test_channel_marketing_sees_its_fund_approvals_and_finance_its_payouts():
    f.make_request(partner=PartnerFactory())
    asked = f.make_request(partner=PartnerFactory())
    ask(asked)
    request = f.approved_request(partner=PartnerFactory())
    claim = f.make_claim(request)
    services.claim_review(actor=f.reviewer(), claim=claim, approve=True)

    approvals_queue = _queue(f.reviewer(), "Fund approvals")
    payouts = _queue(f.finance(), "Fund payouts")

    assert (approvals_queue.count, approvals_queue.overdue) == (1, 0)
    assert "1 more waits" in approvals_queue.note
    assert payouts.count == 1
    assert _queue(f.finance(), "Fund approvals") is None
    assert _queue(VendorUserFactory(vendor_role="analyst"), "Fund payouts") is None


def test_the_console_queues_read_the_same_queries_for_one_or_many(
    django_assert_num_queries,
):
    user = VendorUserFactory(vendor_role="vendor_admin")
    f.make_request(partner=PartnerFactory())
    with django_assert_num_queries(2):
        selectors.console_home_queues(user=user)
    for _ in range(3):
        f.make_request(partner=PartnerFactory())
    with django_assert_num_queries(2):
        queues = selectors.console_home_queues(user=user)
    assert queues[0].count == 4
    assert queues[1].count == 0


def test_the_homes_render_the_fund_items(client):
    partner = PartnerFactory()
    claim_soon(partner)
    user = f.marketer(partner)
    client.force_login(user)
    home = client.get(reverse("portal:dashboard")).content.decode()
    assert "Claim the funds of" in home
    client.force_login(f.reviewer())
    f.make_request(partner=partner, amount=str(Decimal("10.00")))
    assert "Fund approvals" in client.get(reverse("console:dashboard")).content.decode()
