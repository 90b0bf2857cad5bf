"""The navigation of the two web areas, which apps extend as they add pages.

An app appends ``NavItem``s in its ``AppConfig.ready()``; the base template shows the
items of the area the current page belongs to.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # The URL namespace prefix that marks the item active, e.g. "console:partner".
    active_prefix: str = ""

    def url(self) -> str:
        return reverse(self.url_name)


CONSOLE: list[NavItem] = []
PORTAL: list[NavItem] = []
