import pytest

from openprm.core.errors import NotFound
from openprm.partners import selectors, services
from openprm.partners.models import Contact, CustomFieldDefinition
from openprm.partners.tests import profile_helpers

cast = profile_helpers.cast
pytestmark = pytest.mark.django_db


def names(partners) -> list[str]:
    return [partner.name for partner in partners]


def test_a_distributor_admin_sees_itself_and_the_partners_beneath(cast):
    assert names(selectors.partners_visible_to(user=cast.distributor_admin)) == [
        "Contoso",
        "Northwind",
    ]


def test_search_matches_name_legal_name_and_domain_once_each(cast):
    services.partner_update(
        partner=cast.other,
        actor=cast.vendor_admin,
        data={"legal_name": "Fabrikam SARL", "domains": ["fab.fr", "fab-group.fr"]},
    )

    by_domain = selectors.partners_visible_to(user=cast.vendor_admin, search="fab")
    by_legal = selectors.partners_visible_to(user=cast.vendor_admin, search="sarl")

    assert names(by_domain) == ["Fabrikam"]  # two matching domains, one row
    assert names(by_legal) == ["Fabrikam"]


def test_an_unknown_sort_falls_back_to_the_name(cast):
    partners = selectors.partners_visible_to(user=cast.vendor_admin, order="password")

    assert names(partners) == ["Contoso", "Fabrikam", "Northwind"]


def test_a_partner_outside_the_scope_is_not_found(cast):
    with pytest.raises(NotFound):
        selectors.partner_get(user=cast.manager, public_id=cast.other.public_id)


def test_children_are_those_the_user_may_see(cast):
    assert names(
        selectors.partner_children(user=cast.vendor_admin, partner=cast.distributor)
    ) == ["Contoso"]
    assert (
        names(
            selectors.partner_children(user=cast.other_admin, partner=cast.distributor)
        )
        == []
    )


def test_another_partners_contacts_are_invisible(cast):
    Contact.objects.create(partner=cast.reseller, name="Ada")

    assert (
        selectors.contacts_of(user=cast.other_admin, partner=cast.reseller).count() == 0
    )
    assert (
        selectors.contacts_of(
            user=cast.distributor_admin, partner=cast.reseller
        ).count()
        == 1
    )


def test_partner_users_see_only_active_definitions_shown_to_partners(cast):
    CustomFieldDefinition.objects.create(key="a", label="A", field_type="text")
    CustomFieldDefinition.objects.create(
        key="b", label="B", field_type="text", visible_to_partners=True
    )
    CustomFieldDefinition.objects.create(
        key="c", label="C", field_type="text", visible_to_partners=True, is_active=False
    )

    def keys(user, **options):
        return [
            item.key
            for item in selectors.custom_field_definitions_for(user=user, **options)
        ]

    assert keys(cast.reseller_sales) == ["b"]
    assert keys(cast.analyst) == ["a", "b"]
    assert keys(cast.vendor_admin, include_inactive=True) == ["a", "b", "c"]


def test_the_audit_history_is_for_readers_of_the_audit_trail(cast):
    services.partner_update(
        partner=cast.reseller, actor=cast.vendor_admin, data={"tags": ["x"]}
    )

    history = selectors.partner_audit_history(
        user=cast.vendor_admin, partner=cast.reseller
    )

    assert [(entry.action, entry.verb) for entry in history] == [
        ("update", "partner.updated"),
        ("create", "partner.created"),
    ]
    assert (
        selectors.partner_audit_history(user=cast.analyst, partner=cast.reseller) == []
    )
