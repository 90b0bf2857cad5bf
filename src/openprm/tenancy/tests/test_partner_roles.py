"""Which partner roles a user holds where (``core.permissions.partner_roles_of``, the
rule registered by tenancy), and the rules that read them."""

import pytest
from django.contrib.auth.models import AnonymousUser

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.permissions import Rule, forget_reader_facts, partner_roles_of
from openprm.core.scoping import scope_for
from openprm.partners.scoping import NOTHING
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory

SELL = Rule("tenancy_tests.sell", partner=["sales"])


@pytest.mark.django_db
def test_roles_are_those_of_active_memberships_in_partners_not_terminated():
    membership = MembershipFactory(roles=["sales", "marketing"])
    user = membership.user
    MembershipFactory(user=user, roles=["partner_admin"], is_active=False)
    MembershipFactory(
        user=user,
        partner=PartnerFactory(status="terminated"),
        roles=["partner_admin"],
    )

    assert partner_roles_of(user) == {
        membership.partner_id: frozenset({"sales", "marketing"})
    }


@pytest.mark.django_db
def test_roles_are_read_in_one_query_once_per_user_object(django_assert_num_queries):
    user = MembershipFactory(roles=["sales"]).user

    with django_assert_num_queries(1):
        partner_roles_of(user)
        partner_roles_of(user)


@pytest.mark.django_db
def test_forgetting_the_reader_facts_reads_the_roles_again():
    membership = MembershipFactory(roles=["sales"])
    user = membership.user
    assert SELL.allows(user, partner_id=membership.partner_id)

    membership.roles = ["learner"]
    membership.save()
    forget_reader_facts(user)

    assert not SELL.allows(user, partner_id=membership.partner_id)


@pytest.mark.django_db
def test_a_rule_allows_partner_users_by_their_roles_in_the_organisation():
    seller = MembershipFactory(roles=["sales"])
    elsewhere = MembershipFactory(roles=["learner"], user=seller.user)

    assert SELL.allows(seller.user, partner_id=seller.partner_id)
    assert not SELL.allows(seller.user, partner_id=elsewhere.partner_id)
    assert SELL.partner_ids(seller.user) == frozenset({seller.partner_id})


@pytest.mark.django_db
def test_vendor_staff_and_signed_out_readers_hold_no_partner_roles(
    django_assert_num_queries,
):
    with django_assert_num_queries(0):
        assert partner_roles_of(VendorUserFactory.build()) == {}
        assert partner_roles_of(AnonymousUser()) == {}


def test_a_signed_out_reader_sees_nothing():
    assert scope_for(AnonymousUser()) == NOTHING
    assert scope_for(None) == NOTHING
