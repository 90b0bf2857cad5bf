import pytest

from openprm.integrations.webhooks import rules

ONLY_HTTP = "Only http:// and https:// URLs can receive webhooks."
NO_CREDENTIALS = "Put credentials in the receiver's check, not in the URL."


@pytest.mark.parametrize(
    "url",
    [
        "https://crm.example.com/hooks",
        "http://127.0.0.1:8080/hooks?source=openprm",
        "http://receiver:8000/",
        "https://[2001:db8::1]/hooks",
    ],
)
def test_http_and_https_urls_can_receive_webhooks(url):
    assert rules.url_errors(url) == []


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("", "Enter a URL."),
        ("ftp://files.example.com/", ONLY_HTTP),
        ("file:///etc/passwd", ONLY_HTTP),
        ("javascript:alert(1)", ONLY_HTTP),
        ("crm.example.com/hooks", ONLY_HTTP),
        ("https:///hooks", "The URL needs a host name."),
        ("https://user:pw@crm.example.com/", NO_CREDENTIALS),
        ("https://crm.example.com/a b", "The URL may not contain spaces."),
        ("https://crm.example.com:99999/", "Enter a valid URL."),
        ("https://crm.example.com/#top", "The URL may not contain a fragment (#…)."),
        ("https://crm.example.com/" + "a" * 2000, "The URL is too long."),
    ],
)  # fmt: skip
def test_other_urls_are_refused_with_a_reason(url, error):
    assert rules.url_errors(url) == [error]


def test_patterns_come_from_lines_or_commas_without_blanks_or_duplicates():
    assert rules.normalise_patterns("partner.*, deal.registered\n\npartner.*") == [
        "partner.*",
        "deal.registered",
    ]
    assert rules.normalise_patterns([" * ", "*"]) == ["*"]


@pytest.mark.parametrize(
    "patterns", [["*"], ["partner.*"], ["deal.registered", "lead.*"]]
)
def test_event_names_prefixes_and_star_are_valid_patterns(patterns):
    assert rules.pattern_errors(patterns) == []


def test_an_empty_filter_is_refused():
    assert rules.pattern_errors([]) == ['Choose at least one event, or "*" for all.']


def test_a_malformed_pattern_is_named_in_the_error():
    assert rules.pattern_errors(["partner.*", "Partner Created", "a.[bc]"]) == [
        "Partner Created, a.[bc]: use event names like partner.created, a prefix "
        'like partner.*, or "*".'
    ]


@pytest.mark.parametrize(
    ("patterns", "event_name", "matches"),
    [
        (["*"], "partner.created", True),
        (["partner.*"], "partner.created", True),
        (["partner.*"], "partners.created", False),
        (["deal.registered"], "deal.registered", True),
        (["deal.registered"], "deal.approved", False),
        (["*"], "webhook.test", False),
        (["webhook.*"], "webhook.endpoint_created", False),
    ],
)
def test_an_endpoint_receives_the_events_its_patterns_match(
    patterns, event_name, matches
):
    assert rules.patterns_match(patterns, event_name) is matches
