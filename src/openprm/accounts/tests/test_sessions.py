"""The session and user read by compiled SQL (accounts/sessions.py) answer as
Django's database sessions and ModelBackend do."""

from datetime import timedelta

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, get_user
from django.contrib.sessions.models import Session
from django.test import RequestFactory
from django.utils import timezone

from openprm.accounts.models import User
from openprm.accounts.sessions import AuthenticationBackend, ModelBackend
from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    return client.session.session_key


def api_status(client) -> int:
    return client.get("/api/v1/partners?limit=1").status_code


def test_a_signed_in_session_reads_the_user_in_two_queries(
    client, django_assert_num_queries
):
    user = VendorUserFactory(territories=["EMEA"])
    sign_in(client, user)
    request = RequestFactory().get("/")
    request.session = client.session
    request.session._session_cache = None
    del request.session._session_cache

    with django_assert_num_queries(2):  # the session, the user
        signed_in = get_user(request)

    from_orm = User.objects.get(pk=user.pk)
    assert client.session[BACKEND_SESSION_KEY].startswith("openprm.accounts.sessions.")
    assert {
        field.attname: getattr(signed_in, field.attname)
        for field in signed_in._meta.concrete_fields
    } == {
        field.attname: getattr(from_orm, field.attname)
        for field in from_orm._meta.concrete_fields
    }
    assert signed_in.territories == ["EMEA"]
    assert signed_in.is_active is True
    assert timezone.is_aware(signed_in.date_joined)


def test_an_expired_session_signs_nobody_in(client):
    user = VendorUserFactory()
    key = sign_in(client, user)
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    assert api_status(client) == 401


def test_a_deactivated_user_is_signed_out(client):
    user = VendorUserFactory()
    sign_in(client, user)
    assert api_status(client) == 200
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert api_status(client) == 401


def test_a_changed_password_ends_other_sessions(client):
    user = VendorUserFactory()
    sign_in(client, user)
    user.set_password("another long password 123")
    user.save(update_fields=["password"])

    assert api_status(client) == 401


def test_a_deleted_session_signs_nobody_in(client):
    user = VendorUserFactory()
    key = sign_in(client, user)
    Session.objects.filter(session_key=key).delete()

    assert api_status(client) == 401
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
def test_the_backends_find_active_users_only(backend):
    active = VendorUserFactory()
    inactive = VendorUserFactory(is_active=False)

    assert backend().get_user(active.pk) == active
    assert backend().get_user(inactive.pk) is None
    assert backend().get_user(inactive.pk + 1000) is None
