from datetime import timedelta

import pytest
from django.utils import timezone

from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.core.models import AuditEntry
from openprm.integrations.models import WebhookDelivery, WebhookEndpoint
from openprm.integrations.tests.factories import (
    OutboxEventFactory,
    WebhookAttemptFactory,
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
)
from openprm.tenancy.tests.factories import partner_user


@pytest.fixture
def admin_client(client):
    client.force_login(VendorUserFactory(email="ada@vendor.example"))
    return client


def html(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make_user",
    [
        lambda: UserFactory(vendor_role="channel_marketing"),
        lambda: UserFactory(vendor_role="analyst"),
        lambda: partner_user(),
    ],
    ids=["channel_marketing", "analyst", "partner_admin"],
)
def test_only_vendor_admins_open_the_webhook_pages(client, make_user):
    endpoint = WebhookEndpointFactory()
    client.force_login(make_user())

    assert client.get("/console/webhooks/").status_code == 403
    assert client.get(f"/console/webhooks/{endpoint.public_id}/").status_code == 403


@pytest.mark.django_db
def test_the_console_navigation_links_to_webhooks_among_the_admin_pages(admin_client):
    response = admin_client.get("/console/webhooks/")

    nav = response.context["shell_nav"]
    labels = [item["label"] for item in nav]
    webhooks = nav[labels.index("Webhooks")]
    assert (webhooks["url"], webhooks["active"]) == ("/console/webhooks/", True)
    # An administration page: after the events it sends, not before the dashboard.
    assert labels.index("Events") < labels.index("Webhooks")


@pytest.mark.django_db
def test_the_endpoint_list_shows_pending_and_failed_counts(admin_client):
    endpoint = WebhookEndpointFactory(url="https://crm.example.com/hooks")
    WebhookDeliveryFactory.create_batch(2, endpoint=endpoint)
    WebhookDeliveryFactory(endpoint=endpoint, status="failed")
    WebhookDeliveryFactory(endpoint=endpoint, status="delivered")

    response = admin_client.get("/console/webhooks/")

    [row] = response.context["endpoints"]
    assert (row.url, row.pending_count, row.failed_count) == (
        "https://crm.example.com/hooks",
        2,
        1,
    )


@pytest.mark.django_db
def test_the_endpoint_list_runs_the_same_queries_for_one_or_many_endpoints(
    admin_client, django_assert_num_queries
):
    WebhookDeliveryFactory(endpoint=WebhookEndpointFactory())
    admin_client.get("/console/webhooks/")  # warm caches

    # session, user, the endpoints with their counts
    with django_assert_num_queries(3):
        admin_client.get("/console/webhooks/")
    for _ in range(5):
        WebhookDeliveryFactory(endpoint=WebhookEndpointFactory(), status="failed")
    with django_assert_num_queries(3):
        response = admin_client.get("/console/webhooks/")
    assert len(response.context["endpoints"]) == 6


@pytest.mark.django_db
def test_an_empty_endpoint_list_says_what_webhooks_are_for(admin_client):
    response = admin_client.get("/console/webhooks/")

    assert "No webhook endpoints yet" in html(response)


@pytest.mark.django_db
def test_adding_an_endpoint_shows_its_secret_once(admin_client):
    response = admin_client.post(
        "/console/webhooks/new/",
        {
            "url": "https://crm.example.com/hooks",
            "description": "CRM",
            "event_types": "partner.*\ndeal.registered",
            "is_active": "on",
        },
    )

    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/webhooks/{endpoint.public_id}/"
    assert endpoint.event_types == ["partner.*", "deal.registered"]
    first = admin_client.get(response["Location"])
    second = admin_client.get(response["Location"])
    assert first.context["new_secret"] == endpoint.secret
    assert endpoint.secret in html(first)
    assert second.context["new_secret"] == ""
    assert endpoint.secret not in html(second)


@pytest.mark.django_db
def test_an_invalid_endpoint_form_shows_field_errors_and_adds_nothing(admin_client):
    response = admin_client.post(
        "/console/webhooks/new/",
        {"url": "file:///etc/passwd", "event_types": "Partner.Created"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "url": ["Only http:// and https:// URLs can receive webhooks."],
        "event_types": [
            "Partner.Created: use event names like partner.created, a prefix like "
            'partner.*, or "*".'
        ],
    }
    assert 'data-testid="error-url"' in html(response)
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.django_db
def test_editing_an_endpoint_changes_it(admin_client):
    endpoint = WebhookEndpointFactory(url="https://crm.example.com/a")

    form = admin_client.get(f"/console/webhooks/{endpoint.public_id}/edit/")
    response = admin_client.post(
        f"/console/webhooks/{endpoint.public_id}/edit/",
        {
            "url": "https://crm.example.com/b",
            "event_types": "lead.*",
            "is_active": "on",
        },
    )

    assert form.context["form"].initial["url"] == "https://crm.example.com/a"
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.event_types, endpoint.is_active) == (
        "https://crm.example.com/b",
        ["lead.*"],
        True,
    )


