"""The navigation of the two web areas, which apps extend as they add pages.

An app declares its items in its ``navigation.py`` (found at start-up, like its
``tasks.py``)::

    register(CONSOLE, NavItem(_("Deals"), "console:deal_list", section=REVENUE))

The base template shows the items of the area the current page belongs to; the
console's are grouped by the job people do (:data:`SECTIONS`).

The navigation is drawn on every page, and drawing it through the template language
cost more than a page's table. :func:`shell_navigation` draws it once per
*everything it shows*: which items the request may see (each item's ``visible``
answer, asked on every request), which one is active, the language and the URLconf
and script prefix. Two requests share a drawing only when all of these are equal,
so it cannot show one user's items to another, and nothing needs invalidating: a
change of role changes the ``visible`` answers and so the key.

An item is shown only to those who may open its page: the page's own
:class:`~openprm.core.permissions.Rule` (the one its ``console_page``/``portal_page``
decorator checks) is asked first, from the roles the request already holds, so an
item can never lead to a 403 its page would answer. ``visible`` adds what the rule
does not say (e.g. "only while the partner is onboarding").
"""

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, resolve, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

CONSOLE_AREA, PORTAL_AREA = "console", "portal"

# The console's sections, in the order they show: the jobs people come to do.
PARTNERS = "partners"
RECRUITMENT = "recruitment"
REVENUE = "revenue"
ENABLEMENT = "enablement"
INCENTIVES = "incentives"
INSIGHTS = "insights"
SETTINGS = "settings"
SECTIONS = {
    PARTNERS: _("Partners"),
    RECRUITMENT: _("Recruitment"),
    REVENUE: _("Revenue"),
    ENABLEMENT: _("Enablement"),
    INCENTIVES: _("Incentives and funds"),
    INSIGHTS: _("Insights"),
    SETTINGS: _("Settings"),
}


@functools.lru_cache(maxsize=512)
def _reverse(url_name: str, urlconf: str | None, script_prefix: str) -> str:
    # The navigation is drawn on every page; its URLs change only with the URLconf
    # and the script prefix, so each is reversed once per combination.
    return reverse(url_name, urlconf=urlconf)


@functools.lru_cache(maxsize=512)
def _page_rule(url_name: str, urlconf: str | None, script_prefix: str):
    """The access rule of the page an item opens (None: the area's rule only)."""
    path = _reverse(url_name, urlconf, script_prefix)
    return getattr(resolve(path, urlconf=urlconf).func, "rule", None)


def _holds_rule(rule, request) -> bool:
    """Whether the request's reader passes ``rule``, from the roles the page
    already holds: the vendor role of staff, the portal membership's roles of
    partner users (never a query)."""
    if rule is None:
        return True
    user = request.user
    if getattr(user, "is_vendor_staff", False):
        return rule.allows_roles(vendor_role=user.vendor_role)
    membership = getattr(request, "membership", None)
    return membership is not None and rule.allows_roles(partner_roles=membership.roles)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # The URL namespace prefix that marks the item active, e.g. "console:partner".
    active_prefix: str = ""
    # Shown only when this says so for the request (e.g. admins' pages); must not
    # query the database, as it runs on every page.
    visible: Callable[[object], bool] | None = None
    # Items show by ``order``, then in registration order (apps in INSTALLED_APPS
    # order), so an app listed early can still place its items last.
    order: int = 0
    # The console section it belongs to (a key of SECTIONS; "" for the top).
    section: str = ""

    def url(self) -> str:
        return _reverse(self.url_name, get_urlconf(), get_script_prefix())

    def rule(self):
        """The access rule of the item's page."""
        return _page_rule(self.url_name, get_urlconf(), get_script_prefix())

    def is_visible(self, request) -> bool:
        return _holds_rule(self.rule(), request) and (
            self.visible is None or self.visible(request)
        )

    def is_active(self, view_name: str) -> bool:
        return view_name == self.url_name or bool(
            self.active_prefix and view_name.startswith(self.active_prefix)
        )


CONSOLE: list[NavItem] = []
PORTAL: list[NavItem] = []
AREAS = {CONSOLE_AREA: CONSOLE, PORTAL_AREA: PORTAL}


