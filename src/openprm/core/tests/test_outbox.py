"""The outbox as vendor admins see it: events, deliveries, failures, replay."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.accounts.tokens.services import api_token_create
from openprm.core import context, events, services
from openprm.core.errors import PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent, SubscriberDelivery
from openprm.tenancy.tests.factories import MembershipFactory

failing = {"ledger": False}


@events.subscriber("outbox_tests.ledger", events=["outbox_tests.*"])
def ledger(event: OutboxEvent) -> None:
    if failing["ledger"]:
        raise ConnectionError("ledger is down")


@events.subscriber("outbox_tests.mailer", events=["outbox_tests.*"])
def mailer(event: OutboxEvent) -> None:
    """Always succeeds."""


@pytest.fixture(autouse=True)
def _ledger_works():
    failing["ledger"] = False
    yield
    failing["ledger"] = False


@pytest.fixture
def emit(django_capture_on_commit_callbacks):
    def emit(name="outbox_tests.happened", *, fail=False, partner_id=None, **payload):
        failing["ledger"] = fail
        with (
            django_capture_on_commit_callbacks(execute=True),
            context.acting(request_id=f"req-{name}"),
        ):
            event = events.emit(name, payload=payload, partner_id=partner_id)
        failing["ledger"] = False
        return event

    return emit


def token_for(user) -> dict:
    _, secret = api_token_create(user=user, name="test", actor=user)
    return {"Authorization": f"Bearer {secret}"}


def states(event) -> dict[str, tuple[str, int]]:
    """The deliveries to this module's subscribers (other apps subscribe too)."""
    return {
        delivery.subscriber: (delivery.status, delivery.attempts)
        for delivery in SubscriberDelivery.objects.filter(
            event=event, subscriber__startswith="outbox_tests."
        )
    }


def delivery_count(event) -> int:
    return SubscriberDelivery.objects.filter(event=event).count()


# --- the API


@pytest.mark.django_db
def test_the_list_shows_each_subscribers_delivery_with_failures(client, emit):
    event = emit(fail=True, n=1)
    headers = token_for(VendorUserFactory())

    response = client.get("/api/v1/events?name=outbox_tests.happened", headers=headers)

    item = response.json()["items"][0]
    assert response.json()["count"] == 1
    assert (item["id"], item["name"], item["version"]) == (
        str(event.uuid),
        "outbox_tests.happened",
        1,
    )
    assert "payload" not in item
    deliveries = {delivery["subscriber"]: delivery for delivery in item["deliveries"]}
    assert deliveries["outbox_tests.ledger"]["status"] == "pending"
    assert deliveries["outbox_tests.ledger"]["attempts"] == 1
    assert deliveries["outbox_tests.ledger"]["last_error"] == (
        "ConnectionError: ledger is down"
    )
    assert deliveries["outbox_tests.mailer"]["status"] == "delivered"


@pytest.mark.django_db
def test_failures_are_filterable(client, emit):
    retrying = emit("outbox_tests.retrying", fail=True)
    given_up = emit("outbox_tests.given_up", fail=True)
    SubscriberDelivery.objects.filter(
        event=given_up, subscriber="outbox_tests.ledger"
    ).update(status="failed")
    emit("outbox_tests.fine")
    headers = token_for(VendorUserFactory())

    def names(query: str) -> list[str]:
        response = client.get(f"/api/v1/events?{query}", headers=headers)
        assert response.status_code == 200, response.content
        return [item["name"] for item in response.json()["items"]]

    assert names("delivery=failed") == ["outbox_tests.given_up"]
    assert names("delivery=retrying") == ["outbox_tests.retrying"]
    assert names("delivery=retrying&subscriber=outbox_tests.mailer") == []
    assert names("subscriber=outbox_tests.ledger&delivery=delivered") == [
        "outbox_tests.fine"
    ]
    assert names(f"request_id=req-{retrying.name}") == ["outbox_tests.retrying"]


@pytest.mark.django_db
def test_the_detail_has_the_payload_and_every_delivery(client, emit):
    event = emit(fail=True, partner_id=7, deal="D-1")

    response = client.get(
        f"/api/v1/events/{event.uuid}", headers=token_for(VendorUserFactory())
    )

    body = response.json()
    assert body["payload"] == {"deal": "D-1"}
    assert body["partner"] == 7
    deliveries = [
        delivery
        for delivery in body["deliveries"]
        if delivery["subscriber"].startswith("outbox_tests.")
    ]
    assert [delivery["subscriber"] for delivery in deliveries] == [
        "outbox_tests.ledger",
        "outbox_tests.mailer",
    ]
    assert len(body["deliveries"]) == delivery_count(event)
    assert deliveries[0]["next_attempt_at"] is not None


