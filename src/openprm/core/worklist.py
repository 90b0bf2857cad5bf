"""What waits for a person, gathered from the apps for the two homes.

The portal home lists everything that needs the reader now (lead offers to answer,
deal questions, agreements to accept, onboarding tasks, invitations), each with its
deadline and a link, then the organisation's recent activity; the console home lists
the reader's queues with their SLA status. The areas sit above the domain apps and
must not import each app's models, so each app registers what it contributes from
its ``hooks.py``::

    register_portal_work(selectors.portal_home_work)
    register_console_queues(selectors.console_home_queues)

A portal contributor is called as ``contributor(user=…, partner=…)`` and returns a
:class:`Contribution`; a console contributor as ``contributor(user=…)`` and returns
a list of :class:`Queue`. Each answers for the reader's roles (a technical user gets
no deal to answer) and reads a fixed number of queries whatever the number of rows,
so the homes cost the same with one item or a hundred.

The portal home also shows what the partner has earned (won revenue, points,
funds available, discount level): each app registers a figure loader the same
way, ``register_portal_figures(loader, order=…)``, called as
``loader(user=…, partner=…)``; it returns a :class:`Figure`, or None when the
reader may not see it (the same rule as the page it links to) or there is
nothing to show.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

# What the portal home shows at most of each list.
WORK_LIMIT = 20
ACTIVITY_LIMIT = 12
# A deadline within this is "due soon".
DUE_SOON = timedelta(hours=24)


@dataclass(frozen=True)
class WorkItem:
    """One thing the reader should do: what, by when, and where."""

    kind: str  # what sort of thing, e.g. "Lead offer"
    title: str  # what to do, in people's words
    url: str
    due_at: datetime | None = None  # the deadline, if there is one
    detail: str = ""  # one line of context
    since: datetime | None = None  # when it started waiting (no deadline)

    @property
    def is_overdue(self) -> bool:
        return self.due_at is not None and self.due_at <= timezone.now()

    @property
    def is_due_soon(self) -> bool:
        return (
            self.due_at is not None
            and not self.is_overdue
            and self.due_at <= timezone.now() + DUE_SOON
        )


@dataclass(frozen=True)
class Activity:
    """Something that happened at the organisation, as a sentence."""

    at: datetime
    text: str
    url: str = ""


@dataclass(frozen=True)
class Contribution:
    items: list[WorkItem] = field(default_factory=list)
    activity: list[Activity] = field(default_factory=list)


NOTHING = Contribution()


@dataclass(frozen=True)
class Queue:
    """One of a vendor user's queues on the console home, with its SLA status."""

    label: str
    url: str
    count: int
    overdue: int = 0
    due_soon: int = 0
    # What the count means ("to review", "unassigned"), and a note under it.
    unit: str = ""
    note: str = ""
    order: int = 100

    @classmethod
    def counted(cls, counts: dict, **fields) -> "Queue":
        """A queue from an aggregate's ``count``, ``overdue`` and ``due_soon``
        (each None when no row matched, and absent when not counted)."""
        return cls(
            count=counts.get("count") or 0,
            overdue=counts.get("overdue") or 0,
            due_soon=counts.get("due_soon") or 0,
            **fields,
        )


def sla_counts(*, due_field: str, waiting: Q, soon: timedelta = DUE_SOON) -> dict:
    """The aggregates of a queue with an SLA: the rows ``waiting`` for the reader
    (``count``), those past ``due_field`` (``overdue``) and those due within
    ``soon`` (``due_soon``), for ``QuerySet.aggregate``."""
    now = timezone.now()
    return {
        "count": Count("pk", filter=waiting),
        "overdue": Count("pk", filter=waiting & Q(**{f"{due_field}__lte": now})),
        "due_soon": Count(
            "pk",
            filter=waiting
            & Q(**{f"{due_field}__gt": now, f"{due_field}__lte": now + soon}),
        ),
    }


@dataclass(frozen=True)
class Figure:
    """One thing the partner has earned, in people's words, for the portal home:
    a label, one or more values (e.g. one per currency) and the page it comes from."""

    label: str
    values: tuple[str, ...]
    url: str = ""
    detail: str = ""
    key: str = ""  # a stable name for tests and styling, e.g. "points"


PortalContributor = Callable[..., Contribution]
FigureLoader = Callable[..., Figure | None]
ConsoleContributor = Callable[..., list[Queue]]

_portal: list[tuple[int, PortalContributor]] = []
_console: list[ConsoleContributor] = []
_figures: list[tuple[int, FigureLoader]] = []


def register_portal_work(contributor: PortalContributor, *, order: int = 100) -> None:
    """Add an app's contribution to the portal home (from its ``hooks.py``)."""
    if contributor not in [known for _, known in _portal]:
        _portal.append((order, contributor))
        _portal.sort(key=lambda pair: pair[0])


def register_portal_figures(loader: FigureLoader, *, order: int = 100) -> None:
    """Add an app's figure to the portal home's "What you have earned" card (from
    its ``hooks.py``); the lowest ``order`` shows first."""
    if loader not in [known for _, known in _figures]:
        _figures.append((order, loader))
        _figures.sort(key=lambda pair: pair[0])


def register_console_queues(contributor: ConsoleContributor) -> None:
    """Add an app's queues to the console home (from its ``hooks.py``)."""
    if contributor not in _console:
        _console.append(contributor)


def _deadline_order(item: WorkItem) -> tuple:
    # Deadlines first, soonest first; then what has waited longest.
    far = datetime.max.replace(tzinfo=timezone.get_current_timezone())
    return (item.due_at is None, item.due_at or far, item.since or far)


def portal_work(*, user, partner) -> tuple[list[WorkItem], list[Activity]]:
    """What needs ``user`` at ``partner`` now (soonest deadline first) and the
    organisation's recent activity (newest first)."""
    items: list[WorkItem] = []
    activity: list[Activity] = []
    for _order, contributor in _portal:
        contribution = contributor(user=user, partner=partner)
        items.extend(contribution.items)
        activity.extend(contribution.activity)
    items.sort(key=_deadline_order)
    activity.sort(key=lambda entry: entry.at, reverse=True)
    return items[:WORK_LIMIT], activity[:ACTIVITY_LIMIT]


def portal_figures(*, user, partner) -> list[Figure]:
    """What ``partner`` has earned, as far as ``user`` may see it, in the apps'
    order (each loader reads a fixed number of queries)."""
    found = []
    for _order, loader in _figures:
        figure = loader(user=user, partner=partner)
        if figure is not None:
            found.append(figure)
    return found


def console_queues(*, user) -> list[Queue]:
    """The vendor user's queues, in the apps' order, those their role has."""
    queues: list[Queue] = []
    for contributor in _console:
        queues.extend(contributor(user=user))
    return sorted(queues, key=lambda queue: queue.order)
