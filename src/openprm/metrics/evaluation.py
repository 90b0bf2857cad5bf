"""Tier evaluation: which tier an enrolment's figures earn (no I/O).

A partner keeps its tier while it meets the tier's requirements; it is
recommended up to the highest tier above whose requirements it all meets, and
down to the highest tier below whose requirements it meets when it misses one of
its own (a requirement not measured yet never counts as missed). Each
recommendation carries every requirement's outcome, figure and what is left.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from openprm.programs.choices import Operator
from openprm.programs.requirements import Outcome, evaluate_requirements


class Direction(models.TextChoices):
    PROMOTE = "promote", _("Promote")
    KEEP = "keep", _("Keep")
    DEMOTE = "demote", _("Demote")


@dataclass(frozen=True)
class Verdict:
    direction: str
    to_tier: object  # a programs.Tier
    # Each requirement of the tier judged (the current one's for keep or demote,
    # the target's for promote): {"metric", "operator", "threshold", "value",
    # "outcome", "reason", "left"}
    results: list[dict]

    @property
    def missed(self) -> list[dict]:
        return [row for row in self.results if row["outcome"] == Outcome.NOT_MET]


def left_to_do(requirement, value: Decimal | None) -> Decimal | None:
    """How far a figure is from an "at least" threshold (None when met or not
    measured, or for other operators)."""
    if value is None or requirement.operator != Operator.AT_LEAST:
        return None
    gap = Decimal(requirement.threshold) - Decimal(value)
    return gap if gap > 0 else None


def judged(requirements, values: Mapping) -> list[dict]:
    return [
        {
            "metric": result.requirement.metric,
            "operator": result.requirement.operator,
            "threshold": str(result.requirement.threshold),
            "value": None if result.value is None else str(result.value),
            "outcome": str(result.outcome),
            "reason": result.reason,
            "left": (
                None
                if (gap := left_to_do(result.requirement, result.value)) is None
                else str(gap)
            ),
        }
        for result in evaluate_requirements(requirements, values)
    ]


def _meets(rows: list[dict]) -> bool:
    return all(row["outcome"] != Outcome.NOT_MET for row in rows) and any(
        row["outcome"] == Outcome.MET for row in rows
    )


def verdict(*, tiers: list, current, values: Mapping, requirements) -> Verdict:
    """``tiers`` in rank order; ``requirements(tier)`` lists a tier's rules."""
    own = judged(requirements(current), values)
    for tier in reversed([tier for tier in tiers if tier.rank > current.rank]):
        rows = judged(requirements(tier), values)
        if rows and _meets(rows):
            return Verdict(Direction.PROMOTE, tier, rows)
    if any(row["outcome"] == Outcome.NOT_MET for row in own):
        below = [tier for tier in tiers if tier.rank < current.rank]
        for tier in reversed(below):
            rows = judged(requirements(tier), values)
            if not rows or _meets(rows):
                return Verdict(Direction.DEMOTE, tier, own)
    return Verdict(Direction.KEEP, current, own)
