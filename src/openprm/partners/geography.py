"""Countries and currencies as people pick them: ISO 3166 countries by name (from
django-countries), the sales region a country belongs to, and the ISO 4217 currency
a partner of a country trades in by default.

Pure lookups, no I/O. The forms of deal registration and of the public application
use them; the region of a new partner is derived from its country unless set.
"""

from django.utils.translation import gettext_lazy as _
from django_countries import countries

from openprm.partners.choices import Region

# The Americas outside North America: Mexico, Central and South America and the
# Caribbean.
_LATIN_AMERICA = frozenset(
    [
        "AG",
        "AI",
        "AR",
        "AW",
        "BB",
        "BL",
        "BO",
        "BQ",
        "BR",
        "BS",
        "BZ",
        "CL",
        "CO",
        "CR",
        "CU",
        "CW",
        "DM",
        "DO",
        "EC",
        "FK",
        "GD",
        "GF",
        "GP",
        "GT",
        "GY",
        "HN",
        "HT",
        "JM",
        "KN",
        "KY",
        "LC",
        "MF",
        "MQ",
        "MS",
        "MX",
        "NI",
        "PA",
        "PE",
        "PR",
        "PY",
        "SR",
        "SV",
        "SX",
        "TC",
        "TT",
        "UY",
        "VC",
        "VE",
        "VG",
        "VI",
    ]
)
_NORTH_AMERICA = frozenset(["US", "CA", "GL", "BM", "PM", "UM"])
# Asia (east of Iran) and Oceania.
_ASIA_PACIFIC = frozenset(
    [
        "AF",
        "AS",
        "AU",
        "BD",
        "BN",
        "BT",
        "CC",
        "CK",
        "CN",
        "CX",
        "FJ",
        "FM",
        "GU",
        "HK",
        "ID",
        "IN",
        "IO",
        "JP",
        "KH",
        "KI",
        "KP",
        "KR",
        "LA",
        "LK",
        "MH",
        "MM",
        "MN",
        "MO",
        "MP",
        "MV",
        "MY",
        "NC",
        "NF",
        "NP",
        "NR",
        "NU",
        "NZ",
        "PF",
        "PG",
        "PH",
        "PK",
        "PN",
        "PW",
        "SB",
        "SG",
        "TH",
        "TK",
        "TL",
        "TO",
        "TV",
        "TW",
        "VN",
        "VU",
        "WF",
        "WS",
        "KZ",
        "KG",
        "TJ",
        "TM",
        "UZ",
    ]
)

_EURO = frozenset(
    [
        "AT",
        "BE",
        "HR",
        "CY",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PT",
        "SK",
        "SI",
        "ES",
        "AD",
        "MC",
        "SM",
        "VA",
        "ME",
        "XK",
        "GP",
        "MQ",
        "GF",
        "RE",
        "YT",
        "PM",
        "BL",
        "MF",
        "AX",
    ]
)
# The currency of each country that has one of the currencies below (others: USD).
_CURRENCY_OF = {
    "GB": "GBP",
    "CH": "CHF",
    "LI": "CHF",
    "NO": "NOK",
    "SE": "SEK",
    "DK": "DKK",
    "IS": "ISK",
    "PL": "PLN",
    "CZ": "CZK",
    "HU": "HUF",
    "RO": "RON",
    "BG": "BGN",
    "TR": "TRY",
    "UA": "UAH",
    "IL": "ILS",
    "AE": "AED",
    "SA": "SAR",
    "QA": "QAR",
    "EG": "EGP",
    "ZA": "ZAR",
    "NG": "NGN",
    "KE": "KES",
    "MA": "MAD",
    "CA": "CAD",
    "MX": "MXN",
    "BR": "BRL",
    "AR": "ARS",
    "CL": "CLP",
    "CO": "COP",
    "PE": "PEN",
    "JP": "JPY",
    "CN": "CNY",
    "HK": "HKD",
    "TW": "TWD",
    "KR": "KRW",
    "SG": "SGD",
    "IN": "INR",
    "ID": "IDR",
    "MY": "MYR",
    "TH": "THB",
    "PH": "PHP",
    "VN": "VND",
    "AU": "AUD",
    "NZ": "NZD",
    "PK": "PKR",
    "BD": "BDT",
}
CURRENCY_NAMES = {
    "AED": _("UAE dirham"),
    "ARS": _("Argentine peso"),
    "AUD": _("Australian dollar"),
    "BDT": _("Bangladeshi taka"),
    "BGN": _("Bulgarian lev"),
    "BRL": _("Brazilian real"),
    "CAD": _("Canadian dollar"),
    "CHF": _("Swiss franc"),
    "CLP": _("Chilean peso"),
    "CNY": _("Chinese yuan"),
    "COP": _("Colombian peso"),
    "CZK": _("Czech koruna"),
    "DKK": _("Danish krone"),
    "EGP": _("Egyptian pound"),
    "EUR": _("Euro"),
    "GBP": _("Pound sterling"),
    "HKD": _("Hong Kong dollar"),
    "HUF": _("Hungarian forint"),
    "IDR": _("Indonesian rupiah"),
    "ILS": _("Israeli new shekel"),
    "INR": _("Indian rupee"),
    "ISK": _("Icelandic króna"),
    "JPY": _("Japanese yen"),
    "KES": _("Kenyan shilling"),
    "KRW": _("South Korean won"),
    "MAD": _("Moroccan dirham"),
    "MXN": _("Mexican peso"),
    "MYR": _("Malaysian ringgit"),
    "NGN": _("Nigerian naira"),
    "NOK": _("Norwegian krone"),
    "NZD": _("New Zealand dollar"),
    "PEN": _("Peruvian sol"),
    "PHP": _("Philippine peso"),
    "PKR": _("Pakistani rupee"),
    "PLN": _("Polish złoty"),
    "QAR": _("Qatari riyal"),
    "RON": _("Romanian leu"),
    "SAR": _("Saudi riyal"),
    "SEK": _("Swedish krona"),
    "SGD": _("Singapore dollar"),
    "THB": _("Thai baht"),
    "TRY": _("Turkish lira"),
    "TWD": _("New Taiwan dollar"),
    "UAH": _("Ukrainian hryvnia"),
    "USD": _("US dollar"),
    "VND": _("Vietnamese đồng"),
    "ZAR": _("South African rand"),
}


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166-1 country as (alpha-2 code, name), sorted by name."""
    return list(countries)


def country_name(code: str) -> str:
    """ "NO" -> "Norway"; an unknown code is returned as it is."""
    return countries.name(code) or code if code else ""


def region_for(country: str) -> str:
    """The sales region a country belongs to (``partners.choices.Region``)."""
    code = (country or "").upper()
    if code in _NORTH_AMERICA:
        return Region.NORTH_AMERICA
    if code in _LATIN_AMERICA:
        return Region.LATIN_AMERICA
    if code in _ASIA_PACIFIC:
        return Region.APAC
    return Region.EMEA


def currency_for(country: str) -> str:
    """The ISO 4217 currency a partner of ``country`` trades in by default."""
    code = (country or "").upper()
    if code in _EURO:
        return "EUR"
    return _CURRENCY_OF.get(code, "USD")


def currency_choices() -> list[tuple[str, str]]:
    """The currencies offered in forms as (code, "EUR · Euro"), by code."""
    return [(code, f"{code} · {name}") for code, name in sorted(CURRENCY_NAMES.items())]
