from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.accounts.tokens.services import api_token_create, api_token_revoke
from openprm.core.models import AuditEntry, OutboxEvent


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def new_token(user, name: str = "script") -> tuple[ApiToken, str]:
    return api_token_create(user=user, name=name, actor=user)


@pytest.mark.django_db
def test_create_answers_201_with_the_secret_once(client):
    user = UserFactory()
    _, secret = new_token(user)

    response = client.post(
        "/api/v1/tokens",
        {"name": "CRM sync"},
        content_type="application/json",
        headers=bearer(secret),
    )
    listed = client.get("/api/v1/tokens", headers=bearer(secret))

    body = response.json()
    assert response.status_code == 201
    assert body["token"].startswith("opr_")
    assert body["prefix"] == body["token"][:12]
    assert (body["name"], body["is_active"]) == ("CRM sync", True)
    assert "token" not in listed.json()["items"][0]
    assert body["token"] not in listed.content.decode()


@pytest.mark.django_db
def test_the_created_token_works_at_once(client):
    user = UserFactory(email="script@example.com")
    _, secret = new_token(user)

    created = client.post(
        "/api/v1/tokens",
        {"name": "second"},
        content_type="application/json",
        headers=bearer(secret),
    ).json()

    me = client.get("/api/v1/me", headers=bearer(created["token"]))
    assert me.json()["email"] == "script@example.com"


@pytest.mark.django_db
def test_create_rejects_unknown_fields_and_a_blank_name(client):
    user = UserFactory()
    _, secret = new_token(user)
    before = ApiToken.objects.count()

    unknown = client.post(
        "/api/v1/tokens",
        {"name": "x", "user": 1},
        content_type="application/json",
        headers=bearer(secret),
    )
    blank = client.post(
        "/api/v1/tokens",
        {"name": " "},
        content_type="application/json",
        headers=bearer(secret),
    )

    assert unknown.status_code == blank.status_code == 422
    assert unknown["Content-Type"] == "application/problem+json"
    assert unknown.json()["errors"][0]["field"] == "user"
    assert blank.json()["errors"] == [
        {"field": "name", "message": "Give the token a name."}
    ]
    assert ApiToken.objects.count() == before


@pytest.mark.django_db
def test_a_user_lists_only_their_own_tokens(client):
    user, other = UserFactory(), UserFactory()
    _, secret = new_token(user, "mine")
    new_token(other, "theirs")

    response = client.get("/api/v1/tokens", headers=bearer(secret))

    assert [item["name"] for item in response.json()["items"]] == ["mine"]
    assert response.json()["count"] == 1


@pytest.mark.django_db
def test_token_list_runs_the_same_queries_for_one_token_or_many(client):
    user = UserFactory()
    _, secret = new_token(user)
    client.get("/api/v1/tokens", headers=bearer(secret))

    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/tokens", headers=bearer(secret))
    for number in range(8):
        new_token(user, f"script {number}")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/tokens", headers=bearer(secret))

    assert response.json()["count"] == 9
    # the token with its user, the count, the page
    assert len(one) == len(many) == 3


@pytest.mark.django_db
def test_revoke_answers_204_and_the_token_stops_working(client):
    user = UserFactory()
    _, secret = new_token(user)
    doomed, doomed_secret = new_token(user, "doomed")

    response = client.delete(f"/api/v1/tokens/{doomed.pk}", headers=bearer(secret))

    assert response.status_code == 204
    assert client.get("/api/v1/me", headers=bearer(doomed_secret)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200


@pytest.mark.django_db
def test_someone_elses_token_is_404_and_stays_active(client):
    user, other = UserFactory(), UserFactory()
    _, secret = new_token(user)
    theirs, _ = new_token(other, "theirs")
    before = (AuditEntry.objects.count(), OutboxEvent.objects.count())

    response = client.delete(f"/api/v1/tokens/{theirs.pk}", headers=bearer(secret))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == before


@pytest.mark.django_db
def test_a_revoked_token_is_401(client):
    user = UserFactory()
    token, secret = new_token(user)
    api_token_revoke(token=token, actor=user)

    response = client.get("/api/v1/tokens", headers=bearer(secret))

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_a_deactivated_users_token_is_401(client):
    user = UserFactory()
    _, secret = new_token(user)
    user.is_active = False
    user.save()

    assert client.get("/api/v1/tokens", headers=bearer(secret)).status_code == 401


@pytest.mark.django_db
def test_last_used_is_recorded_at_most_once_a_minute(client):
    user = UserFactory()
    token, secret = new_token(user)
    assert token.last_used_at is None

    client.get("/api/v1/me", headers=bearer(secret))
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    with CaptureQueriesContext(connection) as again:
        client.get("/api/v1/me", headers=bearer(secret))
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - timedelta(minutes=5)
    )
    client.get("/api/v1/me", headers=bearer(secret))
    later = ApiToken.objects.get(pk=token.pk).last_used_at

    assert first is not None
    assert timezone.now() - first < timedelta(seconds=30)
    assert not any("UPDATE" in query["sql"] for query in again)
    assert timezone.now() - later < timedelta(seconds=30)


@pytest.mark.django_db
def test_a_session_manages_tokens_too_with_csrf(client):
    user = VendorUserFactory()
    csrf_client = client.__class__(enforce_csrf_checks=True)
    csrf_client.force_login(user)

    without_csrf = csrf_client.post(
        "/api/v1/tokens", {"name": "web"}, content_type="application/json"
    )
    csrf_client.get("/accounts/tokens/")  # sets the CSRF cookie, as a page would
    token = csrf_client.cookies["csrftoken"].value
    with_csrf = csrf_client.post(
        "/api/v1/tokens",
        {"name": "web"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert without_csrf.status_code == 403
    assert with_csrf.status_code == 201
    assert ApiToken.objects.filter(user=user).count() == 1
