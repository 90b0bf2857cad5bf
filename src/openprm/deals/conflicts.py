"""Whether a new registration clashes with an existing one or a vendor account (no I/O).

The database narrows a million rows to a few candidates through indexed blocking
keys (the domain, the first and the longest significant name token); this module
then scores each candidate: a shared domain, a fuzzy match of the normalised names
(rapidfuzz), a shared product line and overlapping dates, each with a reason.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from rapidfuzz import fuzz

# Words that say what kind of company it is, not which one.
LEGAL_SUFFIXES = frozenset(
    [
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "ltd",
        "limited",
        "llc",
        "llp",
        "lp",
        "plc",
        "gmbh",
        "ag",
        "kg",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "oy",
        "ab",
        "as",
        "aps",
        "pty",
        "pte",
        "kk",
        "the",
    ]
)
# Frequent words that would make a blocking key match half the table.
GENERIC_WORDS = frozenset(
    [
        "and",
        "of",
        "group",
        "global",
        "international",
        "systems",
        "solutions",
        "services",
        "technologies",
        "technology",
        "tech",
        "holdings",
        "holding",
        "partners",
        "consulting",
        "industries",
        "enterprises",
        "networks",
        "software",
        "digital",
        "labs",
        "data",
        "cloud",
        "management",
        "capital",
        "trading",
        "energy",
        "health",
        "healthcare",
        "financial",
        "bank",
        "insurance",
        "logistics",
        "manufacturing",
        "retail",
        "media",
        "medical",
        "pharma",
        "university",
        "hospital",
        "school",
        "city",
        "county",
        "state",
        "department",
        "office",
        "north",
        "south",
        "east",
        "west",
        "new",
    ]
)
NAME_MATCH_THRESHOLD = 85
DOMAIN_POINTS = 50
NAME_POINTS = 40
PRODUCT_LINE_POINTS = 20
DATE_POINTS = 10
# Hosts whose addresses say nothing about the customer.
FREE_MAIL_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "aol.com",
        "icloud.com",
        "proton.me",
        "protonmail.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
    ]
)

_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise_name(name: str) -> str:
    """Lower case without accents, punctuation or legal suffixes: "Acme, Inc." ->
    "acme"."""
    text = name or ""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in text if not unicodedata.combining(char))
    # Dots go first so that "S.A." reads as the suffix "sa".
    text = text.lower().replace("&", " and ").replace(".", "")
    words = [word for word in _NON_WORD.split(text) if word]
    kept = [word for word in words if word not in LEGAL_SUFFIXES]
    return " ".join(kept or words)[:200]


def normalise_domain(raw: str) -> str:
    """A bare lower-case host: "https://www.Acme.com/x" or "jo@acme.com" ->
    "acme.com"; free-mail hosts give ""."""
    text = (raw or "").strip().lower()
    if "@" in text:
        text = text.rsplit("@", 1)[1]
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = text.split("/", 1)[0].split("?", 1)[0].split(":", 1)[0].strip(".")
    if text.startswith("www."):
        text = text[4:]
    if text in FREE_MAIL_DOMAINS:
        return ""
    return text[:253]


def significant_tokens(normalised: str) -> list[str]:
    """The name's distinctive words (generic ones only when there is nothing else)."""
    words = [word for word in normalised.split() if len(word) > 1]
    distinctive = [word for word in words if word not in GENERIC_WORDS]
    return [word[:64] for word in (distinctive or words)]


def blocking_keys(normalised: str) -> tuple[str, str]:
    """The first significant token and the longest of the others (the first again
    when it is the only one), stored and indexed per row: two different words
    whenever the name has two, so a typo in either leaves the other to find it."""
    tokens = significant_tokens(normalised)
    if not tokens:
        return "", ""
    longest = max(tokens[1:] or tokens, key=lambda word: (len(word), word))
    return tokens[0], longest


def customer_key(*, domain: str, normalised: str) -> str:
    """What protection is keyed by: the domain when known, else the name."""
    return f"domain:{domain}" if domain else f"name:{normalised}"


@dataclass(frozen=True)
class Party:
    """A registration or vendor account as the check compares it."""

    normalised_name: str
    domain: str = ""
    product_lines: frozenset[str] = frozenset()
    starts_on: date | None = None
    ends_on: date | None = None
    partner_id: int | None = None
    is_account: bool = False
    label: str = ""


@dataclass
class Match:
    score: int
    reasons: list[dict] = field(default_factory=list)


def _periods_overlap(left: Party, right: Party) -> bool:
    if None in (left.starts_on, left.ends_on, right.starts_on, right.ends_on):
        return False
    return left.starts_on <= right.ends_on and right.starts_on <= left.ends_on


def name_similarity(left: str, right: str) -> float:
    """0-100; word order and extra words matter little ("acme north" ~ "acme")."""
    if not left or not right:
        return 0.0
    return max(fuzz.token_sort_ratio(left, right), fuzz.token_set_ratio(left, right))


def is_same_customer(
    normalised_name: str, domain: str, *, existing_name: str, existing_domain: str
) -> bool:
    """Whether ``compare`` would score a pair above 0: the same domain, or names
    similar enough (the check's cheap first pass over its candidates)."""
    if domain and domain == existing_domain:
        return True
    return name_similarity(normalised_name, existing_name) >= NAME_MATCH_THRESHOLD


def compare(new: Party, existing: Party, *, partner_id: int | None = None) -> Match:
    """The score (0-100) and reasons why ``existing`` may be the same opportunity;
    score 0 when the customer is not the same."""
    reasons: list[dict] = []
    score = 0
    if new.domain and new.domain == existing.domain:
        score += DOMAIN_POINTS
        reasons.append(
            {
                "code": "domain",
                "text": _("Same customer domain: %(domain)s") % {"domain": new.domain},
            }
        )
    similarity = name_similarity(new.normalised_name, existing.normalised_name)
    if similarity >= NAME_MATCH_THRESHOLD:
        score += round(NAME_POINTS * similarity / 100)
        reasons.append(
            {
                "code": "name",
                "text": _("Customer name %(similarity)s%% similar: %(name)s")
                % {"similarity": round(similarity), "name": existing.label},
            }
        )
    if not score:
        return Match(score=0)
    shared = sorted(new.product_lines & existing.product_lines)
    if shared:
        score += PRODUCT_LINE_POINTS
        reasons.append(
            {
                "code": "product_line",
                "text": _("Same product line: %(lines)s")
                % {"lines": ", ".join(shared)},
            }
        )
    if _periods_overlap(new, existing):
        score += DATE_POINTS
        reasons.append({"code": "dates", "text": _("Overlapping dates")})
    if existing.is_account:
        reasons.append(
            {
                "code": "vendor_account",
                "text": _("An account or opportunity of the vendor's own (CRM)"),
            }
        )
    elif partner_id is not None and existing.partner_id == partner_id:
        reasons.append(
            {
                "code": "same_partner",
                "text": _("Already registered by your organisation"),
            }
        )
    else:
        reasons.append(
            {"code": "other_partner", "text": _("Registered by another partner")}
        )
    return Match(score=min(score, 100), reasons=reasons)
