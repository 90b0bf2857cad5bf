"""The sections of the console's partner page (the partner 360), contributed by the
apps that own their data.

The partners app sits below the apps that hold a partner's programmes, deals, leads,
users, agreements, journeys and notifications, so it cannot read them itself. Each
of those apps registers a section from its ``hooks.py`` (imported at start-up)::

    register_section(PartnerSection(
        key="deals", title=_("Deals and pipeline"), order=30,
        template="deals/_partner_section.html", load=partner_section,
    ))

``load(user, partner)`` reads through the app's own scoped selectors in a fixed
number of queries (never one per row), and returns the template's context, or
``None`` when the user's role may not see that part of the partner: the section
is then left out of the page.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PartnerSection:
    key: str
    title: str
    order: int
    template: str
    load: Callable[..., dict | None]
    # Also on the portal's organisation page (``load`` gets the portal's user and
    # the organisation it works for).
    in_portal: bool = False


@dataclass(frozen=True)
class LoadedSection:
    key: str
    title: str
    template: str
    context: dict


_sections: dict[str, PartnerSection] = {}


def register_section(section: PartnerSection) -> None:
    _sections[section.key] = section


def registered_sections() -> list[PartnerSection]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))


def sections_for(*, user, partner, portal: bool = False) -> list[LoadedSection]:
    """The sections ``user`` may see of ``partner``, in page order, loaded: the
    console's, or with ``portal`` those shown on the portal's organisation page."""
    loaded = []
    for section in registered_sections():
        if portal and not section.in_portal:
            continue
        context = section.load(user, partner)
        if context is not None:
            loaded.append(
                LoadedSection(
                    section.key, str(section.title), section.template, context
                )
            )
    return loaded
