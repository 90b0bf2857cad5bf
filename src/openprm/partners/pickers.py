"""Picking a partner by its name: the form field every console form uses instead
of a numeric id box, and the search behind it (``core.pickers``)."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openprm.core.pickers import PickerField, PickerSource
from openprm.core.search import search_q
from openprm.core.web import CONSOLE, PORTAL
from openprm.partners.models import PARTNER_SEARCH, Partner

# The search endpoint of each area (``partners.views.partner_picker``).
SEARCH_URLS = {CONSOLE: "console:partner_picker", PORTAL: "portal:partner_picker"}


def partner_search(partners: QuerySet[Partner], term: str) -> QuerySet[Partner]:
    """Partners whose name, legal name or city holds ``term`` (the directory's
    index, on both databases)."""
    return partners.filter(search_q(term, PARTNER_SEARCH))


def partner_source(partners: QuerySet[Partner], *, area: str = CONSOLE) -> PickerSource:
    """A picker among ``partners`` (already the reader's scope), searched through
    ``area``'s endpoint."""
    return PickerSource(
        rows=partners, search=partner_search, url=reverse(SEARCH_URLS[area])
    )


def partner_source_for(*, user, area: str) -> PickerSource:
    """Every partner ``user`` may see: the kernel's filters (audit trail, events)
    and the search endpoint."""
    return partner_source(Partner.objects.visible_to(user), area=area)


class PartnerPickerField(PickerField):
    """A partner chosen by name among ``partners`` (the user's scope, set by the
    form); the cleaned value is the partner's id, as the services take it. The
    page holds only the chosen partner: typing searches on the server
    (``core.pickers``, static/openprm/pickers.js)."""

    default_error_messages = {
        "invalid_choice": _("Choose a partner from the list."),
        "pick_a_match": _("Choose one of the partners that match “%(term)s”."),
        "no_match": _("No partner matches “%(term)s”."),
    }

    def __init__(self, *, empty_label=None, **kwargs):
        kwargs.setdefault("label", _("Partner"))
        super().__init__(
            empty_label=empty_label or _("Choose a partner"),
            search_label=_("Search partners"),
            **kwargs,
        )

    def set_partners(self, partners: QuerySet, *, area: str = CONSOLE) -> None:
        self.set_source(partner_source(partners, area=area))
