"""What the data set's deals and leads are filled from alike: the partners that
hold them, company names, and inserts by chunks (see bench/dataset.py)."""

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from typing import Any

WORDS = ("Nordic", "Atlas", "Vertex", "Blue", "Granite", "Summit", "Harbor", "Civic")
KINDS = ("Logistics", "Retail", "Energy", "Health", "Foods", "Systems", "Bank")


@dataclass(frozen=True)
class Fill:
    """The partner rows of the data set and how its other tables are written.

    ``partners`` are the partner table's tuples (id, ..., status at 6, country at
    7, region at 8); ``when(fraction)`` the creation time that far into the three
    years; ``insert(table, rows)`` writes rows into a ``bench.dataset.Table``.
    """

    partners: list[tuple]
    bench_partner_id: int
    active: str
    when: Callable[[float], Any]
    insert: Callable[[Any, list[tuple]], None]
    new_uuid: Callable[[], Any]

    @cached_property
    def active_ids(self) -> list[int]:
        return [row[0] for row in self.partners if row[6] == self.active]

    def holder(self, rng: random.Random, *, bench_share: float) -> int:
        """An active partner: the bench partner ``bench_share`` of the time."""
        if rng.random() < bench_share:
            return self.bench_partner_id
        return rng.choice(self.active_ids)


def company_words(rng: random.Random) -> tuple[str, str]:
    """The two words of a company's name ("Nordic", "Logistics")."""
    return rng.choice(WORDS), rng.choice(KINDS)


def chunks(rows: Iterable, size: int) -> Iterator[list]:
    """``rows`` by lists of ``size`` (the last one shorter), so that a million
    generated rows never sit in memory at once."""
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk
