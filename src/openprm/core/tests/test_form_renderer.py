"""The form renderer writes plain inputs and selects exactly as Django's own
templates do, whatever the values; other widgets go to the templates."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from openprm.core.form_renderer import FormRenderer


class Everything(forms.Form):
    text = forms.CharField(max_length=20, help_text="Words")
    number = forms.IntegerField(min_value=0, required=False)
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    secret = forms.CharField(widget=forms.PasswordInput, required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    day = forms.DateField(required=False)
    day_picker = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    flag = forms.BooleanField(required=False)
    kind = forms.ChoiceField(
        choices=[("", "Any"), ("a", "A & B"), ("<b>", mark_safe("<i>safe</i>"))]
    )
    grouped = forms.ChoiceField(
        choices=[("Fruit", [("apple", "Apple"), ("pear", "Pear")]), ("x", "X")]
    )
    many = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two")])
    radio = forms.ChoiceField(
        choices=[("r", "R"), ("s", "S")], widget=forms.RadioSelect
    )
    ticks = forms.MultipleChoiceField(
        choices=[("t", "T")], widget=forms.CheckboxSelectMultiple, required=False
    )
    notes = forms.CharField(widget=forms.Textarea, required=False)


BOUND_VALUES = [
    {},
    {
        "text": 'a "quoted" <tag> & more',
        "number": "-3",
        "email": "x@example.com",
        "url": "https://example.com/?a=1&b=2",
        "secret": "s3cr3t",
        "hidden": "h'idden",
        "day": "2026-12-07",
        "day_picker": "not a date",
        "flag": "on",
        "kind": "<b>",
        "grouped": "pear",
        "many": ["1", "2"],
        "radio": "s",
        "ticks": ["t"],
        "notes": "<script>",
    },
]


@pytest.mark.parametrize("data", BOUND_VALUES)
@pytest.mark.parametrize("bound", [True, False])
def test_every_widget_renders_as_djangos_templates_render_it(data, bound):
    initial = {"text": "fi<rst", "kind": "a", "flag": True, "number": 7}
    form = Everything(data if bound else None, initial=initial)
    if bound:
        form.is_valid()  # errors add aria-invalid to the fields that have them
    for field in form:
        ours = field.as_widget()
        form.renderer = DjangoTemplates()
        djangos = field.as_widget()
        form.renderer = FormRenderer()
        assert ours == djangos, field.name


def test_pages_use_the_renderer(settings):
    assert Everything().renderer.__class__ is FormRenderer
