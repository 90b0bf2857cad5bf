"""The base forms of every page (:class:`StyledForm`, :class:`ServiceForm`), and the
filter forms of the kernel's own pages (audit trail, outbox)."""

import datetime

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from openprm.core import events, inputs, iso
from openprm.core.errors import ApplicationError
from openprm.core.models import AuditAction
from openprm.core.pickers import PickerField, PickerSource
from openprm.core.selectors import RETRYING, AuditFilters, EventFilters

# Widgets that Bootstrap styles with their own classes (form-check), not a box.
_UNBOXED_WIDGETS = (
    forms.CheckboxInput,
    forms.CheckboxSelectMultiple,
    forms.RadioSelect,
    forms.HiddenInput,
)


def refuse_control_characters(value) -> None:
    """The text rule of every input (``core.inputs``): no control characters but
    tab and line breaks, no lone surrogates."""
    if isinstance(value, str) and (problem := inputs.text_problem(value)):
        raise ValidationError(problem, code="control_characters")


class StyledForm(forms.Form):
    """Bootstrap's classes on the widgets: ``form-select`` on choices, and
    ``form-control`` on the rest (``-sm`` for the compact filter bars). Every text
    field refuses control characters, as the API does."""

    compact = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(refuse_control_characters)
            if isinstance(field.widget, _UNBOXED_WIDGETS):
                continue
            css = (
                "form-select"
                if isinstance(field, forms.ChoiceField)
                else "form-control"
            )
            if self.compact:
                css = f"{css} {css}-sm"
            field.widget.attrs.setdefault("class", css)


def _country_options():
    return [("", _("Choose a country")), *iso.country_choices()]


def _currency_options():
    return iso.currency_choices()


class CountryField(forms.ChoiceField):
    """A country picked by its name from the ISO 3166 list; the value is the code.
    A page that includes ``openprm/pickers.js`` adds a search box to the select
    (``data-searchable``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Country"))
        super().__init__(choices=_country_options, **kwargs)
        self.widget.attrs.setdefault("data-searchable", "")
        self.widget.attrs.setdefault("autocomplete", "country")


class CurrencyField(forms.ChoiceField):
    """An ISO 4217 currency; the form sets its ``initial`` to the partner's
    (``iso.currency_for_country``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Currency"))
        super().__init__(choices=_currency_options, **kwargs)


class ServiceForm(StyledForm):
    """Input for a service: a service's refusal is shown on the fields it names.

    The service's field names are usually the form's; a form whose fields are named
    otherwise (a prefix, a nested key) says so in :meth:`service_field`."""

    def service_field(self, name: str) -> str | None:
        """The form field that shows a service's problem with ``name``; None puts
        it above the form."""
        return name if name in self.fields else None

    def add_service_error(self, error: ApplicationError) -> None:
        if not error.field_errors:
            self.add_error(None, str(error.message))
            return
        for name, problems in error.field_errors.items():
            target = self.service_field(name)
            for problem in problems:
                self.add_error(target, str(problem))


def _day_start(day: datetime.date | None) -> datetime.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class _PeriodForm(StyledForm):
    compact = True

    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    partner = PickerField(
        label=_("Partner"),
        required=False,
        empty_label=_("Any partner"),
        search_label=_("Search partners"),
        error_messages={
            "invalid_choice": _("Choose a partner from the list."),
            "pick_a_match": _("Choose one of the partners that match “%(term)s”."),
            "no_match": _("No partner matches “%(term)s”."),
        },
    )
    request_id = forms.CharField(
        label=_("Request"),
        required=False,
        max_length=64,
        help_text=_("The changes made by one request (linked from an entry)."),
    )

    def __init__(
        self, *args, partners: PickerSource | None = None, internal=True, **kwargs
    ):
        """``partners``: the partners the reader may pick (a picker that searches
        on the server, ``core.pickers``); ``internal=False`` (the portal) leaves
        out what only vendor staff follow: the partner and the request."""
        super().__init__(*args, **kwargs)
        if not internal or partners is None:
            self.fields.pop("partner")
        else:
            self.fields["partner"].set_source(partners)
        if not internal:
            self.fields.pop("request_id")

    def value(self, name: str):
        """A cleaned value; a field that failed to validate does not filter."""
        if not self.is_valid() and name in self.errors:
            return None
        return self.cleaned_data.get(name)

    def period(self) -> tuple[datetime.datetime | None, datetime.datetime | None]:
        """The date range as [start of the first day, start of the day after)."""
        date_to = self.value("date_to")
        return (
            _day_start(self.value("date_from")),
            _day_start(date_to + datetime.timedelta(days=1) if date_to else None),
        )


def _object_type_choices():
    """Every OpenPRM model by its name ("Deal"), the value its audit key."""
    kinds = sorted(
        (
            (model._meta.label_lower, capfirst(str(model._meta.verbose_name)))
            for model in apps.get_models()
            if model.__module__.startswith("openprm.")
        ),
        key=lambda item: str(item[1]).casefold(),
    )
    return [("", _("Any kind")), *kinds]


class AuditFilterForm(_PeriodForm):
    actor = forms.CharField(label=_("Actor email"), required=False, max_length=254)
    object_type = forms.ChoiceField(
        label=_("Kind of record"), required=False, choices=_object_type_choices
    )
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("Any action")), *AuditAction.choices],
    )
    field_order = [
        "actor",
        "object_type",
        "action",
        "partner",
        "date_from",
        "date_to",
        "request_id",
    ]

    def filters(self) -> AuditFilters:
        occurred_from, occurred_until = self.period()
        return AuditFilters(
            actor=self.value("actor") or "",
            object_type=self.value("object_type") or "",
            action=self.value("action") or "",
            partner_id=self.value("partner"),
            occurred_from=occurred_from,
            occurred_until=occurred_until,
            request_id=self.value("request_id") or "",
        )


