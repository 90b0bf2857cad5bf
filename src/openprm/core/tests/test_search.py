"""core.search through the lists that use it: the directory (partners, their
domains and contacts) and the deal list, on the database the suite runs on."""

import pytest
from django.db import connection

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core import search
from openprm.deals import selectors as deal_selectors
from openprm.deals.tests.factories import make_deal, seller
from openprm.partners import directory
from openprm.partners.directory.selectors import directory_partners
from openprm.partners.models import PARTNER_SEARCH, Contact, Partner, PartnerDomain
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def found(user, term: str) -> list[str]:
    filters = directory.parse({"q": term})
    return list(
        directory_partners(user=user, filters=filters).values_list("name", flat=True)
    )


def deal_titles(user, term: str) -> list[str]:
    return list(
        deal_selectors.deal_list_visible_to(user=user, search=term).values_list(
            "title", flat=True
        )
    )


def test_a_term_matches_any_column_as_a_substring_in_any_case():
    admin = VendorUserFactory()
    PartnerFactory(name="Northwind Traders", city="Lyon")
    contoso = PartnerFactory(name="Contoso")
    Partner.objects.filter(pk=contoso.pk).update(legal_name="Contoso Holdings SARL")
    PartnerFactory(name="Fabrikam", city="Hamburg")

    assert found(admin, "WIND") == ["Northwind Traders"]
    assert found(admin, "holdings sa") == ["Contoso"]
    assert found(admin, "ambur") == ["Fabrikam"]


def test_a_domain_or_a_contact_finds_its_partner_once():
    admin = VendorUserFactory()
    partner = PartnerFactory(name="Litware")
    PartnerDomain.objects.create(partner=partner, domain="litware.example")
    Contact.objects.create(partner=partner, name="Ada Lovelace", email="ada@lw.io")
    Contact.objects.create(partner=partner, name="Ada Byron", email="byron@lw.io")
    PartnerFactory(name="Other")

    assert found(admin, "ware.exam") == ["Litware"]
    assert found(admin, "Ada") == ["Litware"]
    assert found(admin, "byron@") == ["Litware"]


def test_no_match_finds_nothing_and_an_empty_term_everything():
    admin = VendorUserFactory()
    PartnerFactory(name="Alpha")
    PartnerFactory(name="Beta")

    assert found(admin, "zzzzzz") == []
    assert found(admin, "   ") == ["Alpha", "Beta"]


def test_results_keep_the_lists_order():
    admin = VendorUserFactory()
    for name in ("Gamma Networks", "Alpha Networks", "Beta Networks"):
        PartnerFactory(name=name)

    assert found(admin, "networks") == [
        "Alpha Networks",
        "Beta Networks",
        "Gamma Networks",
    ]


@pytest.mark.parametrize(
    "term",
    [
        '"',
        '"quoted"',
        "'",
        "*",
        "star*",
        "100%",
        "%",
        "_",
        "a_b",
        "\\",
        "NEAR(a b)",
        "name:x",
        "a AND b OR NOT c",
        "(^)",
        "-x",
        "{a b}",
    ],
)
def test_syntax_characters_are_plain_text(term):
    admin = VendorUserFactory()
    PartnerFactory(name=f"Acme {term} Ltd")
    PartnerFactory(name="Plain Partner")

    assert found(admin, term) == [f"Acme {term} Ltd"]


def test_percent_and_underscore_are_no_wildcards():
    admin = VendorUserFactory()
    PartnerFactory(name="ABC Corp")
    PartnerFactory(name="A_C 100% Corp")

    assert found(admin, "A_C") == ["A_C 100% Corp"]
    assert found(admin, "0%") == ["A_C 100% Corp"]
    assert found(admin, "A%C") == []


def test_unicode_matches_in_any_case():
    admin = VendorUserFactory()
    PartnerFactory(name="Élan Systèmes", city="Zürich")
    PartnerFactory(name="東京ソリューションズ")
    PartnerFactory(name="Elan Systems")

    assert found(admin, "élan syst") == ["Élan Systèmes"]
    assert found(admin, "ZÜRICH") == ["Élan Systèmes"]
    assert found(admin, "ソリュー") == ["東京ソリューションズ"]
    # Accents are not folded.
    assert found(admin, "Elan") == ["Elan Systems"]


def test_short_terms_match_too():
    admin = VendorUserFactory()
    PartnerFactory(name="HP Inc")
    PartnerFactory(name="Dell")

    assert found(admin, "hp") == ["HP Inc"]
    assert found(admin, "LL") == ["Dell"]
    assert found(admin, "%") == []


def test_updates_and_deletes_are_reflected():
    admin = VendorUserFactory()
    partner = PartnerFactory(name="Old Name Partners")
    contact = Contact.objects.create(partner=partner, name="Grace Hopper")

    partner.name = "New Label Partners"
    partner.save(update_fields=["name"])
    contact.delete()

    assert found(admin, "old name") == []
    assert found(admin, "new label") == ["New Label Partners"]
    assert found(admin, "hopper") == []
    Partner.objects.filter(pk=partner.pk).update(city="Valparaíso")
    assert found(admin, "paraíso") == ["New Label Partners"]
    partner.delete()
    assert found(admin, "new label") == []


def test_search_never_widens_a_partner_users_deals():
    partner_a, partner_b = PartnerFactory(), PartnerFactory()
    seller_a = seller(partner_a)
    make_deal(partner=partner_a, title="Acme rollout A", customer_name="Acme GmbH")
    make_deal(partner=partner_b, title="Acme rollout B", customer_name="Acme GmbH")

    assert deal_titles(seller_a, "acme") == ["Acme rollout A"]
    assert deal_titles(seller_a, "rollout B") == []


def test_the_deal_api_page_finds_a_customer_by_its_name():
    partner_a, partner_b = PartnerFactory(), PartnerFactory()
    seller_a = seller(partner_a)
    make_deal(partner=partner_a, title="First", customer_name="Wingtip Toys")
    make_deal(partner=partner_a, title="Second", customer_name="Tailspin")
    make_deal(partner=partner_b, title="Third", customer_name="Wingtip Toys")

    documents, count = deal_selectors.deal_list_page(
        user=seller_a, search="WINGTIP", limit=10, offset=0, count_most=100
    )

    assert [document["title"] for document in documents] == ["First"]
    assert count == 1


def test_a_channel_managers_directory_search_stays_in_their_scope():
    from openprm.accounts.choices import VendorRole

    manager = VendorUserFactory(vendor_role=VendorRole.CHANNEL_MANAGER)
    PartnerFactory(name="Acme Mine", channel_manager=manager, country="FR")
    PartnerFactory(name="Acme Theirs", country="US", region="NA")

    assert found(manager, "acme") == ["Acme Mine"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers")
def test_triggers_dropped_by_a_table_rebuild_come_back_after_migrate():
    admin = VendorUserFactory()
    PartnerFactory(name="Before Rebuild")
    with connection.cursor() as cursor:
        for kind in ("insert", "delete", "update"):
            cursor.execute(f'DROP TRIGGER "partners_partner_search_{kind}"')
    PartnerFactory(name="Written Meanwhile")
    assert search.missing_triggers(PARTNER_SEARCH)

    search.restore_search_triggers()

    assert not search.missing_triggers(PARTNER_SEARCH)
    assert found(admin, "meanwhile") == ["Written Meanwhile"]
    PartnerFactory(name="Written After")
    assert found(admin, "written") == ["Written After", "Written Meanwhile"]
