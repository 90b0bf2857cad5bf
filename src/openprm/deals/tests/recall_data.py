"""Labelled data for the conflict check's recall: live registrations whose names
share common company words by the thousand, and new registrations each labelled
with the live registration it must be found to conflict with.

Pure Python, shared by the recall test (a few thousand rows) and the benchmark
(``bench/deal_conflicts.py``, a million). Row ``n`` is the same customer in both.
"""

import random
from dataclasses import dataclass

from openprm.deals import conflicts

# Distinctive words that thousands of customers share: blocking keys that the old
# check, reading 200 candidates in no order, cut off before the right one.
COMMON = (
    "Summit",
    "Pioneer",
    "Atlas",
    "Apex",
    "Vertex",
    "Horizon",
    "Nova",
    "Orion",
    "Zenith",
    "Keystone",
    "Meridian",
    "Beacon",
)
GENERIC = ("Systems", "Global", "Group", "Solutions", "Holdings", "Logistics", "")
SUFFIXES = ("Inc", "GmbH", "Ltd", "S.A.", "LLC", "AG", "")
SYLLABLES = [consonant + vowel for consonant in "bdfgklmnprstvz" for vowel in "aeiou"]
WORDS = len(SYLLABLES) ** 4


def word(number: int) -> str:
    """A made-up distinctive word, out of about 24 million."""
    parts = []
    for _ in range(4):
        number, rest = divmod(number, len(SYLLABLES))
        parts.append(SYLLABLES[rest])
    return "".join(parts).capitalize()


@dataclass(frozen=True)
class Customer:
    name: str
    domain: str
    # The distinctive words, common or made up, in the name's order.
    words: tuple[str, ...]
    generic: str
    suffix: str


def customer(number: int) -> Customer:
    """The ``number``-th customer: a cheap deterministic hash picks its words. Half
    of all names begin with a common word, a fifth hold two; a third hold a second
    made-up word; most have a domain."""
    mixed = (number * 2654435761 + 97) % (1 << 61)
    words = []
    if mixed % 2 == 0:
        words.append(COMMON[(mixed >> 3) % len(COMMON)])
        if (mixed >> 5) % 5 == 0:
            words.append(COMMON[(mixed >> 9) % len(COMMON)])
    words.append(word((mixed >> 13) % WORDS))
    if (mixed >> 40) % 3 == 0:
        words.append(word((mixed >> 25) % WORDS))
    generic = GENERIC[(mixed >> 7) % len(GENERIC)]
    suffix = SUFFIXES[(mixed >> 11) % len(SUFFIXES)]
    name = " ".join(part for part in (*words, generic, suffix) if part)
    domain = ""
    if (mixed >> 17) % 10 < 8:
        domain = f"{words[-1].lower()}{number % 97}.example"
    return Customer(name, domain, tuple(words), generic, suffix)


def columns(number: int) -> tuple[str, str, str, str, str]:
    """Name, domain, normalised name and the two blocking keys of customer
    ``number``, as the product computes them."""
    row = customer(number)
    normalised = conflicts.normalise_name(row.name)
    first, longest = conflicts.blocking_keys(normalised)
    return row.name, row.domain, normalised, first, longest


@dataclass(frozen=True)
class Label:
    """A new registration and the live customer it conflicts with."""

    kind: str  # "domain", "name" or "fuzzy"
    name: str
    domain: str
    target: int  # the customer number of the live registration


def _typo(text: str, rng: random.Random) -> str:
    """Two neighbouring letters swapped, anywhere after the first."""
    at = rng.randrange(1, len(text) - 1)
    return text[:at] + text[at + 1] + text[at] + text[at + 2 :]


def _fuzzy(row: Customer, rng: random.Random) -> str:
    """How a second partner might type a customer: another order, another or no
    generic word, another legal suffix, or a typo in a made-up word when another
    made-up word remains (a typo in the only distinctive word shares no blocking
    key: ``typo_in_only_word`` measures that apart)."""
    words = list(row.words)
    made_up = [item for item in words if item not in COMMON]
    kinds = ["order", "generic", "suffix"] if len(words) > 1 else ["generic", "suffix"]
    if len(made_up) > 1:
        kinds.append("typo")
    kind = rng.choice(kinds)
    generic, suffix = row.generic, row.suffix
    if kind == "order":
        words = [*words[1:], words[0]]
    elif kind == "generic":
        generic = rng.choice([item for item in GENERIC if item != generic])
    elif kind == "suffix":
        suffix = rng.choice(["Corporation", "Limited", "Inc.", "GmbH & Co KG"])
        generic = ""
    else:
        at = words.index(made_up[0])
        words[at] = _typo(words[at], rng)
    return " ".join(part for part in (*words, generic, suffix) if part)


def labels(
    *, live: list[int], count: int, seed: int = 21, fresh_from: int = 10**9
) -> list[Label]:
    """``count`` labelled registrations of each kind against customers drawn from
    ``live``: the same domain under an unrelated name, the same name typed
    otherwise (case, punctuation, legal suffix; no domain), and a fuzzy variant
    (no domain) that the check's rules call the same customer when compared
    directly (a name similarity of at least ``NAME_MATCH_THRESHOLD``)."""
    rng = random.Random(seed)
    with_domain = [number for number in live if customer(number).domain]
    result = []
    for index in range(count):
        target = rng.choice(with_domain)
        unrelated = f"{word(fresh_from + index)} Ventures"
        result.append(Label("domain", unrelated, customer(target).domain, target))
    for _ in range(count):
        target = rng.choice(live)
        row = customer(target)
        typed = " ".join(part for part in (*row.words, row.generic) if part)
        suffix = rng.choice(["Inc.", "Ltd", "GmbH", "S.A.", ""])
        typed = f"{typed.upper()}, {suffix}".strip(", ")
        result.append(Label("name", typed, "", target))
    made = 0
    while made < count:
        target = rng.choice(live)
        row = customer(target)
        variant = _fuzzy(row, rng)
        similarity = conflicts.name_similarity(
            conflicts.normalise_name(variant), conflicts.normalise_name(row.name)
        )
        if similarity < conflicts.NAME_MATCH_THRESHOLD:
            continue
        result.append(Label("fuzzy", variant, "", target))
        made += 1
    return result


def typo_in_only_word(*, live: list[int], count: int, seed: int = 22) -> list[Label]:
    """Variants with a typo in the name's only made-up word (reported apart: no
    blocking key is left but a common word, if any)."""
    rng = random.Random(seed)
    result = []
    for target in live:
        if len(result) == count:
            break
        row = customer(target)
        made_up = [item for item in row.words if item not in COMMON]
        if len(made_up) != 1 or rng.random() < 0.5:
            continue
        words = [_typo(item, rng) if item == made_up[0] else item for item in row.words]
        variant = " ".join(part for part in (*words, row.generic) if part)
        similarity = conflicts.name_similarity(
            conflicts.normalise_name(variant), conflicts.normalise_name(row.name)
        )
        if similarity >= conflicts.NAME_MATCH_THRESHOLD:
            result.append(Label("typo_only_word", variant, "", target))
    return result
