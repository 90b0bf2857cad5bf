"""Pickers that search on the server: a choice among many rows (a partner among
100,000) without writing every row into the page.

A :class:`PickerField` renders only the empty option and the chosen row; typing
in its search box asks the search endpoint for the first :data:`PICK_LIMIT`
matches (``static/openprm/pickers.js`` on a ``<select data-search-url>``).
Without JavaScript the search box is submitted with the form: the page comes back
with the matches as options and asks to choose one of them. Validation checks the
chosen key against the reader's rows in one query.

What a picker chooses among is a :class:`PickerSource` (the reader's rows, how
typed text narrows them, the endpoint's address). An app that owns such rows
registers how to build one for a reader (:func:`set_picker_source`), so that the
kernel's own forms (the audit trail's partner filter) pick partners without
importing the partners app.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django import forms
from django.db.models import QuerySet
from django.http import JsonResponse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

# The matches a search returns: enough to pick from, few enough to be cheap.
PICK_LIMIT = 20
# The longest typed text a search takes (a name is at most 200 characters).
MAX_TERM = 200
# The search box's name beside the field's own: ``<field>_search``.
SEARCH_SUFFIX = "_search"


@dataclass(frozen=True)
class PickerSource:
    """The rows a picker may choose among (already scoped to the reader), how
    typed text narrows them (``search(rows, term)``, an indexed search), the
    column shown, and the address of the search endpoint."""

    rows: QuerySet
    search: Callable[[QuerySet, str], QuerySet]
    url: str
    label: str = "name"

    def matches(self, term: str, *, limit: int = PICK_LIMIT) -> list[tuple]:
        """(key, label) of up to ``limit`` + 1 rows matching ``term`` by label
        (the one beyond ``limit`` says there are more); every row's first ones
        for an empty term. One query."""
        term = term.strip()[:MAX_TERM]
        rows = self.search(self.rows, term) if term else self.rows
        return list(
            rows.order_by(self.label, "pk").values_list("pk", self.label)[: limit + 1]
        )

    def labels(self, keys: Iterable) -> dict:
        """{key: label} of those of ``keys`` among the rows; one query (none for
        no key)."""
        keys = sorted(set(keys))
        if not keys:
            return {}
        return dict(self.rows.filter(pk__in=keys).values_list("pk", self.label))


_sources: dict[str, Callable[..., PickerSource]] = {}


def set_picker_source(kind: str, build: Callable[..., PickerSource]) -> None:
    """Register how to build the source of ``kind`` (``"partner"``) for a reader:
    ``build(user=..., area=...)``; the app that owns the rows does at start-up."""
    _sources[kind] = build


def picker_source(kind: str, *, user, area: str) -> PickerSource:
    """The source of ``kind`` for ``user`` in ``area`` (console or portal)."""
    try:
        build = _sources[kind]
    except KeyError:
        raise RuntimeError(f"No picker source is registered for {kind!r}") from None
    return build(user=user, area=area)


def search_response(source: PickerSource, term: str) -> JsonResponse:
    """The search endpoint's answer: ``{"results": [{"id", "name"}], "more"}``,
    the first :data:`PICK_LIMIT` matches by label."""
    found = source.matches(term)
    return JsonResponse(
        {
            "results": [
                {"id": key, "name": label} for key, label in found[:PICK_LIMIT]
            ],
            "more": len(found) > PICK_LIMIT,
        }
    )


class PickerSelect(forms.Select):
    """A select holding only the empty option, the chosen row and, after a search
    without JavaScript, its matches; with a search box before it."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.source: PickerSource | None = None
        self.empty_label = ""
        self.search_label = ""
        # Labels already read (by validation), so that rendering asks nothing.
        self.known: dict = {}
        # The search box's text, as submitted (no JavaScript), and its matches.
        self.term = ""
        self._matches: dict[str, list[tuple]] = {}

    def __deepcopy__(self, memo):
        copied = super().__deepcopy__(memo)
        copied.known = {}
        copied._matches = {}
        return copied

    def value_from_datadict(self, data, files, name):
        self.term = (data.get(name + SEARCH_SUFFIX) or "").strip()[:MAX_TERM]
        return super().value_from_datadict(data, files, name)

    def searched(self) -> list[tuple]:
        """The matches of the submitted search text (none without one)."""
        if not self.term or self.source is None:
            return []
        if self.term not in self._matches:
            self._matches[self.term] = self.source.matches(self.term)[:PICK_LIMIT]
        return self._matches[self.term]

    def optgroups(self, name, value, attrs=None):
        chosen = [item for item in value if item not in ("", None)]
        keys = set()
        for item in chosen:
            try:
                keys.add(int(item))
            except (TypeError, ValueError):
                continue
        missing = keys - self.known.keys()
        if missing and self.source is not None:
            self.known.update(self.source.labels(missing))
        shown = [(key, self.known[key]) for key in sorted(keys) if key in self.known]
        shown += [row for row in self.searched() if row[0] not in keys]
        self.choices = [("", self.empty_label), *shown]
        return super().optgroups(name, value, attrs)

    def render(self, name, value, attrs=None, renderer=None):
        select = super().render(name, value, attrs, renderer)
        select_id = (attrs or {}).get("id") or self.attrs.get("id") or ""
        small = "-sm" in self.attrs.get("class", "")
        search = format_html(
            '<input type="search" name="{}" value="{}" class="{}" '
            'placeholder="{}" aria-label="{}" aria-controls="{}" '
            'autocomplete="off" maxlength="{}" data-picker-search>',
            name + SEARCH_SUFFIX,
            self.term,
            "form-control form-control-sm mb-1" if small else "form-control mb-1",
            self.search_label,
            self.search_label,
            select_id,
            MAX_TERM,
        )
        # The matches' status for screen readers, filled by pickers.js.
        status = format_html(
            '<div class="visually-hidden" role="status" aria-live="polite" '
            'data-picker-status="{}" data-say-none="{}" data-say-some="{}" '
            'data-say-more="{}" data-say-failed="{}"></div>',
            select_id,
            _("Nothing matches."),
            _("Matches: %(count)s."),
            _("The first %(count)s matches: type more to narrow them."),
            _("The search did not answer; try again."),
        )
        return mark_safe(  # noqa: S308 (each part is escaped above)
            conditional_escape(search) + conditional_escape(select) + status
        )


