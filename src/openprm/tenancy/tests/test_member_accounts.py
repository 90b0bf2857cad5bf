"""The accounts app's identity features as a partner organisation's member meets
them: email verification, MFA, API tokens, the admin's user page. (They moved here
from accounts/tests, which knows no memberships.)"""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from openprm.accounts.tests.factories import UserFactory
from openprm.accounts.tests.test_email_flows import in_shell, path_in
from openprm.accounts.tests.test_token_api import bearer, new_token
from openprm.tenancy.tests.factories import MembershipFactory, partner_user


@pytest.fixture
def mfa_required(settings):
    settings.OPENPRM_VENDOR_MFA_REQUIRED = True
    settings.MFA_TOTP_TOLERANCE = 1  # a code computed just before a period ends


@pytest.mark.django_db
def test_email_verification_confirms_an_address(client):
    user = partner_user(user__email="sam@contoso.example")
    EmailAddress.objects.create(
        user=user, email="sam@contoso.example", primary=True, verified=False
    )
    client.force_login(user)

    client.post(
        "/accounts/email/",
        {"action_send": "", "email": "sam@contoso.example"},
    )
    confirm_page = client.get(path_in(mail.outbox[0]))
    confirmed = client.post(path_in(mail.outbox[0]), follow=True)

    assert mail.outbox[0].subject == "[OpenPRM] Please Confirm Your Email Address"
    assert in_shell(confirm_page)
    assert "sam@contoso.example" in confirm_page.content.decode()
    assert confirmed.status_code == 200
    assert EmailAddress.objects.get(user=user).verified


@pytest.mark.django_db
def test_partner_users_are_not_asked_for_totp(client, mfa_required):
    client.force_login(partner_user())

    assert client.get("/portal/").status_code == 200


@pytest.mark.django_db
def test_superuser_can_browse_users_and_partners_in_the_admin(client):
    client.force_login(UserFactory(email="root@example.com", is_superuser=True))
    MembershipFactory()

    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/partners/partner/").status_code == 200
    assert client.get("/admin/accounts/user/add/").status_code == 200


@pytest.mark.django_db
def test_a_partner_users_token_has_the_users_rights_and_no_more(client):
    membership = MembershipFactory(roles=["sales"])
    _, secret = new_token(membership.user)

    # Not an admin of anything: the audit trail and the outbox are closed to it.
    assert (
        client.get("/api/v1/audit-entries", headers=bearer(secret)).status_code == 403
    )
    assert client.get("/api/v1/events", headers=bearer(secret)).status_code == 403


@pytest.mark.django_db
def test_a_partner_user_has_a_token_page_linked_from_the_header(client):
    # The vendor staff's page: accounts/tests/test_token_views.py.
    client.force_login(partner_user())

    response = client.get("/accounts/tokens/")
    portal_or_console = client.get("/", follow=True)

    assert response.status_code == 200
    assert "You have no API tokens yet." in response.content.decode()
    assert 'href="/accounts/tokens/"' in portal_or_console.content.decode()
