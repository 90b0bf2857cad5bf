from openprm.core import events
from openprm.core.models import OutboxEvent


def deliver_all() -> None:
    """What the worker does: hand every outbox event to its subscribers, including
    the events those subscribers emit."""
    seen: set[int] = set()
    while True:
        pending = list(OutboxEvent.objects.exclude(pk__in=seen).order_by("pk"))
        if not pending:
            return
        for event in pending:
            seen.add(event.pk)
            events.deliver(event)


def names(prefix: str = "") -> list[str]:
    return list(
        OutboxEvent.objects.filter(name__startswith=prefix)
        .order_by("pk")
        .values_list("name", flat=True)
    )