def _subscriber_choices():
    return [("", _("Any subscriber"))] + [
        (subscriber.name, subscriber.name) for subscriber in events.subscribers()
    ]


class EventFilterForm(_PeriodForm):
    name = forms.CharField(label=_("Event"), required=False, max_length=100)
    delivery = forms.ChoiceField(
        label=_("Delivery"),
        required=False,
        choices=[
            ("", _("Any delivery state")),
            ("failed", _("Failed (given up)")),
            (RETRYING, _("Retrying after an error")),
            ("pending", _("Pending")),
            ("delivered", _("Delivered")),
        ],
    )
    subscriber = forms.ChoiceField(
        label=_("Subscriber"), required=False, choices=_subscriber_choices
    )
    field_order = [
        "name",
        "delivery",
        "subscriber",
        "partner",
        "date_from",
        "date_to",
        "request_id",
    ]

    def filters(self) -> EventFilters:
        occurred_from, occurred_until = self.period()
        return EventFilters(
            name=self.value("name") or "",
            delivery_state=self.value("delivery") or "",
            subscriber=self.value("subscriber") or "",
            partner_id=self.value("partner"),
            occurred_from=occurred_from,
            occurred_until=occurred_until,
            request_id=self.value("request_id") or "",
        )


class ReplayForm(forms.Form):
    subscriber = forms.CharField(required=False, max_length=100)


class BrandingForm(ServiceForm):
    """The vendor's branding (``core.branding.branding_update`` checks it)."""

    vendor_name = forms.CharField(label=_("Vendor name"), max_length=100)
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG or WebP, at most 1 MB; shown on a dark header."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    primary_colour = forms.CharField(
        label=_("Primary colour"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=_(
            "Buttons and links of the public pages, the portal and the console."
        ),
    )
    privacy_notice_url = forms.CharField(
        label=_("Privacy notice address"),
        max_length=500,
        required=False,
        help_text=_("Linked from the consent box of the application form."),
    )
    programme_pitch = forms.CharField(
        label=_("Why partner with us"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown above the programmes on the public page /apply/."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["primary_colour"].widget.attrs["class"] = (
            "form-control form-control-color"
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (a claim's invoices, its proofs): the cleaned
    value is a list; what each file is, the service checks (``core.uploads``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [
                super(MultipleFileField, self).clean(item, initial) for item in data
            ]
        if not data:
            return [] if not self.required else [super().clean(data, initial)]
        return [super().clean(data, initial)]
