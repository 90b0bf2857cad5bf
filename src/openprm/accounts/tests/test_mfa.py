import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.accounts.tokens.keys import hash_token, new_token_secret

ACTIVATE_URL = "/accounts/2fa/totp/activate/"


@pytest.fixture
def mfa_required(settings):
    settings.OPENPRM_VENDOR_MFA_REQUIRED = True
    settings.MFA_TOTP_TOLERANCE = 1  # a code computed just before a period ends


def sign_in(client, email: str):
    return client.post(
        "/accounts/login/", {"login": email, "password": TEST_PASSWORD}, follow=True
    )


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def with_totp(user):
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.mark.django_db
def test_the_setting_is_off_by_default(client, settings):
    assert settings.OPENPRM_VENDOR_MFA_REQUIRED is False
    client.force_login(VendorUserFactory())

    assert client.get("/console/").status_code == 200


@pytest.mark.django_db
def test_vendor_staff_without_totp_are_sent_to_set_it_up(client, mfa_required):
    client.force_login(VendorUserFactory(vendor_role="analyst"))

    console = client.get("/console/")
    portal = client.get("/portal/")

    assert console.status_code == 302
    assert console["Location"] == ACTIVATE_URL
    assert portal["Location"] == ACTIVATE_URL


@pytest.mark.django_db
def test_signing_in_lands_on_the_set_up_page(client, mfa_required):
    VendorUserFactory(email="alex@vendor.example")

    response = sign_in(client, "alex@vendor.example")

    assert response.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")
    assert "Set up two-factor authentication to continue" in (response.content.decode())


@pytest.mark.django_db
def test_setting_up_totp_opens_the_console(client, mfa_required):
    staff = VendorUserFactory(email="alex@vendor.example")
    sign_in(client, "alex@vendor.example")
    client.post(
        f"/accounts/reauthenticate/?next={ACTIVATE_URL}", {"password": TEST_PASSWORD}
    )
    form = client.get(ACTIVATE_URL)
    secret = client.session["mfa.totp.secret"]

    activated = client.post(ACTIVATE_URL, {"code": current_code(secret)})
    console = client.get("/console/")

    assert form.status_code == 200
    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=staff, type="totp").count() == 1
    assert console.status_code == 200


@pytest.mark.django_db
def test_the_set_up_page_names_openprm_as_the_issuer(client, mfa_required):
    VendorUserFactory(email="alex@vendor.example")
    sign_in(client, "alex@vendor.example")
    client.post(
        f"/accounts/reauthenticate/?next={ACTIVATE_URL}", {"password": TEST_PASSWORD}
    )

    response = client.get(ACTIVATE_URL)

    assert response.context["totp_url"].startswith(
        "otpauth://totp/alex%40vendor.example?secret="
    )
    assert response.context["totp_url"].endswith("&issuer=OpenPRM")


@pytest.mark.django_db
def test_staff_with_totp_go_about_their_work(client, mfa_required):
    client.force_login(with_totp(VendorUserFactory()))

    assert client.get("/console/").status_code == 200


@pytest.mark.django_db
def test_sign_out_and_health_stay_open(client, mfa_required):
    client.force_login(VendorUserFactory())

    assert client.get("/health/").status_code == 200
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"


@pytest.mark.django_db
def test_session_api_calls_are_refused_until_totp_is_set_up(client, mfa_required):
    client.force_login(VendorUserFactory())

    response = client.get("/api/v1/me")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "mfa_required"


@pytest.mark.django_db
def test_api_tokens_are_not_affected(client, mfa_required):
    staff = VendorUserFactory()
    secret = new_token_secret()
    ApiToken.objects.create(
        user=staff, name="script", prefix=secret[:12], key_hash=hash_token(secret)
    )

    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 200


@pytest.mark.django_db
def test_vendor_staff_cannot_remove_a_required_authenticator(client, mfa_required):
    staff = with_totp(VendorUserFactory(email="alex@vendor.example"))
    client.force_login(staff)
    client.post(
        "/accounts/reauthenticate/?next=/accounts/2fa/", {"password": TEST_PASSWORD}
    )

    response = client.post("/accounts/2fa/totp/deactivate/")

    assert Authenticator.objects.filter(user=staff, type="totp").count() == 1
    assert response.context["form"].errors == {
        "__all__": ["You cannot deactivate two-factor authentication."]
    }


@pytest.mark.django_db
def test_an_authenticator_is_asked_for_at_sign_in(client):
    with_totp(VendorUserFactory(email="alex@vendor.example"))

    response = client.post(
        "/accounts/login/", {"login": "alex@vendor.example", "password": TEST_PASSWORD}
    )

    assert response["Location"] == "/accounts/2fa/authenticate/"