@pytest.mark.django_db
def test_an_unknown_event_is_404(client):
    response = client.get(
        "/api/v1/events/00000000-0000-4000-8000-000000000000",
        headers=token_for(VendorUserFactory()),
    )

    assert response.status_code == 404


@pytest.mark.django_db
def test_replay_queues_the_deliveries_again_and_is_audited(
    client, emit, django_capture_on_commit_callbacks
):
    event = emit(fail=True)
    admin = VendorUserFactory(email="ops@vendor.example")
    headers = token_for(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/events/{event.uuid}/replay",
            content_type="application/json",
            headers=headers,
        )

    entry = AuditEntry.objects.get(verb="outbox_event.replayed")
    assert response.status_code == 202
    assert response.json() == {
        "event": str(event.uuid),
        "deliveries": delivery_count(event),
    }
    assert states(event) == {
        "outbox_tests.ledger": ("delivered", 2),
        "outbox_tests.mailer": ("delivered", 2),
    }
    assert (entry.actor, entry.object_id, entry.token_label) == (
        admin,
        str(event.pk),
        "test",
    )
    assert entry.changes["delivery:outbox_tests.ledger"] == ["pending", "pending"]
    assert entry.changes["delivery:outbox_tests.mailer"] == ["delivered", "pending"]
    assert len(entry.changes) == delivery_count(event)


@pytest.mark.django_db
def test_replay_to_one_subscriber(client, emit, django_capture_on_commit_callbacks):
    event = emit(fail=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/events/{event.uuid}/replay",
            {"subscriber": "outbox_tests.ledger"},
            content_type="application/json",
            headers=token_for(VendorUserFactory()),
        )

    assert response.json()["deliveries"] == 1
    assert states(event) == {
        "outbox_tests.ledger": ("delivered", 2),
        "outbox_tests.mailer": ("delivered", 1),
    }


@pytest.mark.django_db
def test_replay_to_an_unknown_subscriber_is_422_and_changes_nothing(client, emit):
    event = emit(fail=True)
    headers = token_for(VendorUserFactory())
    before = (states(event), AuditEntry.objects.count())

    response = client.post(
        f"/api/v1/events/{event.uuid}/replay",
        {"subscriber": "nobody"},
        content_type="application/json",
        headers=headers,
    )
    unknown_field = client.post(
        f"/api/v1/events/{event.uuid}/replay",
        {"subscribers": ["x"]},
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == unknown_field.status_code == 422
    assert response.json()["errors"][0]["field"] == "subscriber"
    assert (states(event), AuditEntry.objects.count()) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make_user",
    [
        lambda: MembershipFactory().user,  # a partner admin
        lambda: UserFactory(vendor_role="channel_manager"),
        lambda: UserFactory(vendor_role="analyst"),
    ],
    ids=["partner_admin", "channel_manager", "analyst"],
)
def test_only_vendor_admins_read_or_replay_events(client, emit, make_user):
    event = emit(fail=True)
    headers = token_for(make_user())
    before = (states(event), AuditEntry.objects.count())

    listed = client.get("/api/v1/events", headers=headers)
    detail = client.get(f"/api/v1/events/{event.uuid}", headers=headers)
    replay = client.post(
        f"/api/v1/events/{event.uuid}/replay",
        content_type="application/json",
        headers=headers,
    )

    assert [listed.status_code, detail.status_code, replay.status_code] == [403] * 3
    assert (states(event), AuditEntry.objects.count()) == before


@pytest.mark.django_db
def test_the_list_runs_the_same_queries_for_one_event_or_a_full_page(client, emit):
    headers = token_for(VendorUserFactory())
    emit(fail=True)
    client.get("/api/v1/events", headers=headers)

    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/events?name=outbox_tests.happened", headers=headers)
    for number in range(12):
        emit(fail=bool(number % 2), n=number)
    with CaptureQueriesContext(connection) as many:
        response = client.get(
            "/api/v1/events?name=outbox_tests.happened", headers=headers
        )

    assert response.json()["count"] == 13
    # token with its user, count, page, the page's deliveries
    assert len(one) == len(many) == 4


# --- the service


@pytest.mark.django_db
def test_the_replay_service_refuses_anyone_but_a_vendor_admin(emit):
    event = emit(fail=True)
    before = (states(event), AuditEntry.objects.count())

    with pytest.raises(PermissionDenied):
        services.outbox_event_replay(
            event=event, actor=UserFactory(vendor_role="finance")
        )

    assert (states(event), AuditEntry.objects.count()) == before


