import pytest

from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import UserFactory
from openprm.accounts.tokens.keys import hash_token, new_token_secret
from openprm.tenancy.tests.factories import MembershipFactory


def make_token(user) -> str:
    secret = new_token_secret()
    ApiToken.objects.create(
        user=user, name="script", prefix=secret[:12], key_hash=hash_token(secret)
    )
    return secret


@pytest.mark.django_db
def test_me_answers_for_a_valid_bearer_token(client):
    membership = MembershipFactory(user__email="chris@contoso.example")
    token = make_token(membership.user)

    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
    assert response.json()["email"] == "chris@contoso.example"
    assert response.json()["memberships"][0]["partner"] == membership.partner_id


@pytest.mark.django_db
def test_no_credentials_is_a_401_problem(client):
    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == 'Bearer realm="openprm"'


@pytest.mark.django_db
def test_a_revoked_token_or_a_deactivated_user_is_refused(client):
    user = UserFactory()
    revoked = make_token(user)
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    inactive_user = UserFactory(is_active=False)
    inactive = make_token(inactive_user)

    for token in (revoked, inactive, "opr_not-a-real-token", "garbage"):
        response = client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401


@pytest.mark.django_db
def test_the_session_authenticates_the_web_uis_own_calls(client):
    client.force_login(UserFactory(email="web@example.com"))

    assert client.get("/api/v1/me").json()["email"] == "web@example.com"


@pytest.mark.django_db
def test_the_openapi_schema_and_docs_page_are_served_without_a_cdn(client):
    schema = client.get("/api/v1/openapi.json")
    docs = client.get("/api/v1/docs")

    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "OpenPRM API"
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower()
    assert "/static/ninja/swagger-ui-bundle" in html
