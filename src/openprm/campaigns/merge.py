"""Merge fields of campaign emails: a small explicit substitution, never a template
engine, so that what a user types cannot run template tags or reach other data.

Fields: ``{{ company }}``, ``{{ contact }}``, ``{{ programme }}``.
"""

import re

from django.utils.html import escape, linebreaks

FIELDS = ("company", "contact", "programme")
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


def unknown_fields(text: str) -> list[str]:
    """The placeholders in ``text`` that are not merge fields."""
    return sorted({name for name in _PLACEHOLDER.findall(text) if name not in FIELDS})


def render(text: str, values: dict[str, str]) -> str:
    """``text`` with each merge field replaced by its value (plain text)."""
    return _PLACEHOLDER.sub(
        lambda match: str(values.get(match.group(1), match.group(0))), text
    )


def render_html(text: str, values: dict[str, str]) -> str:
    """The HTML version: the template and the values are both escaped."""
    return linebreaks(escape(render(text, values)))
