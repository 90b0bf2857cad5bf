"""The subject kinds an app registers with the engine (from its ``hooks.py``).

A kind says how the engine names, links and settles its subjects::

    subjects.register(SubjectKind(
        key="funds.request",
        label=_("Fund request"),
        url=lambda request: reverse("console:fund_request", args=[request.object_id]),
        on_decided=fund_request_decided,   # (request, outcome) -> str | None
    ))

``on_decided`` runs in the transaction of the final decision (approved or
rejected): if it raises, the decision is rolled back with it. ``on_change``, when
given, runs in the same transaction after every other move (a step approved, an
escalation, information asked or answered, a reminder), e.g. to notify in the
subject's own words. ``engine_events`` and ``engine_notices`` say whether the
engine itself emits ``approval.*`` events and notifies the approvers; a kind that
speaks for itself (onboarding's applications keep their ``application.*`` events
and notices) turns them off.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class Outcome:
    """A move of a request, as told to its subject kind."""

    request: Any
    change: str  # an ActionKind value
    actor: Any = None
    note: str = ""
    # What the caller of the engine's service passed for its subject (e.g. a base
    # URL for an invitation); the engine does not read it.
    context: dict = field(default_factory=dict)
    # Where the request waited before the move (escalations), as words.
    previous_target: str = ""


def _default_sla_days() -> int:
    return settings.OPENPRM_APPROVAL_SLA_DAYS


def _default_reminder_hours() -> int:
    return settings.OPENPRM_APPROVAL_REMINDER_HOURS


def _no_escalation_queue() -> str:
    return ""


@dataclass(frozen=True)
class SubjectKind:
    key: str
    label: str
    # The console page of the subject a request is about.
    url: Callable[[Any], str]
    # The final decision (approved or rejected); returns an optional note that the
    # history's last line keeps (e.g. "invitation sent").
    on_decided: Callable[[Outcome], str | None]
    on_change: Callable[[Outcome], None] | None = None
    # Who else may act on any request of the kind besides its assignees (e.g.
    # vendor admins); None: only the assignees, their delegates and vendor admins.
    may_act: Callable[[Any, Any], bool] | None = None
    engine_events: bool = True
    engine_notices: bool = True
    default_step_name: str = ""
    sla_days: Callable[[], int] = _default_sla_days
    reminder_hours: Callable[[], int] = _default_reminder_hours
    # The queue (by name) a request escalates to once its step's own escalation
    # target has had it too.
    escalation_queue: Callable[[], str] = _no_escalation_queue
    # The kind runs the engine's sweep for itself from a sweep of its own
    # (``requests_sweep(kinds=(key,))``); the engine's sweep leaves it alone.
    own_sweep: bool = False


_KINDS: dict[str, SubjectKind] = {}


def register(kind: SubjectKind) -> SubjectKind:
    _KINDS[kind.key] = kind
    return kind


def get(key: str) -> SubjectKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"Unknown approval subject kind: {key}") from None


def registered() -> list[SubjectKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.key)
