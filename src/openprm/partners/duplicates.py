"""Duplicate detection: does a name or website look like a partner already known?

Names are compared once normalised (lower case, no punctuation, no legal form such as
"Ltd." or "GmbH"), with rapidfuzz; websites by host ("https://www.contoso.com/x" and
"contoso.com" are the same). Every candidate carries its score and its reasons.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz

# A name at least this similar (0-100, rapidfuzz WRatio) is a candidate.
NAME_THRESHOLD = 85

# Legal forms, as words once punctuation is gone ("S.A." → "sa", "B.V." → "bv").
LEGAL_SUFFIXES = frozenset(
    {
        "ab", "ag", "as", "bv", "co", "company", "corp", "corporation", "gmbh",
        "inc", "incorporated", "kg", "kk", "limited", "llc", "llp", "lp", "ltd",
        "nv", "oy", "plc", "pte", "pty", "sa", "sarl", "sas", "spa", "srl",
    }
)  # fmt: skip


def normalise_name(name: str) -> str:
    """The name as compared: lower case, plain letters, no punctuation, without the
    legal forms at its end ("Contoso Ltd." and "contoso limited" are "contoso")."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.lower().replace(".", "")  # "S.A." is one word, "sa"
    words = re.sub(r"[^\w]+|_", " ", text).split()
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def website_host(website: str) -> str:
    """The host of a website or domain, lower case, without "www." or a port."""
    website = (website or "").strip().lower()
    if not website:
        return ""
    if "//" not in website:
        website = "//" + website
    try:
        host = urlsplit(website).hostname or ""
    except ValueError:  # not a URL at all ("http://["): no host to compare
        return ""
    return host.removeprefix("www.")


@dataclass
class DuplicateCandidate:
    """An existing partner that may be the same organisation, and why."""

    partner: Any
    score: float
    reasons: list = field(default_factory=list)


def find_candidates(
    *, name: str, website: str, partners: Iterable[Any]
) -> list[DuplicateCandidate]:
    """The ``partners`` (objects with ``name``, ``website`` and optionally
    ``domain_names``, their other domains) that may be the organisation called
    ``name`` at ``website``, best first."""
    wanted_name = normalise_name(name)
    wanted_host = website_host(website)
    candidates = []
    for partner in partners:
        reasons = []
        score = 0.0
        hosts = {website_host(partner.website)}
        hosts.update(getattr(partner, "domain_names", ()))
        if wanted_host and wanted_host in hosts:
            score = 100.0
            reasons.append(_("Same website domain: %(host)s.") % {"host": wanted_host})
        other_name = normalise_name(partner.name)
        if wanted_name and other_name:
            if other_name == wanted_name:
                score = 100.0
                reasons.append(
                    _(
                        "Same name once legal form and punctuation are ignored: "
                        "“%(name)s”."
                    )
                    % {"name": other_name}
                )
            else:
                similarity = round(fuzz.WRatio(wanted_name, other_name), 1)
                if similarity >= NAME_THRESHOLD:
                    score = max(score, similarity)
                    reasons.append(
                        _("Similar name (%(score)s%% alike): “%(name)s”.")
                        % {"score": similarity, "name": other_name}
                    )
        if reasons:
            candidates.append(DuplicateCandidate(partner, score, reasons))
    candidates.sort(key=lambda item: (-item.score, item.partner.name))
    return candidates