@pytest.mark.django_db
def test_an_invalid_edit_changes_nothing(admin_client):
    endpoint = WebhookEndpointFactory(url="https://crm.example.com/a")

    response = admin_client.post(
        f"/console/webhooks/{endpoint.public_id}/edit/",
        {"url": "https://crm.example.com/b", "event_types": ""},
    )

    assert response.context["form"].errors == {
        "event_types": ["This field is required."]
    }
    endpoint.refresh_from_db()
    assert endpoint.url == "https://crm.example.com/a"


@pytest.mark.django_db
def test_disabling_and_enabling_an_endpoint(admin_client):
    endpoint = WebhookEndpointFactory()
    url = f"/console/webhooks/{endpoint.public_id}/active/"

    admin_client.post(url, {"is_active": "0"})
    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    admin_client.post(url, {"is_active": "1"})
    endpoint.refresh_from_db()
    assert endpoint.is_active is True


@pytest.mark.django_db
def test_actions_that_change_things_need_a_post(admin_client):
    endpoint = WebhookEndpointFactory()
    delivery = WebhookDeliveryFactory(endpoint=endpoint)

    for url in (
        f"/console/webhooks/{endpoint.public_id}/active/",
        f"/console/webhooks/{endpoint.public_id}/test/",
        f"/console/webhooks/deliveries/{delivery.public_id}/retry/",
    ):
        assert admin_client.get(url).status_code == 405


@pytest.mark.django_db
def test_deleting_an_endpoint_asks_first_then_deletes(admin_client):
    endpoint = WebhookEndpointFactory(url="https://crm.example.com/hooks")
    url = f"/console/webhooks/{endpoint.public_id}/delete/"

    confirm = admin_client.get(url)
    assert "Delete this endpoint?" in html(confirm)
    assert WebhookEndpoint.objects.count() == 1

    response = admin_client.post(url)

    assert response["Location"] == "/console/webhooks/"
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.django_db
def test_rotating_the_secret_shows_the_new_one_once(admin_client):
    endpoint = WebhookEndpointFactory()
    old_secret = endpoint.secret
    url = f"/console/webhooks/{endpoint.public_id}/rotate-secret/"

    confirm = admin_client.get(url)
    response = admin_client.post(url, follow=True)

    endpoint.refresh_from_db()
    assert "Rotate the signing secret?" in html(confirm)
    assert "For the next 24 hours" in html(confirm)
    assert endpoint.secret != old_secret
    assert response.context["new_secret"] == endpoint.secret
    assert response.context["previous_secret_until"] == (
        endpoint.previous_secret_expires_at
    )
    assert old_secret not in html(response)


@pytest.mark.django_db
def test_sending_a_test_event_opens_its_delivery(admin_client):
    endpoint = WebhookEndpointFactory()

    response = admin_client.post(f"/console/webhooks/{endpoint.public_id}/test/")

    delivery = WebhookDelivery.objects.get()
    assert delivery.event.name == "webhook.test"
    assert response["Location"] == f"/console/webhooks/deliveries/{delivery.public_id}/"


@pytest.mark.django_db
def test_a_test_event_to_a_disabled_endpoint_is_refused_with_a_message(admin_client):
    endpoint = WebhookEndpointFactory(is_active=False)

    response = admin_client.post(
        f"/console/webhooks/{endpoint.public_id}/test/", follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "The endpoint is disabled: enable it to send to it."
    ]
    assert WebhookDelivery.objects.count() == 0


@pytest.mark.django_db
def test_the_delivery_log_filters_by_status(admin_client):
    failed = WebhookDeliveryFactory(status="failed")
    WebhookDeliveryFactory(status="delivered")

    everything = admin_client.get("/console/webhooks/deliveries/")
    only_failed = admin_client.get("/console/webhooks/deliveries/?status=failed")
    nonsense = admin_client.get("/console/webhooks/deliveries/?status=nonsense")

    assert len(everything.context["page"].object_list) == 2
    assert list(only_failed.context["page"].object_list) == [failed]
    assert len(nonsense.context["page"].object_list) == 2


@pytest.mark.django_db
def test_an_endpoint_page_shows_only_its_own_deliveries(admin_client):
    endpoint = WebhookEndpointFactory()
    own = WebhookDeliveryFactory(endpoint=endpoint)
    WebhookDeliveryFactory()

    response = admin_client.get(f"/console/webhooks/{endpoint.public_id}/")

    assert list(response.context["page"].object_list) == [own]


