from types import SimpleNamespace

import pytest

from openprm.partners.duplicates import find_candidates, normalise_name, website_host


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