class PickerField(forms.TypedChoiceField):
    """A row chosen by its label among a :class:`PickerSource`'s rows; the
    cleaned value is the row's key (``coerce``). The form sets the source
    (:meth:`set_source`); until then nothing is valid."""

    widget = PickerSelect
    default_error_messages = {
        "invalid_choice": _("Choose one of the options listed."),
        "pick_a_match": _("Choose one of those that match “%(term)s”."),
        "no_match": _("Nothing matches “%(term)s”."),
    }

    def __init__(self, *, empty_label="", search_label="", **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("empty_value", None)
        super().__init__(choices=(), **kwargs)
        self.widget.empty_label = empty_label
        self.widget.search_label = search_label

    def set_source(self, source: PickerSource) -> None:
        self.widget.source = source
        self.widget.attrs["data-search-url"] = source.url

    def valid_value(self, value) -> bool:
        """Whether ``value`` is the key of one of the source's rows (one query)."""
        source = self.widget.source
        try:
            key = int(value)
        except (TypeError, ValueError):
            return False
        if source is None:
            return False
        if key not in self.widget.known:
            self.widget.known.update(source.labels([key]))
        return key in self.widget.known

    def validate(self, value):
        term = self.widget.term
        if value in self.empty_values and term:
            # Searched without JavaScript: the page lists the matches to choose.
            code = "pick_a_match" if self.widget.searched() else "no_match"
            raise forms.ValidationError(
                self.error_messages[code], code=code, params={"term": term}
            )
        super().validate(value)
