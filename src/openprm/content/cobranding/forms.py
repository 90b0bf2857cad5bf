"""The console's zone editor: whether the asset is co-brandable, and one row per
zone."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.content.cobranding import zones
from openprm.core.errors import ApplicationError
from openprm.core.forms import StyledForm

EXTRA_ROWS = 2


class CobrandingForm(StyledForm):
    is_cobrandable = forms.BooleanField(
        label=_("Partners can download a co-branded copy"), required=False
    )


class ZoneForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", "—"), *zones.KINDS.items()],
    )
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1)
    x = forms.FloatField(label=_("x"), required=False)
    y = forms.FloatField(label=_("y"), required=False)
    width = forms.FloatField(label=_("Width"), required=False)
    height = forms.FloatField(label=_("Height"), required=False)
    field = forms.ChoiceField(
        label=_("Shows"), required=False, choices=[("", "—"), *zones.FIELDS.items()]
    )
    font_size = forms.FloatField(label=_("Font size"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("x", "y", "width", "height", "font_size"):
            self.fields[name].widget.attrs.update(
                {"step": "any", "inputmode": "decimal"}
            )
        # The table's cells have no label of their own: name them for screen
        # readers (and tests) by row.
        row = (self.prefix or "").rpartition("-")[2]
        number = int(row) + 1 if row.isdigit() else ""
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = f"{field.label} {number}".strip()

    def zone(self) -> dict | None:
        """The row as a zone of ``Asset.cobrand_zones``; None for an empty row or
        one marked for removal."""
        data = self.cleaned_data
        if not data or data.get("DELETE") or not data.get("kind"):
            return None
        zone = {
            "kind": data["kind"],
            "page": data.get("page"),
            **{key: data.get(key) for key in zones.BOX_KEYS},
        }
        if data["kind"] == zones.TEXT:
            zone["field"] = data.get("field") or ""
            if data.get("font_size") is not None:
                zone["font_size"] = data["font_size"]
        elif data.get("field"):
            zone["field"] = data["field"]
        return zone


ZoneFormSet = forms.formset_factory(
    ZoneForm, extra=EXTRA_ROWS, can_delete=True, max_num=zones.MAX_ZONES
)


def zone_rows(formset) -> tuple[list[dict], list[int]]:
    """The zones of a valid formset, and for each the index of its row."""
    found, rows = [], []
    for index, form in enumerate(formset.forms):
        zone = form.zone()
        if zone is not None:
            found.append(zone)
            rows.append(index)
    return found, rows


def show_service_error(
    error: ApplicationError, *, form: CobrandingForm, formset, rows: list[int]
) -> None:
    """A service's refusal on the row and cell it names (``zones.1.x``: the
    second zone's ``x``), else above the form."""
    if not error.field_errors:
        form.add_error(None, str(error.message))
        return
    for key, problems in error.field_errors.items():
        parts = key.split(".")
        target_form, target_field = form, None
        if parts[0] == "zones" and len(parts) >= 2 and parts[1].isdigit():
            zone_index = int(parts[1])
            if zone_index < len(rows):
                target_form = formset.forms[rows[zone_index]]
                if len(parts) == 3 and parts[2] in target_form.fields:
                    target_field = parts[2]
        elif key == "is_cobrandable":
            target_field = key
        for problem in problems:
            target_form.add_error(target_field, str(problem))
