import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.accounts.tokens.keys import hash_token
from openprm.accounts.tokens.services import api_token_create
from openprm.core.models import AuditEntry


@pytest.mark.django_db
def test_every_signed_in_user_has_a_token_page_linked_from_the_header(client):
    # A partner user's page: tenancy/tests/test_member_accounts.py.
    client.force_login(VendorUserFactory())

    response = client.get("/accounts/tokens/")
    portal_or_console = client.get("/", follow=True)

    assert response.status_code == 200
    assert "You have no API tokens yet." in response.content.decode()
    assert 'href="/accounts/tokens/"' in portal_or_console.content.decode()


@pytest.mark.django_db
def test_creating_shows_the_token_once_with_a_copy_button(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post("/accounts/tokens/new/", {"name": "CRM sync"})

    html = response.content.decode()
    secret = response.context["secret"]
    token = ApiToken.objects.get(user=user)
    assert response.status_code == 200
    assert token.key_hash == hash_token(secret)
    assert f'value="{secret}"' in html
    assert 'data-copy-target="#new-token"' in html
    assert "no-store" in response["Cache-Control"]
    assert secret not in client.get("/accounts/tokens/").content.decode()


@pytest.mark.django_db
def test_a_blank_name_shows_the_form_again_and_creates_nothing(client):
    client.force_login(UserFactory())

    response = client.post("/accounts/tokens/new/", {"name": ""})

    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert ApiToken.objects.count() == 0


@pytest.mark.django_db
def test_the_list_shows_own_tokens_with_prefix_dates_and_state(client):
    user, other = UserFactory(), UserFactory()
    active, _ = api_token_create(user=user, name="CRM sync", actor=user)
    revoked, _ = api_token_create(user=user, name="old script", actor=user)
    client.force_login(user)
    client.post(f"/accounts/tokens/{revoked.pk}/revoke/")
    api_token_create(user=other, name="not yours", actor=other)

    response = client.get("/accounts/tokens/")

    html = response.content.decode()
    assert [token.name for token in response.context["page"].object_list] == [
        "old script",
        "CRM sync",
    ]
    assert f"{active.prefix}…" in html
    assert "never" in html
    assert "Revoked" in html
    assert "not yours" not in html


@pytest.mark.django_db
def test_the_list_runs_the_same_queries_for_one_token_or_many(client):
    user = UserFactory()
    api_token_create(user=user, name="first", actor=user)
    client.force_login(user)
    client.get("/accounts/tokens/")

    with CaptureQueriesContext(connection) as one:
        client.get("/accounts/tokens/")
    for number in range(6):
        api_token_create(user=user, name=f"script {number}", actor=user)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/accounts/tokens/")

    assert len(response.context["page"].object_list) == 7
    # session, user, count, page
    assert len(one) == len(many) == 4


@pytest.mark.django_db
def test_revoke_is_a_post_that_redirects_with_a_message(client):
    user = UserFactory()
    token, _ = api_token_create(user=user, name="old script", actor=user)
    client.force_login(user)

    by_get = client.get(f"/accounts/tokens/{token.pk}/revoke/")
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/", follow=True)

    assert by_get.status_code == 405
    assert response.redirect_chain == [("/accounts/tokens/", 302)]
    assert "was revoked" in response.content.decode()
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


@pytest.mark.django_db
def test_revoke_needs_the_csrf_token(client):
    user = UserFactory()
    token, _ = api_token_create(user=user, name="old script", actor=user)
    csrf_client = client.__class__(enforce_csrf_checks=True)
    csrf_client.force_login(user)

    response = csrf_client.post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response.status_code == 403
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


@pytest.mark.django_db
def test_someone_elses_token_cannot_be_revoked_from_the_page(client):
    owner = UserFactory()
    token, _ = api_token_create(user=owner, name="mine", actor=owner)
    entries = AuditEntry.objects.count()
    client.force_login(UserFactory())

    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert AuditEntry.objects.count() == entries
