"""Routing of applications (pure logic): the first active rule, in order, whose
conditions all hold sends the application to its approver or queue; when none
matches, the fallback queue takes it. The decision carries its reason."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

# A country as applications and routing rules name it: two upper-case letters.
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class Facts:
    """What routing looks at."""

    programme_id: int
    region: str
    country: str
    partner_types: tuple[str, ...]


@dataclass(frozen=True)
class Decision:
    rule: Any = None
    user: Any = None
    queue: Any = None
    reason: str = ""


def _conditions(rule, facts: Facts) -> list[str] | None:
    """The conditions of ``rule`` that ``facts`` meet, as words; None when one fails."""
    met = []
    if rule.programme_id is not None:
        if rule.programme_id != facts.programme_id:
            return None
        met.append(_("programme %(name)s") % {"name": rule.programme})
    if rule.regions:
        if facts.region not in rule.regions:
            return None
        met.append(_("region %(region)s") % {"region": facts.region})
    if rule.countries:
        if facts.country not in rule.countries:
            return None
        met.append(_("country %(country)s") % {"country": facts.country})
    if rule.partner_types:
        shared = [kind for kind in facts.partner_types if kind in rule.partner_types]
        if not shared:
            return None
        met.append(_("partner type %(types)s") % {"types": ", ".join(shared)})
    return met


def target_label(*, user=None, queue=None) -> str:
    if user is not None:
        return user.email
    if queue is not None:
        return _("queue %(name)s") % {"name": queue.name}
    return _("nobody")


def route(facts: Facts, rules: Iterable, fallback_queue=None) -> Decision:
    """Where an application with ``facts`` goes under ``rules`` (already ordered)."""
    for rule in rules:
        if not rule.is_active:
            continue
        met = _conditions(rule, facts)
        if met is None:
            continue
        target = target_label(user=rule.user, queue=rule.queue)
        conditions = ", ".join(met) if met else _("any application")
        return Decision(
            rule=rule,
            user=rule.user,
            queue=rule.queue,
            reason=_("Rule “%(rule)s” matched (%(conditions)s): sent to %(target)s.")
            % {"rule": rule.name, "conditions": conditions, "target": target},
        )
    if fallback_queue is not None:
        return Decision(
            queue=fallback_queue,
            reason=_("No routing rule matched: sent to the fallback queue %(name)s.")
            % {"name": fallback_queue.name},
        )
    return Decision(
        reason=_(
            "No routing rule matched and there is no fallback queue: vendor admins "
            "review it."
        )
    )
