"""Whose administration records (the audit trail) a user may read."""

import pytest

from openprm.accounts.tests.factories import UserFactory
from openprm.core.scoping import admin_scope_for, scope_for
from openprm.partners.scoping import NOTHING, PartnerScope
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory


@pytest.mark.django_db
def test_a_vendor_admin_administers_everything():
    user = UserFactory(vendor_role="vendor_admin")

    assert admin_scope_for(user) == PartnerScope(everything=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["channel_manager", "channel_marketing", "finance", "analyst"]
)
def test_other_vendor_roles_administer_nothing(role):
    assert admin_scope_for(UserFactory(vendor_role=role)) == NOTHING


@pytest.mark.django_db
def test_a_partner_admin_administers_only_where_they_hold_the_role():
    admin_of, sales_at = PartnerFactory(), PartnerFactory()
    user = MembershipFactory(partner=admin_of, roles=["partner_admin"]).user
    MembershipFactory(user=user, partner=sales_at, roles=["sales"])

    scope = admin_scope_for(user)

    assert scope == PartnerScope(partner_ids=frozenset({admin_of.pk}))
    assert scope.partner_ids < scope_for(user).partner_ids


@pytest.mark.django_db
def test_a_distributor_admin_does_not_administer_the_partners_beneath_it():
    distributor = PartnerFactory(partner_type="distributor", downstream_visibility=True)
    user = MembershipFactory(partner=distributor).user

    assert admin_scope_for(user) == PartnerScope(
        partner_ids=frozenset({distributor.pk})
    )


@pytest.mark.django_db
def test_inactive_memberships_terminated_partners_and_inactive_users_count_not():
    user = MembershipFactory(is_active=False).user
    terminated = MembershipFactory(partner=PartnerFactory(status="terminated")).user
    deactivated = MembershipFactory(user__is_active=False).user

    assert admin_scope_for(user) == NOTHING
    assert admin_scope_for(terminated) == NOTHING
    assert admin_scope_for(deactivated) == NOTHING


@pytest.mark.django_db
def test_the_scope_is_computed_once_per_user_object(django_assert_num_queries):
    user = MembershipFactory().user

    with django_assert_num_queries(1):
        admin_scope_for(user)
        admin_scope_for(user)
