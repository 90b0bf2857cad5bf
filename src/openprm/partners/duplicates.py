"""Duplicate detection: does a name or website look like a partner already known?

Names are compared once normalised (lower case, no punctuation, no legal form such as
"Ltd." or "GmbH"), with rapidfuzz; websites by host ("https://www.contoso.com/x" and
"contoso.com" are the same). Every candidate carries its score and its reasons.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz, process

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


# Blocking: only partners whose normalised name starts with the first letters of
# the wanted name's first word (or that share its website host) are scored.
BLOCK_PREFIX = 4


def name_block(name: str) -> str:
    """The name's blocking key: the first BLOCK_PREFIX letters of its normalised
    first word ("ACME GmbH." → "acme"); "" for a name with no letters."""
    normalised = normalise_name(name)
    return normalised.split()[0][:BLOCK_PREFIX] if normalised else ""


class BlockingIndex:
    """Records (with ``name``, ``website`` and optionally ``domain_names``) filed
    in memory by the blocking keys of the duplicate search
    (``partner_duplicates_find``): the prefixes of their normalised name's key,
    and their hosts. ``candidates`` returns the records a name and website block
    with, without reading the rest, for ``find_candidates`` to score with its
    threshold: matching n records against m others costs about n + m, not n times m.
    (The search compares the key with the stored name as typed, this index with
    its normalised form: "Ácme" and "acme" share a block here.)"""

    def __init__(self, records: Iterable[Any] = ()):
        self._filed: dict[str, list] = defaultdict(list)
        for record in records:
            self.add(record)

    def add(self, record: Any) -> None:
        # Normalised once here, not once per comparison (see find_candidates).
        record.normalised_name = normalise_name(record.name)
        block = record.normalised_name.split()[0][:BLOCK_PREFIX] if (
            record.normalised_name
        ) else ""  # fmt: skip
        keys = {"n:" + block[:size] for size in range(1, len(block) + 1)}
        record.hosts = {website_host(record.website)}
        record.hosts.update(getattr(record, "domain_names", ()))
        record.hosts.discard("")
        keys.update("h:" + host for host in record.hosts)
        for key in keys:
            self._filed[key].append(record)

    def candidates(self, *, name: str, website: str) -> list[Any]:
        """The records whose name starts like ``name``'s key (a shorter key reads
        every record it begins) or that share ``website``'s host, each once."""
        block, host = name_block(name), website_host(website)
        named = self._filed.get("n:" + block, []) if block else []
        hosted = self._filed.get("h:" + host, []) if host else []
        if not hosted:
            return named
        found = {id(record): record for record in named}
        for record in hosted:
            found.setdefault(id(record), record)
        return list(found.values())


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
    partners = list(partners)
    names = [
        getattr(partner, "normalised_name", None) or normalise_name(partner.name)
        for partner in partners
    ]
    # The names alike enough, scored in one call (rapidfuzz's loop, not Python's):
    # a partner is read further only when its name or its host may match.
    alike = {}
    if wanted_name:
        alike = {
            position: score
            for _name, score, position in process.extract(
                wanted_name, names, scorer=fuzz.WRatio, limit=None,
                score_cutoff=NAME_THRESHOLD - 0.05,  # as rounded below
            )
        }  # fmt: skip
    candidates = []
    for position, partner in enumerate(partners):
        same_host = bool(wanted_host) and wanted_host in _hosts(partner)
        if not same_host and position not in alike:
            continue
        reasons = []
        score = 0.0
        if same_host:
            score = 100.0
            reasons.append(_("Same website domain: %(host)s.") % {"host": wanted_host})
        other_name = names[position]
        if wanted_name and other_name and position in alike:
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
                similarity = round(alike[position], 1)
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


def _hosts(partner: Any) -> set[str]:
    """The hosts of a partner's website and domains (as filed, when it is)."""
    hosts = getattr(partner, "hosts", None)
    if hosts is None:
        hosts = {website_host(partner.website), *getattr(partner, "domain_names", ())}
        hosts.discard("")
    return hosts
