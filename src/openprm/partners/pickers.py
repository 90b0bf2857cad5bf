"""Picking a partner by its name: the form field every console form uses instead
of a numeric id box."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _


class PartnerPickerField(forms.TypedChoiceField):
    """A partner chosen by name among ``partners`` (the user's scope, set by the
    form); the cleaned value is the partner's id, as the services take it. The
    select gets a search box (static/openprm/pickers.js)."""

    def __init__(self, *, empty_label=None, **kwargs):
        kwargs.setdefault("label", _("Partner"))
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("empty_value", None)
        super().__init__(choices=(), **kwargs)
        self.empty_label = empty_label or _("Choose a partner")
        self.widget.attrs["data-searchable"] = ""
        self.widget.attrs["data-search-placeholder"] = _("Search partners")

    def set_partners(self, partners: QuerySet) -> None:
        self.choices = [
            ("", self.empty_label),
            *partners.order_by("name", "id").values_list("pk", "name"),
        ]
