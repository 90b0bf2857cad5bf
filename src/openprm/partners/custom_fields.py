"""Validation of custom field values against their definitions, without I/O.

Forms, the API, imports and scorecards all call :func:`validate`, so a value means the
same wherever it came from. Values are stored as JSON: text as a string, a number as
an int or a float, a date as ``YYYY-MM-DD``, a choice as one of the definition's
choices, a multiple choice as a list of them (in the definition's order), a boolean
as ``true``/``false``. An empty value (``None``, ``""``, ``[]``) removes the key.
"""

import datetime
import decimal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

MAX_TEXT_LENGTH = 1000
TRUE_WORDS = {"true", "yes", "on", "1"}
FALSE_WORDS = {"false", "no", "off", "0"}
EMPTY = (None, "", [])


@dataclass(frozen=True)
class Result:
    """The cleaned values to store, or the errors by key (never both)."""

    values: dict[str, Any]
    errors: dict[str, list[str]]

    @property
    def is_valid(self) -> bool:
        return not self.errors


class _Invalid(Exception):
    pass


def _text(definition, raw):
    if not isinstance(raw, str | int | float) or isinstance(raw, bool):
        raise _Invalid(_("Enter text."))
    value = str(raw).strip()
    if len(value) > MAX_TEXT_LENGTH:
        raise _Invalid(
            _("Enter at most %(count)s characters.") % {"count": MAX_TEXT_LENGTH}
        )
    return value


def _number(definition, raw):
    if isinstance(raw, bool):
        raise _Invalid(_("Enter a number."))
    try:
        number = decimal.Decimal(str(raw).strip())
    except decimal.InvalidOperation:
        raise _Invalid(_("Enter a number.")) from None
    if not number.is_finite():
        raise _Invalid(_("Enter a number."))
    return int(number) if number == number.to_integral_value() else float(number)


def _date(definition, raw):
    if isinstance(raw, datetime.date) and not isinstance(raw, datetime.datetime):
        return raw.isoformat()
    try:
        return datetime.date.fromisoformat(str(raw).strip()).isoformat()
    except ValueError:
        raise _Invalid(_("Enter a date as YYYY-MM-DD.")) from None


def _choice(definition, raw):
    value = str(raw).strip()
    if value not in definition.choices:
        raise _Invalid(
            _("Choose one of: %(choices)s.")
            % {"choices": ", ".join(definition.choices)}
        )
    return value


def _multi_choice(definition, raw):
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple):
        raise _Invalid(_("Choose a list of values."))
    chosen = {str(item).strip() for item in items}
    unknown = sorted(chosen - set(definition.choices))
    if unknown:
        raise _Invalid(
            _("Unknown choices: %(unknown)s.") % {"unknown": ", ".join(unknown)}
        )
    return [choice for choice in definition.choices if choice in chosen]


def _boolean(definition, raw):
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _Invalid(_("Enter true or false."))


CLEANERS = {
    "text": _text,
    "number": _number,
    "date": _date,
    "choice": _choice,
    "multi_choice": _multi_choice,
    "boolean": _boolean,
}


def _is_empty(raw) -> bool:
    return raw is None or (isinstance(raw, str | list | tuple) and not raw)


def validate(
    definitions: Iterable,
    raw_values: Mapping[str, Any],
    *,
    current: Mapping[str, Any] | None = None,
    complete: bool = False,
) -> Result:
    """Check ``raw_values`` against ``definitions`` (the active ones the caller may
    edit) and merge them into ``current``.

    A key without a definition is an error. A required field may not be emptied;
    with ``complete`` (a new record, a whole form) a required field must also be
    present. Keys of ``current`` that ``raw_values`` does not mention are kept as
    they are.
    """
    by_key = {definition.key: definition for definition in definitions}
    values = dict(current or {})
    errors: dict[str, list[str]] = {}
    for key, raw in raw_values.items():
        definition = by_key.get(key)
        if definition is None:
            errors[key] = [_("Unknown field.")]
            continue
        if _is_empty(raw) or (isinstance(raw, str) and not raw.strip()):
            if definition.is_required:
                errors[key] = [_("This field is required.")]
            values.pop(key, None)
            continue
        try:
            values[key] = CLEANERS[definition.field_type](definition, raw)
        except _Invalid as error:
            errors[key] = [error.args[0]]
    if complete:
        for key, definition in by_key.items():
            if definition.is_required and key not in values and key not in errors:
                errors[key] = [_("This field is required.")]
    if errors:
        return Result(values={}, errors=errors)
    return Result(values=values, errors={})
