import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate

from openprm.demo.ecosystem import EcosystemBuilder
from openprm.demo.team import build_demo_invitations
from openprm.tenancy.models import Invitation, Membership


@pytest.fixture
def builder():
    builder = EcosystemBuilder(seed=2026, partner_count=40, password="demo-pass")
    builder.build()
    return builder


def statuses(**filters) -> list[tuple[str, str]]:
    return sorted(
        (invitation.email, invitation.status)
        for invitation in Invitation.objects.filter(**filters)
    )


@pytest.mark.django_db
def test_contoso_has_invitations_in_every_state(builder):
    created = build_demo_invitations(users=builder.users)

    assert created == 13
    assert statuses(partner__name="Contoso Solutions") == [
        ("jamie.lee@contoso.example", "pending"),
        ("morgan.kim@contoso.example", "pending"),
        ("old.contact@contoso.example", "revoked"),
        ("riley.park@contoso.example", "accepted"),
        ("taylor.reed@contoso.example", "expired"),
    ]
    assert statuses(partner__name="Northwind Distribution") == [
        ("ops@northwind.example", "pending"),
        ("trainee@northwind.example", "expired"),
    ]
    assert statuses(partner__isnull=True) == [
        ("new.manager@openprm.example", "pending")
    ]
    assert Invitation.objects.filter(email__startswith="new.colleague@").count() == 5


@pytest.mark.django_db
def test_invitations_come_from_partner_admins_of_their_partner(builder):
    build_demo_invitations(users=builder.users)

    for invitation in Invitation.objects.filter(partner__isnull=False):
        inviter = Membership.objects.get(
            user=invitation.invited_by, partner=invitation.partner
        )
        assert "partner_admin" in inviter.roles


@pytest.mark.django_db
def test_the_accepted_invitation_made_a_member_who_signs_in(builder):
    build_demo_invitations(users=builder.users)

    riley = authenticate(email="riley.park@contoso.example", password="demo-pass")
    invitation = Invitation.objects.get(email="riley.park@contoso.example")
    assert riley is not None
    assert invitation.accepted_by == riley
    assert riley.memberships.get().roles == ["sales"]
    assert EmailAddress.objects.get(user=riley).verified


@pytest.mark.django_db
def test_building_twice_adds_nothing(builder):
    build_demo_invitations(users=builder.users)

    assert build_demo_invitations(users=builder.users) == 0
    assert Invitation.objects.count() == 13
