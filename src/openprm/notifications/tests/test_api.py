import pytest

from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import UserFactory
from openprm.accounts.tokens.keys import hash_token, new_token_secret
from openprm.notifications import kinds
from openprm.notifications.models import NotificationPreference
from openprm.notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

kinds.register("test.api_optional", "Optional in the API")
kinds.register("test.api_required", "Required in the API", required=True)


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def headers(user):
    secret = new_token_secret()
    ApiToken.objects.create(
        user=user, name="script", prefix=secret[:12], key_hash=hash_token(secret)
    )
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("rows", [2, 9])
def test_the_list_takes_the_same_queries_for_any_number_of_rows(
    client, user, headers, rows, django_assert_num_queries
):
    NotificationFactory.create_batch(rows, recipient=user)
    NotificationFactory()
    # token with its user, last-used update, count, page
    with django_assert_num_queries(4):
        response = client.get("/api/v1/notifications", headers=headers)
    assert response.status_code == 200
    assert response.json()["count"] == rows


def test_unread_count_and_mark_read(client, user, headers):
    first, _second = NotificationFactory.create_batch(2, recipient=user)

    read = client.post(f"/api/v1/notifications/{first.public_id}/read", headers=headers)
    count = client.get("/api/v1/notifications/unread-count", headers=headers)
    marked = client.post("/api/v1/notifications/read-all", headers=headers)

    assert read.json()["read_at"] is not None
    assert count.json() == {"unread": 1}
    assert marked.json() == {"marked": 1}


def test_someone_elses_notification_is_404(client, headers):
    other = NotificationFactory()
    response = client.post(
        f"/api/v1/notifications/{other.public_id}/read", headers=headers
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_preferences_list_and_set(client, user, headers):
    response = client.put(
        "/api/v1/notifications/preferences",
        {"kind": "test.api_optional", "email_enabled": False},
        content_type="application/json",
        headers=headers,
    )
    items = {item["kind"]: item for item in response.json()}
    assert items["test.api_optional"]["email_enabled"] is False
    assert items["test.api_required"] == {
        "kind": "test.api_required",
        "label": "Required in the API",
        "required": True,
        "email_enabled": True,
    }


def test_a_required_kind_cannot_be_switched_off_through_the_api(client, user, headers):
    response = client.put(
        "/api/v1/notifications/preferences",
        {"kind": "test.api_required", "email_enabled": False},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert NotificationPreference.objects.count() == 0
