"""Which steps make a request's chain (pure logic): the steps of its kind whose
conditions all hold for the request's facts, in order. Each choice says why."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from openprm.core.formatting import format_money


@dataclass(frozen=True)
class Facts:
    """What the rules read about a subject. Leave out what does not apply."""

    amount: Decimal | None = None
    currency: str = ""
    region: str = ""
    programme_id: int | None = None
    partner_types: tuple[str, ...] = field(default_factory=tuple)


def conditions_met(step: Any, facts: Facts) -> list[str] | None:
    """The conditions of ``step`` that ``facts`` meet, as words; None when one
    fails. An amount band only holds for an amount in the band's currency."""
    met: list[str] = []
    if step.programme_id is not None:
        if step.programme_id != facts.programme_id:
            return None
        met.append(_("programme %(name)s") % {"name": step.programme})
    if step.regions:
        if facts.region not in step.regions:
            return None
        met.append(_("region %(region)s") % {"region": facts.region})
    if step.partner_types:
        shared = [kind for kind in facts.partner_types if kind in step.partner_types]
        if not shared:
            return None
        met.append(_("partner type %(types)s") % {"types": ", ".join(shared)})
    if step.min_amount is not None or step.max_amount is not None:
        if facts.amount is None or (step.currency and facts.currency != step.currency):
            return None
        if step.min_amount is not None:
            if facts.amount < step.min_amount:
                return None
            met.append(
                _("amount from %(amount)s")
                % {"amount": format_money(step.min_amount, step.currency)}
            )
        if step.max_amount is not None:
            if facts.amount >= step.max_amount:
                return None
            met.append(
                _("amount below %(amount)s")
                % {"amount": format_money(step.max_amount, step.currency)}
            )
    return met


def chain(steps: Iterable[Any], facts: Facts) -> list[tuple[Any, list[str]]]:
    """The steps (already in order) that apply to ``facts``, each with the
    conditions it met."""
    chosen = []
    for step in steps:
        met = conditions_met(step, facts)
        if met is not None:
            chosen.append((step, met))
    return chosen


def step_after(steps: Iterable[Any], facts: Facts, position: int) -> Any | None:
    """The first step of the chain at or after ``position``."""
    for step, _met in chain(steps, facts):
        if step.position >= position:
            return step
    return None


def explain(chosen: list[tuple[Any, list[str]]]) -> str:
    """The chain in words: each step and why it is in it."""
    if not chosen:
        return _("No approval chain applies: one review step.")
    parts = []
    for step, met in chosen:
        why = ", ".join(met) if met else _("always")
        parts.append(
            _("%(position)s. %(name)s (%(why)s)")
            % {"position": step.position, "name": step.name, "why": why}
        )
    return _("Chain: %(steps)s.") % {"steps": "; ".join(parts)}


def target_label(*, user=None, queue=None) -> str:
    if user is not None:
        return user.email
    if queue is not None:
        return _("queue %(name)s") % {"name": queue.name}
    return _("nobody")
