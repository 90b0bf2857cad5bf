"""allauth's email verification and password reset, inside the OpenPRM shell."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail

from openprm.accounts.tests.factories import TEST_PASSWORD, UserFactory

NEW_PASSWORD = "another long passphrase"


def path_in(message) -> str:
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


def in_shell(response) -> bool:
    """Rendered inside base.html (our navbar and stylesheet)."""
    html = response.content.decode()
    return 'class="navbar-brand fw-semibold' in html and "openprm/openprm.css" in html


@pytest.mark.django_db
def test_password_reset_emails_a_link_that_sets_a_new_password(client):
    UserFactory(email="sam@contoso.example")

    form = client.get("/accounts/password/reset/")
    sent = client.post(
        "/accounts/password/reset/", {"email": "Sam@Contoso.example"}, follow=True
    )
    link = client.get(path_in(mail.outbox[0]), follow=True)
    changed = client.post(
        link.redirect_chain[-1][0],
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    signed_in = client.post(
        "/accounts/login/", {"login": "sam@contoso.example", "password": NEW_PASSWORD}
    )

    assert in_shell(form) and in_shell(sent) and in_shell(link) and in_shell(changed)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "[OpenPRM] Password Reset Email"
    assert mail.outbox[0].to == ["sam@contoso.example"]
    assert "Your password is now changed." in changed.content.decode()
    assert signed_in.status_code == 302
    assert client.session[SESSION_KEY]


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post(
        "/accounts/password/reset/", {"email": "nobody@example.com"}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/accounts/password/reset/done/"
    # allauth tells the address's owner instead of revealing that no account exists.
    assert mail.outbox[0].subject == "[OpenPRM] Unknown Account"


@pytest.mark.django_db
def test_a_deactivated_account_gets_no_reset_link(client):
    UserFactory(email="gone@contoso.example", is_active=False)

    client.post("/accounts/password/reset/", {"email": "gone@contoso.example"})

    assert [message.subject for message in mail.outbox] == ["[OpenPRM] Unknown Account"]


@pytest.mark.django_db
def test_mandatory_verification_holds_back_unverified_accounts(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    user = UserFactory(email="sam@contoso.example")
    EmailAddress.objects.create(
        user=user, email="sam@contoso.example", primary=True, verified=False
    )

    response = client.post(
        "/accounts/login/",
        {"login": "sam@contoso.example", "password": TEST_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/accounts/confirm-email/"
    assert in_shell(response)
    assert SESSION_KEY not in client.session
    assert mail.outbox[0].subject == "[OpenPRM] Please Confirm Your Email Address"


@pytest.mark.django_db
def test_optional_verification_lets_unverified_accounts_sign_in(client, settings):
    assert settings.ACCOUNT_EMAIL_VERIFICATION == "optional"
    UserFactory(email="sam@contoso.example")

    response = client.post(
        "/accounts/login/", {"login": "sam@contoso.example", "password": TEST_PASSWORD}
    )

    assert response["Location"] == "/"
    assert mail.outbox == []
