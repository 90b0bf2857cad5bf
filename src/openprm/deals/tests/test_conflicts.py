from datetime import date

from openprm.deals import conflicts
from openprm.deals.conflicts import Party, compare


def party(name, **fields):
    return Party(normalised_name=conflicts.normalise_name(name), label=name, **fields)


def test_normalise_name_drops_case_accents_punctuation_and_legal_suffixes():
    assert conflicts.normalise_name("Société Générale, S.A.") == "societe generale"
    assert conflicts.normalise_name("ACME Corp.") == "acme"
    assert conflicts.normalise_name("Smith & Sons Ltd") == "smith and sons"


def test_a_name_made_only_of_suffixes_is_kept():
    assert conflicts.normalise_name("The Company") == "the company"


def test_normalise_domain_reads_urls_and_email_addresses():
    assert conflicts.normalise_domain("https://www.Acme.com/about?x=1") == "acme.com"
    assert conflicts.normalise_domain("jo@sales.acme.com") == "sales.acme.com"


def test_free_mail_domains_say_nothing_about_the_customer():
    assert conflicts.normalise_domain("someone@gmail.com") == ""


def test_blocking_keys_skip_generic_words():
    assert conflicts.blocking_keys("acme global systems") == ("acme", "acme")
    assert conflicts.blocking_keys("northwind traders") == ("northwind", "traders")
    assert conflicts.blocking_keys("global systems") == ("global", "systems")


def test_customer_key_prefers_the_domain():
    assert conflicts.customer_key(domain="acme.com", normalised="acme") == (
        "domain:acme.com"
    )
    assert conflicts.customer_key(domain="", normalised="acme") == "name:acme"


def test_same_domain_is_a_conflict_with_its_reason():
    match = compare(party("Acme", domain="acme.com"), party("Zeta", domain="acme.com"))
    assert match.score == 50
    assert [reason["code"] for reason in match.reasons] == ["domain", "other_partner"]


def test_a_similar_name_is_a_conflict():
    match = compare(party("Acme Corporation"), party("ACME Corp."))
    assert match.score == 40
    assert match.reasons[0]["code"] == "name"
    assert "100%" in match.reasons[0]["text"]


def test_different_customers_do_not_conflict():
    match = compare(party("Acme", domain="acme.com"), party("Zeta", domain="zeta.io"))
    assert match.score == 0
    assert match.reasons == []


def test_product_line_and_dates_add_to_the_score():
    new = party(
        "Acme",
        domain="acme.com",
        product_lines=frozenset({"security", "cloud"}),
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 3, 1),
    )
    old = party(
        "Acme Inc",
        domain="acme.com",
        product_lines=frozenset({"security"}),
        starts_on=date(2026, 2, 1),
        ends_on=date(2026, 6, 1),
        partner_id=7,
    )
    match = compare(new, old, partner_id=7)
    assert match.score == 100
    assert [reason["code"] for reason in match.reasons] == [
        "domain",
        "name",
        "product_line",
        "dates",
        "same_partner",
    ]


def test_a_vendor_account_says_so():
    old = party("Acme", domain="acme.com", is_account=True)
    match = compare(party("Acme", domain="acme.com"), old)
    assert match.reasons[-1]["code"] == "vendor_account"
