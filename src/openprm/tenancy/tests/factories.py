import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from openprm.accounts.models import User
from openprm.accounts.tests.factories import UserFactory
from openprm.accounts.tokens.keys import hash_token
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.models import Invitation, Membership


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerFactory)
    roles = factory.LazyFunction(lambda: [PartnerRole.PARTNER_ADMIN])


def partner_user(**membership_fields) -> User:
    """A user who is a member of a partner (a new one unless ``partner`` is given)."""
    return MembershipFactory(**membership_fields).user


class InvitationFactory(factory.django.DjangoModelFactory):
    """A pending partner invitation; ``invitation.token`` is its link's secret."""

    class Meta:
        model = Invitation

    partner = factory.SubFactory(PartnerFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    roles = factory.LazyFunction(lambda: [PartnerRole.SALES])
    vendor_role = ""
    invited_by = None
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))

    @classmethod
    def _create(cls, model_class, **fields):
        token = fields.pop("token", None) or secrets.token_urlsafe(32)
        invitation = model_class.objects.create(token_hash=hash_token(token), **fields)
        invitation.token = token
        return invitation
