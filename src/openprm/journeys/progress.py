"""Pure decisions of onboarding journeys: when a task's condition holds, when a
journey is done (an uploaded file is checked by ``core.uploads``)."""

from collections.abc import Iterable
from datetime import datetime


def missing_profile_fields(partner, fields: Iterable[str]) -> list[str]:
    """The named fields the partner's profile leaves empty: a partner attribute of
    that name, else a custom field of that key."""
    missing = []
    for name in fields:
        if name in {"custom_fields", "password"} or name.startswith("_"):
            missing.append(name)
            continue
        if hasattr(partner, name):
            value = getattr(partner, name)
        else:
            value = (partner.custom_fields or {}).get(name)
        if value in (None, "", [], {}) or (hasattr(value, "name") and not value.name):
            missing.append(name)
    return missing


def colleagues_needed(*, active_members: int, count: int) -> int:
    """How many colleagues are still to join: the admin plus ``count`` others."""
    return max(0, count + 1 - active_members)


def journey_done(tasks) -> bool:
    """Every required task is complete (optional ones never block)."""
    return all(task.completed_at is not None for task in tasks if task.is_required)


def is_overdue(task, now: datetime) -> bool:
    return task.completed_at is None and task.due_at is not None and task.due_at < now
