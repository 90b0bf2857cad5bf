"""Console forms of scorecards and criteria: input only; the rules are in the
services, whose field errors are added back to these forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.forms import ServiceForm
from openprm.partners.choices import PartnerStatus
from openprm.scoring.choices import CriterionKind
from openprm.scoring.scorecards import CUSTOM_PREFIX, PROFILE_FIELDS


class ScorecardForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    applies_to_statuses = forms.MultipleChoiceField(
        label=_("Scores partners with status"),
        choices=PartnerStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every partner."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


def _parse_lines(text: str, kind: str) -> dict:
    """``security = 30`` per line (bands: ``10..50 = 40``; yes/no: ``= 100``)."""
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, _sep, points = line.rpartition("=")
        try:
            points = int(points.strip())
        except ValueError:
            raise forms.ValidationError(
                _("Line %(line)s: end with = and whole points.") % {"line": number}
            ) from None
        key = key.strip()
        if kind == CriterionKind.RANGE_BANDS:
            low, _dots, high = key.partition("..")
            try:
                band = {
                    "min": float(low) if low.strip() else None,
                    "max": float(high) if high.strip() else None,
                }
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(line)s: write a band as min..max.") % {"line": number}
                ) from None
            items.append({**band, "points": points})
        else:
            items.append({"value": key, "points": points})
    if kind == CriterionKind.RANGE_BANDS:
        return {"bands": items}
    if kind == CriterionKind.IS_TRUE:
        return {"points": items[0]["points"] if items else 100}
    return {"values": items}


def config_as_lines(kind: str, config: dict) -> str:
    if kind == CriterionKind.RANGE_BANDS:
        return "\n".join(
            f"{'' if band['min'] is None else band['min']}.."
            f"{'' if band['max'] is None else band['max']} = {band['points']}"
            for band in config.get("bands", [])
        )
    if kind == CriterionKind.IS_TRUE:
        return f"= {config.get('points', 100)}"
    return "\n".join(
        f"{item['value']} = {item['points']}" for item in config.get("values", [])
    )


class CriterionForm(ServiceForm):
    label = forms.CharField(label=_("Label"), max_length=200)
    field = forms.ChoiceField(label=_("Field"))
    kind = forms.ChoiceField(label=_("Kind"), choices=CriterionKind.choices)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, initial=1)
    config = forms.CharField(
        label=_("Points"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line, 0-100 points: “security = 30”; bands “10..50 = 40” "
            "(an empty side is open); yes/no “= 100”."
        ),
    )

    def __init__(self, *args, custom_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [
            (name, name.replace("_", " ").capitalize()) for name in PROFILE_FIELDS
        ] + [
            (CUSTOM_PREFIX + definition.key, f"{definition.label} ({definition.key})")
            for definition in custom_fields
        ]

    def clean(self):
        cleaned = super().clean()
        if "config" in cleaned and "kind" in cleaned:
            try:
                cleaned["config"] = _parse_lines(cleaned["config"], cleaned["kind"])
            except forms.ValidationError as error:
                self.add_error("config", error)
        return cleaned
