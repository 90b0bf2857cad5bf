"""The navigation of the two web areas, which apps extend as they add pages.

An app appends ``NavItem``s in its ``AppConfig.ready()``; the base template shows the
items of the area the current page belongs to.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import get_script_prefix, get_urlconf, reverse


@functools.lru_cache(maxsize=512)
def _reverse(url_name: str, urlconf: str | None, script_prefix: str) -> str:
    # The navigation is drawn on every page; its URLs change only with the URLconf
    # and the script prefix, so each is reversed once per combination.
    return reverse(url_name, urlconf=urlconf)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # The URL namespace prefix that marks the item active, e.g. "console:partner".
    active_prefix: str = ""
    # Shown only when this says so for the request (e.g. admins' pages); must not
    # query the database, as it runs on every page.
    visible: Callable[[object], bool] | None = None
    # Items show by ``order``, then in registration order: apps are ready()-ed in
    # INSTALLED_APPS order, so an app listed early can still place its items last.
    order: int = 0

    def url(self) -> str:
        return _reverse(self.url_name, get_urlconf(), get_script_prefix())

    def is_visible(self, request) -> bool:
        return self.visible is None or self.visible(request)


CONSOLE: list[NavItem] = []
PORTAL: list[NavItem] = []
