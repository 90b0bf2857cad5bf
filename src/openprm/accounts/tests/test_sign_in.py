import pytest
from django.contrib.auth import SESSION_KEY

from openprm.accounts.tests.factories import (
    TEST_PASSWORD,
    UserFactory,
    VendorUserFactory,
)


def sign_in(client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


@pytest.mark.django_db
def test_correct_password_signs_in_and_lands_on_home(client):
    user = VendorUserFactory(email="dana@example.com")

    response = sign_in(client, "Dana@Example.com", TEST_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(user.pk)


@pytest.mark.django_db
def test_wrong_password_shows_an_error_and_signs_nobody_in(client):
    VendorUserFactory(email="dana@example.com")

    response = sign_in(client, "dana@example.com", "wrong password")

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_a_deactivated_user_cannot_sign_in(client):
    UserFactory(email="gone@example.com", is_active=False)

    response = sign_in(client, "gone@example.com", TEST_PASSWORD)

    assert SESSION_KEY not in client.session
    assert response.status_code in (200, 302)
    assert response.get("Location", "") != "/"


@pytest.mark.django_db
def test_repeated_failed_sign_ins_are_rate_limited_even_with_the_right_password(client):
    VendorUserFactory(email="dana@example.com")
    for _ in range(5):
        sign_in(client, "dana@example.com", "wrong password")

    response = sign_in(client, "dana@example.com", TEST_PASSWORD)

    assert (
        "Too many failed login attempts. Try again later." in response.content.decode()
    )
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_open_sign_up_is_closed(client):
    response = client.get("/accounts/signup/")

    assert "Sign Up Closed" in response.content.decode()


@pytest.mark.django_db
def test_django_admin_opens_for_superusers_only(client):
    client.force_login(VendorUserFactory(is_staff=True))
    staff_response = client.get("/admin/")
    client.force_login(
        UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    )
    superuser_response = client.get("/admin/")

    assert staff_response.status_code == 302
    assert staff_response["Location"].startswith("/admin/login/")
    assert superuser_response.status_code == 200
