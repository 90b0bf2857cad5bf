"""The ISO lists people pick from: countries (ISO 3166-1) by their name in the
reader's language, the region a country belongs to, and currencies (ISO 4217) with
the usual one of a country.

Forms offer :func:`country_choices` and :func:`currency_choices`; pages show a
stored code through :func:`country_name` (the ``country`` template filter). The
names come from django-countries, which follows the active language.
"""

from django.utils.translation import get_language_info
from django_countries import countries

# --- Countries -------------------------------------------------------------------


def country_choices() -> list[tuple[str, str]]:
    """(code, name) of every ISO 3166-1 country, sorted by name in the active
    language."""
    return [(country.code, str(country.name)) for country in countries]


def is_country(code: str) -> bool:
    return bool(code) and code.upper() in countries


def country_name(code: str) -> str:
    """The name of the country ``code`` in the active language; an unknown code as
    stored (never an empty cell where there was something)."""
    if not code:
        return ""
    return str(countries.name(code.upper())) or code


def language_name(code: str) -> str:
    """The name of the language ``code`` (ISO 639-1) in the active language, as
    far as Django knows it; the code otherwise."""
    if not code:
        return ""
    try:
        return str(get_language_info(code.lower())["name_translated"])
    except KeyError:
        return code


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The regions of partners.choices.Region (its codes; core sits below partners).
NORTH_AMERICA, LATIN_AMERICA, EMEA, APAC = "NA", "LATAM", "EMEA", "APAC"

_NORTH_AMERICA = _codes("US CA BM GL PM UM")
_LATIN_AMERICA = _codes(
    """
    MX GT BZ SV HN NI CR PA CU DO HT JM PR BS BB TT AG DM GD KN LC VC AI AW BQ CW SX
    KY MS TC VG VI BL MF GP MQ AR BO BR CL CO EC FK GF GY PY PE SR UY VE GS
    """
)
_APAC = _codes(
    """
    AF AS AU BD BN BT CC CN CX FJ FM GU HK HM ID IN IO JP KH KI KP KR LA LK MH MM MN
    MO MP MV MY NC NF NP NR NU NZ PF PG PH PK PN PW SB SG TH TK TL TO TV TW VN VU WF
    WS
    """
)
# No sales region covers Antarctica.
_NO_REGION = _codes("AQ")


def region_for_country(code: str) -> str:
    """The sales region of country ``code`` (``NA``, ``LATAM``, ``EMEA``, ``APAC``),
    or "" when the code is not a country or belongs to no region."""
    code = (code or "").upper()
    if not is_country(code) or code in _NO_REGION:
        return ""
    if code in _NORTH_AMERICA:
        return NORTH_AMERICA
    if code in _LATIN_AMERICA:
        return LATIN_AMERICA
    if code in _APAC:
        return APAC
    return EMEA


# --- Currencies ------------------------------------------------------------------

# Active ISO 4217 codes (funds and precious metals excluded).
CURRENCIES = _codes(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL
    BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP
    ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR
    IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL
    LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
    NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
    SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX
    USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
    """
)
# ISO 4217 minor units where they are not 2.
MINOR_UNITS = {
    **dict.fromkeys(
        _codes("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF"), 0
    ),
    **dict.fromkeys(_codes("BHD IQD JOD KWD LYD OMR TND"), 3),
}

_EURO = _codes(
    """
    AT BE BG HR CY EE FI FR DE GR IE IT LV LT LU MT NL PT SK SI ES AD MC SM VA ME XK
    GF GP MQ RE YT PM BL MF AX
    """
)
_USD = _codes("US EC SV PA PR GU AS VI VG TC MH FM PW TL BQ UM MP IO")
# The currency of the other countries a channel commonly spans.
_COUNTRY_CURRENCY = {
    "CA": "CAD", "MX": "MXN", "BR": "BRL", "AR": "ARS", "CL": "CLP", "CO": "COP",
    "PE": "PEN", "UY": "UYU", "GB": "GBP", "CH": "CHF", "LI": "CHF", "NO": "NOK",
    "SE": "SEK", "DK": "DKK", "IS": "ISK", "PL": "PLN", "CZ": "CZK", "HU": "HUF",
    "RO": "RON", "RS": "RSD", "TR": "TRY", "UA": "UAH", "IL": "ILS", "AE": "AED",
    "SA": "SAR", "QA": "QAR", "KW": "KWD", "BH": "BHD", "OM": "OMR", "EG": "EGP",
    "ZA": "ZAR", "NG": "NGN", "KE": "KES", "MA": "MAD", "IN": "INR", "CN": "CNY",
    "JP": "JPY", "KR": "KRW", "SG": "SGD", "HK": "HKD", "TW": "TWD", "AU": "AUD",
    "NZ": "NZD", "ID": "IDR", "MY": "MYR", "TH": "THB", "PH": "PHP", "VN": "VND",
    "PK": "PKR", "BD": "BDT", "LK": "LKR",
}  # fmt: skip


def is_currency(code: str) -> bool:
    return code in CURRENCIES


def minor_units(currency: str) -> int:
    """Digits after the decimal point of ``currency`` (2 for most, 0 for JPY)."""
    return MINOR_UNITS.get(currency, 2)


def currency_choices() -> list[tuple[str, str]]:
    """(code, code) of every active ISO 4217 currency, in code order: the codes are
    what finance people read and type."""
    return [(code, code) for code in sorted(CURRENCIES)]


def currency_for_country(code: str, default: str = "") -> str:
    """The currency usually invoiced in country ``code``, or ``default`` when the
    list does not know it."""
    code = (code or "").upper()
    if code in _EURO:
        return "EUR"
    if code in _USD:
        return "USD"
    return _COUNTRY_CURRENCY.get(code, default)