@pytest.mark.django_db
def test_the_replay_service_hands_new_subscribers_their_delivery(emit):
    event = emit()
    SubscriberDelivery.objects.filter(
        event=event, subscriber="outbox_tests.mailer"
    ).delete()

    count = services.outbox_event_replay(event=event, actor=VendorUserFactory())

    assert count == delivery_count(event)
    assert states(event)["outbox_tests.mailer"] == ("pending", 0)


@pytest.mark.django_db
def test_the_replay_service_names_the_missing_subscriber(emit):
    event = emit()

    with pytest.raises(ValidationFailed) as raised:
        services.outbox_event_replay(
            event=event, actor=VendorUserFactory(), subscriber="nobody"
        )

    assert list(raised.value.field_errors) == ["subscriber"]


# --- the console pages


@pytest.mark.django_db
def test_the_console_lists_events_with_delivery_badges(client, emit):
    emit(fail=True)
    client.force_login(VendorUserFactory())

    response = client.get("/console/events/", {"name": "outbox_tests.happened"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "outbox_tests.ledger: retrying" in html
    assert "outbox_tests.mailer: delivered" in html
    assert ">Events</a>" in html


@pytest.mark.django_db
def test_the_console_filters_failed_deliveries(client, emit):
    emit("outbox_tests.fine")
    broken = emit("outbox_tests.broken", fail=True)
    SubscriberDelivery.objects.filter(
        event=broken, subscriber="outbox_tests.ledger"
    ).update(status="failed")
    client.force_login(VendorUserFactory())

    response = client.get("/console/events/", {"delivery": "failed"})

    assert [event.name for event in response.context["page"].object_list] == [
        "outbox_tests.broken"
    ]


@pytest.mark.django_db
def test_the_console_list_runs_the_same_queries_for_one_event_or_a_full_page(
    client, emit
):
    emit()
    client.force_login(VendorUserFactory())
    client.get("/console/events/")

    with CaptureQueriesContext(connection) as one:
        client.get("/console/events/")
    for number in range(12):
        emit(fail=bool(number % 2), n=number)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/console/events/")

    assert len(response.context["page"].object_list) == 13
    # session, user, count, page, deliveries (the partner picker searches on the
    # server: it lists no partner)
    assert len(one) == len(many) == 5


@pytest.mark.django_db
def test_the_console_detail_shows_payload_errors_and_next_attempt(client, emit):
    event = emit(fail=True, deal="D-1")
    client.force_login(VendorUserFactory())

    response = client.get(f"/console/events/{event.uuid}/")

    html = response.content.decode()
    assert "&quot;deal&quot;: &quot;D-1&quot;" in html
    assert "ConnectionError: ledger is down" in html
    assert f"/console/events/{event.uuid}/replay/" in html
    assert f"/console/audit/?request_id=req-{event.name}" in html


@pytest.mark.django_db
def test_the_replay_button_queues_the_event_again(
    client, emit, django_capture_on_commit_callbacks
):
    event = emit(fail=True)
    client.force_login(VendorUserFactory())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/console/events/{event.uuid}/replay/",
            {"subscriber": "outbox_tests.ledger"},
            follow=True,
        )

    assert response.redirect_chain == [(f"/console/events/{event.uuid}/", 302)]
    assert "1 delivery was queued again." in response.content.decode()
    assert states(event)["outbox_tests.ledger"] == ("delivered", 2)


@pytest.mark.django_db
def test_the_replay_button_explains_an_unknown_subscriber(client, emit):
    event = emit()
    client.force_login(VendorUserFactory())

    response = client.post(
        f"/console/events/{event.uuid}/replay/", {"subscriber": "nobody"}, follow=True
    )

    assert "no delivery to that subscriber" in response.content.decode()
    assert AuditEntry.objects.filter(verb="outbox_event.replayed").count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["channel_manager", "channel_marketing", "analyst"])
def test_other_vendor_roles_cannot_open_or_replay_events(client, emit, role):
    event = emit(fail=True)
    client.force_login(UserFactory(vendor_role=role))
    before = states(event)

    assert client.get("/console/events/").status_code == 403
    assert client.get(f"/console/events/{event.uuid}/").status_code == 403
    assert client.post(f"/console/events/{event.uuid}/replay/").status_code == 403
    assert states(event) == before
    assert ">Events</a>" not in client.get("/console/").content.decode()
