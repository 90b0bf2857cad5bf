"""The team's part of the portal home: expired invitations to resend, oldest
first, and the latest people who joined (two queries)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from openprm.accounts.tests.factories import UserFactory
from openprm.core.permissions import partner_roles_of
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.selectors import HOME_ACTIVITY, portal_home_work
from openprm.tenancy.tests.factories import InvitationFactory, partner_user

pytestmark = pytest.mark.django_db


def test_expired_invitations_come_oldest_first_and_the_latest_joiners_newest_first(
    django_assert_num_queries,
):
    admin = partner_user(roles=[PartnerRole.PARTNER_ADMIN])
    partner = admin.memberships.get().partner
    now = timezone.now()
    for days in (3, 9, 5):
        InvitationFactory(
            partner=partner,
            email=f"late{days}@example.com",
            expires_at=now - timedelta(days=days),
        )
    InvitationFactory(partner=partner, email="open@example.com")
    InvitationFactory(
        partner=partner,
        email="revoked@example.com",
        expires_at=now - timedelta(days=1),
        revoked_at=now - timedelta(days=2),
    )
    for days in range(1, HOME_ACTIVITY + 3):
        InvitationFactory(
            partner=partner,
            accepted_at=now - timedelta(days=days),
            accepted_by=UserFactory(full_name=f"Joiner {days}"),
        )
    InvitationFactory(
        email="late@elsewhere.example", expires_at=now - timedelta(days=1)
    )
    partner_roles_of(admin)  # the reader's roles, read once per request

    with django_assert_num_queries(2):  # the expired, the joined
        contribution = portal_home_work(user=admin, partner=partner)

    assert [item.title for item in contribution.items] == [
        "Resend or withdraw the invitation of late9@example.com",
        "Resend or withdraw the invitation of late5@example.com",
        "Resend or withdraw the invitation of late3@example.com",
    ]
    assert [entry.text for entry in contribution.activity] == [
        f"Joiner {days} joined the team." for days in range(1, HOME_ACTIVITY + 1)
    ]