def register(area: str, *items: NavItem) -> None:
    """Add an app's items to an area's navigation (from its ``navigation.py``)."""
    for item in items:
        if item.section and item.section not in SECTIONS:
            raise ValueError(f"Unknown navigation section {item.section!r}")
    AREAS[area].extend(items)


NAV_LINK = '<li class="nav-item"><a class="nav-link{}" href="{}"{}>{}</a></li>'


@dataclass(frozen=True)
class Drawing:
    """One area's navigation for one combination of what decides it."""

    # The area's items when it was drawn: a hit is used only while the registry
    # still holds these very items (tests and late apps may change it).
    source: tuple[NavItem, ...]
    # Read-only, as every request with the same key shares them.
    items: tuple[MappingProxyType, ...]
    html: SafeString


_DRAWINGS: OrderedDict[tuple, Drawing] = OrderedDict()
_DRAWINGS_SIZE = 512
_lock = threading.Lock()


NAV_SECTION = (
    '<li class="nav-item nav-section mt-3 px-3 small text-uppercase '
    'text-body-secondary fw-semibold">{}</li>'
)


def _draw(items: list[NavItem], shown: tuple[bool, ...], view_name: str) -> Drawing:
    """The shown items by ``order``; items with a section are grouped under its
    heading, the sections in :data:`SECTIONS` order, after the items without one."""
    visible = [item for item, is_shown in zip(items, shown, strict=True) if is_shown]
    rank = {key: position for position, key in enumerate(SECTIONS, start=1)}
    ordered = sorted(visible, key=lambda item: (rank.get(item.section, 0), item.order))
    entries = tuple(
        MappingProxyType(
            {
                "label": str(item.label),
                "url": item.url(),
                "active": item.is_active(view_name),
                "section": item.section,
            }
        )
        for item in ordered
    )
    parts = []
    section = ""
    for entry in entries:
        if entry["section"] != section:
            section = entry["section"]
            parts.append(format_html(NAV_SECTION, SECTIONS[section]))
        parts.append(
            format_html(
                NAV_LINK,
                " active" if entry["active"] else "",
                entry["url"],
                mark_safe(' aria-current="page"') if entry["active"] else "",
                entry["label"],
            )
        )
    html = format_html_join("\n", "{}", ((part,) for part in parts))
    return Drawing(source=tuple(items), items=entries, html=html)


def shell_navigation(request) -> tuple[str, tuple[MappingProxyType, ...], SafeString]:
    """The area of the request's page, its navigation items (label, url, active)
    and their HTML list items."""
    match = getattr(request, "resolver_match", None)
    area = match.namespace if match else ""
    items = AREAS.get(area)
    if not items:
        return area, (), SafeString("")
    view_name = match.view_name
    # Asked on every request: the key holds the answers, never the user.
    shown = tuple(bool(item.is_visible(request)) for item in items)
    key = (area, shown, view_name, get_language(), get_urlconf(), get_script_prefix())
    with _lock:
        drawing = _DRAWINGS.get(key)
        if drawing is not None:
            _DRAWINGS.move_to_end(key)
    if drawing is None or not _same_items(drawing.source, items):
        drawing = _draw(items, shown, view_name)
        with _lock:
            _DRAWINGS[key] = drawing
            while len(_DRAWINGS) > _DRAWINGS_SIZE:
                _DRAWINGS.popitem(last=False)
    return area, drawing.items, drawing.html


def _same_items(source: tuple[NavItem, ...], items: list[NavItem]) -> bool:
    return len(source) == len(items) and all(
        old is new for old, new in zip(source, items, strict=True)
    )


def clear_drawings() -> None:
    """Forget every drawn navigation (tests that change labels or URLs)."""
    with _lock:
        _DRAWINGS.clear()


def _forget(**kwargs) -> None:
    # A setting that the drawings depend on (the URLconf, the languages) changed.
    _reverse.cache_clear()
    _page_rule.cache_clear()
    clear_drawings()


setting_changed.connect(_forget, dispatch_uid="openprm.core.navigation")
