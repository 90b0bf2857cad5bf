"""The registry of notification kinds.

Each app registers the kinds it sends in its ``notices.py`` (imported at start-up
like its ``tasks.py``), with this module's :func:`register`::

    kinds.register("application.approved", _("Your application was approved"),
                   required=True)

A user may switch off the email of a kind unless it is required (the process
cannot go on without it, e.g. a request for more information).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    required: bool = False


_registry: dict[str, Kind] = {}


def register(key: str, label, required: bool = False) -> Kind:
    """Register a kind (again only identically: a different definition is an error)."""
    kind = Kind(key=key, label=label, required=required)
    existing = _registry.get(key)
    if existing is not None and existing != kind:
        raise ValueError(f"Notification kind {key!r} is registered twice")
    _registry[key] = kind
    return kind


def get(key: str) -> Kind:
    try:
        return _registry[key]
    except KeyError:
        raise LookupError(f"No notification kind {key!r} is registered") from None


def registered() -> list[Kind]:
    return sorted(_registry.values(), key=lambda kind: kind.key)
