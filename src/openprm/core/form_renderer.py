"""The form renderer of every page: Django's, with its plainest widgets written
in Python.

Django renders each widget through templates — a select through one more
template per option — which made a filter bar of seven fields cost about as
much as the rest of the portal library page's 24 cards. The inputs and selects
below are written here exactly as Django's own templates write them (the tests
compare both for every kind of value); every other template (radios,
checkboxes in a list, form layouts) is rendered by Django as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData

_INPUT = "django/forms/widgets/input.html"
_INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "search",
        "date",
        "datetime",
        "time",
        "checkbox",
    )
)
_SELECT = "django/forms/widgets/select.html"
_OPTION = "django/forms/widgets/select_option.html"


def _text(value) -> str:
    """A value as ``{{ value|stringformat:'s' }}`` writes it (escaped, unless it
    was marked safe)."""
    text = "%s" % (value,)  # noqa: UP031 (what stringformat:'s' does)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{_text(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{_text(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _option(option: dict) -> str:
    return (
        f'<option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>"
    )


def _select(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"']
    parts.append(_attrs(widget["attrs"]) + ">")
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if option["template_name"] != _OPTION:
                return ""  # a widget with its own option template: Django's way
            # Django's option template ends with a line break.
            parts.append(f"\n  {_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class FormRenderer(DjangoTemplates):
    """Django's template renderer, writing plain inputs and selects directly."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None:
            if template_name in _INPUTS:
                return _input(widget)
            if template_name == _SELECT:
                html = _select(widget)
                if html:
                    return html
        return super().render(template_name, context, request=request)
