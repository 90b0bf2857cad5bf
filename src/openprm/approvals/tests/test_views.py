"""The console's Approvals pages: my queue (with its SLA), a request's page with
its history and actions, and the absence form."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.approvals import services
from openprm.approvals.models import Delegation, Request
from openprm.approvals.rules import Facts
from openprm.approvals.tests import subject
from openprm.approvals.tests.factories import ChainStepFactory, QueueFactory

pytestmark = pytest.mark.django_db

QUEUE = "/console/approvals/"


def start(label="Webinar", amount="1000", object_id="x"):
    return services.request_start(
        kind=subject.KIND,
        object_id=object_id,
        subject_label=label,
        facts=Facts(amount=Decimal(amount), currency="EUR"),
    )


@pytest.fixture
def approver(client):
    user = UserFactory(vendor_role="channel_manager", email="cm@vendor.example")
    team = QueueFactory(name="Marketing approvers", members=[user])
    ChainStepFactory(position=1, name="Marketing", queue=team)
    client.force_login(user)
    return user


def test_my_queue_runs_the_same_queries_for_one_or_many(
    client, approver, django_assert_num_queries
):
    start("First", object_id="1")
    client.get(QUEUE)
    with django_assert_num_queries(4):  # session, user, count, page
        response = client.get(QUEUE)
    assert len(response.context["rows"]) == 1
    for n in range(4):
        start(f"Request {n}", object_id=f"r{n}")
    with django_assert_num_queries(4):  # session, user, count, page
        response = client.get(QUEUE)
    assert len(response.context["rows"]) == 5
    page = response.content.decode()
    assert "Marketing approvers" in page
    assert "1,000.00 EUR" in page


def test_an_overdue_request_is_highlighted_and_listed_first(client, approver):
    late = start("Late one", object_id="late")
    start("On time", object_id="ok")
    Request.objects.filter(pk=late.pk).update(
        due_at=timezone.now() - timedelta(hours=1)
    )
    response = client.get(QUEUE)
    rows = response.context["rows"]
    assert [approval.subject_label for approval, _label in rows] == [
        "Late one",
        "On time",
    ]
    assert response.content.decode().count('data-testid="overdue"') == 1


def test_an_approver_sees_only_their_queues(client):
    other = UserFactory(vendor_role="channel_manager")
    ChainStepFactory(position=1, user=other)
    start("Someone else's")
    client.force_login(UserFactory(vendor_role="channel_manager"))
    response = client.get(QUEUE)
    assert response.context["rows"] == []
    assert "Nothing waits on you" in response.content.decode()
    request = Request.objects.get()
    assert client.get(f"{QUEUE}{request.public_id}/").status_code == 404


def test_the_filters_narrow_the_queue(client, approver):
    start("Webinar in Oslo", object_id="1")
    start("Trade show", object_id="2")
    response = client.get(QUEUE, {"q": "oslo", "kind": subject.KIND})
    assert [a.subject_label for a, _ in response.context["rows"]] == ["Webinar in Oslo"]


def test_approving_from_the_request_page_decides_and_shows_in_the_history(
    client, approver
):
    request = start()
    page = client.get(f"{QUEUE}{request.public_id}/")
    assert page.status_code == 200
    assert 'data-testid="approve"' in page.content.decode()
    response = client.post(
        f"{QUEUE}{request.public_id}/approve/", {"note": "Good plan"}, follow=True
    )
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.status == "approved"
    history = response.content.decode()
    assert "Good plan" in history and "cm@vendor.example" in history
    assert subject.told[-1] == ("approved", "x", "Good plan")


def test_rejecting_without_a_reason_changes_nothing(client, approver):
    request = start()
    client.post(f"{QUEUE}{request.public_id}/reject/", {"reason": ""}, follow=True)
    request.refresh_from_db()
    assert request.status == "in_review"


def test_the_absence_form_records_a_delegate(client, approver):
    stand_in = UserFactory(vendor_role="channel_manager", email="sam@vendor.example")
    today = timezone.localdate()
    response = client.post(
        f"{QUEUE}absences/",
        {
            "delegate": stand_in.pk,
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=3)).isoformat(),
        },
        follow=True,
    )
    assert response.status_code == 200
    delegation = Delegation.objects.get()
    assert (delegation.user, delegation.delegate) == (approver, stand_in)
    assert "sam@vendor.example" in response.content.decode()


def test_the_absence_form_shows_bad_dates_on_the_field(client, approver):
    stand_in = UserFactory(vendor_role="channel_manager")
    today = timezone.localdate()
    response = client.post(
        f"{QUEUE}absences/",
        {
            "delegate": stand_in.pk,
            "starts_on": today.isoformat(),
            "ends_on": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"]
    assert Delegation.objects.count() == 0


def test_a_vendor_admin_sees_every_open_request(client):
    ChainStepFactory(position=1, user=UserFactory(vendor_role="channel_manager"))
    start("Anyone's")
    client.force_login(VendorUserFactory())
    response = client.get(QUEUE, {"view": "open"})
    assert [a.subject_label for a, _ in response.context["rows"]] == ["Anyone's"]
