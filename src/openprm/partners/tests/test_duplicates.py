from types import SimpleNamespace

import pytest

from openprm.partners.duplicates import (
    BlockingIndex,
    find_candidates,
    name_block,
    normalise_name,
    website_host,
)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("Contoso Ltd.", "contoso"),
        ("contoso limited", "contoso"),
        ("Fabrikam, Inc.", "fabrikam"),
        ("Müller GmbH & Co. KG", "muller"),
        ("Alpine S.A.", "alpine"),
        ("Van Dijk B.V.", "van dijk"),
        ("Northwind LLC", "northwind"),
        ("Ltd", "ltd"),
    ],
)
def test_normalise_name(raw, normalised):
    assert normalise_name(raw) == normalised


@pytest.mark.parametrize(
    ("website", "host"),
    [
        ("https://www.contoso.com/about", "contoso.com"),
        ("contoso.com", "contoso.com"),
        ("HTTP://Contoso.com:8080", "contoso.com"),
        ("", ""),
    ],
)
def test_website_host(website, host):
    assert website_host(website) == host


def partner(name, website=""):
    return SimpleNamespace(name=name, website=website)


def test_a_legal_form_spelt_differently_is_the_same_name():
    existing = partner("Contoso Ltd.")

    [candidate] = find_candidates(
        name="contoso limited", website="", partners=[existing]
    )

    assert candidate.partner is existing
    assert candidate.score == 100.0
    assert [str(reason) for reason in candidate.reasons] == [
        "Same name once legal form and punctuation are ignored: “contoso”."
    ]


def test_the_same_domain_under_another_name_is_a_candidate():
    existing = partner("Blue Yonder Trading", "https://www.blueyonder.example/")

    [candidate] = find_candidates(
        name="BY Holdings", website="blueyonder.example", partners=[existing]
    )

    assert candidate.score == 100.0
    assert [str(reason) for reason in candidate.reasons] == [
        "Same website domain: blueyonder.example."
    ]


def test_a_similar_name_is_a_candidate_with_its_score():
    [candidate] = find_candidates(
        name="Contoso", website="", partners=[partner("Contoso Digital Services")]
    )

    assert candidate.score == 90.0
    assert "90.0% alike" in str(candidate.reasons[0])


def test_unrelated_names_are_not_matched():
    assert (
        find_candidates(
            name="Fabrikam",
            website="fabrikam.example",
            partners=[
                partner("Contoso", "contoso.example"),
                partner("Alpine Systems", "alpine.example"),
                partner("Northwind Traders"),
            ],
        )
        == []
    )


def test_candidates_are_best_first():
    candidates = find_candidates(
        name="Contoso",
        website="",
        partners=[partner("Contoso Digital Services"), partner("Contoso Inc")],
    )

    assert [candidate.partner.name for candidate in candidates] == [
        "Contoso Inc",
        "Contoso Digital Services",
    ]


def test_name_block_is_the_normalised_first_words_first_letters():
    assert name_block("ACME GmbH.") == name_block("Acme Gmbh") == "acme"
    assert name_block("Ábaco S.A.") == "abac"
    assert name_block("AB Foods") == "ab"
    assert name_block("...") == ""


def test_blocking_index_returns_only_records_sharing_a_key():
    # Given an index of 5 records
    acme = SimpleNamespace(name="Acme Gmbh", website="")
    acme_shop = SimpleNamespace(name="Acmeshop Ltd", website="")
    abacus = SimpleNamespace(name="Abacus Ltd", website="")
    contoso = SimpleNamespace(name="Contoso", website="https://www.contoso.com")
    other = SimpleNamespace(name="Northwind", website="", domain_names=["nw.com"])
    index = BlockingIndex([acme, acme_shop, abacus, contoso, other])

    # Then a name reads the records whose name starts like its first word
    assert index.candidates(name="ACME GmbH.", website="") == [acme, acme_shop]
    # a short first word reads every record it begins
    assert index.candidates(name="AB Foods", website="") == [abacus]
    # a website reads those with the same host (each record once)
    assert index.candidates(name="Zeta", website="contoso.com") == [contoso]
    assert index.candidates(name="Contoso Ltd", website="contoso.com") == [contoso]
    assert index.candidates(name="Zeta", website="http://nw.com/x") == [other]
    assert index.candidates(name="Zeta", website="") == []


def test_scoring_the_block_finds_what_scoring_every_record_finds():
    # Given 300 records with names made of a few words and some websites
    words = ["Acme", "ACME", "Contoso", "Northwind", "Ácme", "Globex", "AB"]
    forms = ["GmbH", "Gmbh.", "Ltd.", "", "Systems", "Trading"]
    records = [
        SimpleNamespace(
            name=f"{words[n % 7]} {words[n // 7 % 7]} {forms[n % 6]}",
            website=["", "acme.com", "https://www.globex.io/x"][n % 3],
        )
        for n in range(300)
    ]
    index = BlockingIndex(SimpleNamespace(**vars(r)) for r in records)

    # Then for each name the block scored alone holds every candidate whose name
    # starts the same or whose host is the same, with the same score and reasons
    for n in range(0, 300, 7):
        name, website = records[n].name, records[n].website
        everything = find_candidates(name=name, website=website, partners=records)
        blocked = find_candidates(
            name=name, website=website,
            partners=index.candidates(name=name, website=website),
        )  # fmt: skip
        expected = [
            (c.partner.name, c.score, [str(r) for r in c.reasons])
            for c in everything
            if name_block(c.partner.name) == name_block(name)
            or (website and website_host(c.partner.website) == website_host(website))
        ]
        assert expected
        assert [
            (c.partner.name, c.score, [str(r) for r in c.reasons]) for c in blocked
        ] == expected
