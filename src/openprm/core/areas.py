"""Access to the two web areas, for pages that the kernel contributes to them.

The rules (console: vendor staff; portal: an active partner membership) belong to the
accounts app, which registers them at start-up with :func:`set_area_guard`; ``core``
imports no app, so its console and portal views are wrapped in :func:`area_view`.
"""

from collections.abc import Callable
from functools import wraps

CONSOLE = "console"
PORTAL = "portal"

_guards: dict[str, Callable] = {}


def set_area_guard(area: str, guard: Callable) -> None:
    """``guard`` is a view decorator, e.g. ``accounts.access.console_view``."""
    _guards[area] = guard


def area_view(area: str) -> Callable:
    """Wrap a view in the access rule of ``area``, looked up when first called."""

    def decorator(view):
        guarded = None

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            nonlocal guarded
            if guarded is None:
                if area not in _guards:
                    raise RuntimeError(f"No access rule is registered for {area!r}")
                guarded = _guards[area](view)
            return guarded(request, *args, **kwargs)

        return wrapper

    return decorator