@pytest.mark.django_db
def test_the_delivery_log_runs_the_same_queries_for_one_or_many_rows(
    admin_client, django_assert_num_queries
):
    WebhookDeliveryFactory()
    admin_client.get("/console/webhooks/deliveries/")  # warm caches

    # session, user, count, the page (event and endpoint joined)
    with django_assert_num_queries(4):
        admin_client.get("/console/webhooks/deliveries/")
    endpoint = WebhookEndpointFactory()
    for _ in range(8):
        WebhookDeliveryFactory(endpoint=endpoint, event=OutboxEventFactory())
    with django_assert_num_queries(4):
        response = admin_client.get("/console/webhooks/deliveries/")
    assert len(response.context["page"].object_list) == 9


@pytest.mark.django_db
def test_a_delivery_page_lists_its_attempts(admin_client):
    attempt = WebhookAttemptFactory(status_code=500, response_body="database down")
    delivery = attempt.delivery
    WebhookAttemptFactory(
        delivery=delivery, number=2, status_code=None, finished_at=None, latency_ms=None
    )

    response = admin_client.get(f"/console/webhooks/deliveries/{delivery.public_id}/")

    assert [a.number for a in response.context["attempts"]] == [1, 2]
    page = html(response)
    assert delivery.webhook_id in page
    assert "In progress, or the worker stopped during the request." in page


@pytest.mark.django_db
def test_an_attempt_page_shows_the_error_and_the_response(admin_client):
    attempt = WebhookAttemptFactory(
        status_code=500, error="The receiver answered 500.", response_body="<b>down</b>"
    )

    response = admin_client.get(
        f"/console/webhooks/deliveries/{attempt.delivery.public_id}/attempts/1/"
    )

    page = html(response)
    assert response.context["attempt"] == attempt
    assert "The receiver answered 500." in page
    assert "&lt;b&gt;down&lt;/b&gt;" in page


@pytest.mark.django_db
def test_an_unknown_attempt_or_delivery_is_a_404(admin_client):
    attempt = WebhookAttemptFactory()
    delivery_url = f"/console/webhooks/deliveries/{attempt.delivery.public_id}/"

    assert admin_client.get(delivery_url + "attempts/2/").status_code == 404
    assert (
        admin_client.get(
            "/console/webhooks/deliveries/00000000-0000-0000-0000-000000000000/"
        ).status_code
        == 404
    )


@pytest.mark.django_db
def test_the_retry_button_makes_the_delivery_due_now(admin_client):
    delivery = WebhookDeliveryFactory(
        status="failed", next_attempt_at=timezone.now() + timedelta(hours=1)
    )

    response = admin_client.post(
        f"/console/webhooks/deliveries/{delivery.public_id}/retry/", follow=True
    )

    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert delivery.next_attempt_at <= timezone.now()
    assert [str(m) for m in response.context["messages"]] == [
        "The delivery will be sent again now."
    ]
    assert AuditEntry.objects.filter(verb="webhook.delivery_retried").count() == 1


@pytest.mark.django_db
def test_other_vendor_staff_do_not_see_the_webhooks_link(client):
    client.force_login(UserFactory(vendor_role="analyst"))

    response = client.get("/console/")

    assert "Webhooks" not in [item["label"] for item in response.context["shell_nav"]]


@pytest.mark.django_db
def test_the_delivery_log_counts_up_to_a_cap_and_says_more_than(
    admin_client, monkeypatch
):
    monkeypatch.setattr("openprm.integrations.webhooks.views.DELIVERIES_PER_PAGE", 2)
    monkeypatch.setattr("openprm.core.pagination.CappedPaginator.cap", 3)
    endpoint = WebhookEndpointFactory()
    for _ in range(7):
        WebhookDeliveryFactory(endpoint=endpoint, event=OutboxEventFactory())

    first = html(admin_client.get("/console/webhooks/deliveries/"))
    last = admin_client.get("/console/webhooks/deliveries/", {"page": 4})

    assert "1\u20132 of more than 4" in first
    assert "7\u20137 of 7" in html(last)
    assert len(last.context["page"].object_list) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("one_endpoint", [False, True])
def test_the_delivery_log_page_keys_come_from_an_index_in_order(one_endpoint):
    from openprm.integrations.webhooks import selectors
    from openprm.testing.plans import assert_served_by, page_keys_plan

    endpoint = WebhookEndpointFactory() if one_endpoint else None
    deliveries = selectors.webhook_delivery_list_visible_to(
        user=VendorUserFactory(), endpoint=endpoint
    )
    index = "integ_delivery_ep_new_idx" if one_endpoint else "integ_delivery_new_idx"
    assert_served_by(page_keys_plan(deliveries), index)
