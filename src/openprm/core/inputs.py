"""The bounds every input is held to, in one place: text, integers, decimals and
dates, derived from the models where a schema names one.

The API layer (:class:`openprm.core.api.StrictSchema`) rewrites each field of an
input schema into a bounded type with :func:`bounded`; the web forms share the
text rule (:func:`text_problem`) through ``core.forms``.

- **Text** refuses the C0 control characters but tab, line feed and carriage
  return, and DEL (they break exports and terminals), and any lone UTF-16
  surrogate (not Unicode text: no database or file format stores it). Its length
  is the model field's ``max_length``, else :data:`TEXT_MAX_LENGTH`.
- **Integers** stay inside the model field's range (PostgreSQL's, the narrowest of
  the supported databases), else a signed 32-bit range.
- **Decimals** keep the model field's digits and decimal places (``"1.234"`` is
  refused where cents are stored, never rounded) and are finite.
- **Dates** lie between :data:`EARLIEST_DATE` and :data:`LATEST_DATE`: arithmetic
  on them (months of a forecast, a protection period) cannot leave what Python's
  ``date`` holds.
"""

import datetime
import re
import types
from decimal import Decimal
from typing import Annotated, Any, Union, get_args, get_origin

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo
from pydantic_core import PydanticCustomError

# C0 controls but \t \n \r, and DEL.
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_CONTROL_RE = re.compile(f"[{_CONTROL}]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
# The same rule as a JSON Schema pattern (ECMA-262), for the OpenAPI document.
TEXT_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$"

TEXT_MAX_LENGTH = 10_000  # text that no model field bounds (filters, free notes)
LONG_TEXT_MAX_LENGTH = 100_000  # a model's TextField (page bodies, descriptions)
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2199, 12, 31)

# PostgreSQL's ranges of Django's integer fields.
_INTEGER_RANGES = {
    "SmallIntegerField": (-(2**15), 2**15 - 1),
    "IntegerField": (INT_MIN, INT_MAX),
    "BigIntegerField": (BIGINT_MIN, BIGINT_MAX),
    "PositiveSmallIntegerField": (0, 2**15 - 1),
    "PositiveIntegerField": (0, INT_MAX),
    "PositiveBigIntegerField": (0, BIGINT_MAX),
    "SmallAutoField": (1, 2**15 - 1),
    "AutoField": (1, INT_MAX),
    "BigAutoField": (1, BIGINT_MAX),
}


def text_problem(value: str) -> str | None:
    """Why ``value`` is not acceptable text, or None."""
    if _SURROGATE_RE.search(value):
        return str(_("Text must be valid Unicode (no unpaired surrogates)."))
    if _CONTROL_RE.search(value):
        return str(_("Control characters are not allowed."))
    return None


def has_unicode_problem(value: Any) -> bool:
    """Whether a parsed JSON value holds, anywhere, a string no database stores:
    a lone surrogate or a NUL character (PostgreSQL refuses both, also in JSON)."""
    if isinstance(value, str):
        return "\x00" in value or bool(_SURROGATE_RE.search(value))
    if isinstance(value, dict):
        return any(
            has_unicode_problem(key) or has_unicode_problem(item)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return any(has_unicode_problem(item) for item in value)
    return False


def _checked_text(value: str) -> str:
    if problem := text_problem(value):
        raise PydanticCustomError("text", problem)
    return value


def _in_json_body(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get("json_body"))


def _json_integer(value: Any, info: ValidationInfo) -> Any:
    """In a JSON body an integer is a JSON integer: not ``true``, ``"1"`` or ``1.0``
    (a query string's text is parsed as usual)."""
    if _in_json_body(info) and type(value) is not int:
        raise PydanticCustomError("int_type", "Input should be a JSON integer")
    return value


def _json_boolean(value: Any, info: ValidationInfo) -> Any:
    """In a JSON body a boolean is ``true`` or ``false``, not ``0`` or ``"no"``."""
    if _in_json_body(info) and type(value) is not bool:
        raise PydanticCustomError("bool_type", "Input should be a JSON boolean")
    return value


def _json_number(value: Any, info: ValidationInfo) -> Any:
    """A decimal in a JSON body is a number or a numeric string, not ``true``."""
    if _in_json_body(info) and (
        isinstance(value, bool) or not isinstance(value, int | float | str)
    ):
        raise PydanticCustomError("decimal_type", "Input should be a number")
    return value


def _checked_date(value: datetime.date) -> datetime.date:
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise PydanticCustomError(
            "date_range",
            "Dates must lie between {earliest} and {latest}",
            {"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )
    return value


def model_field(model: type[models.Model] | None, name: str) -> models.Field | None:
    """The field of ``model`` an input field named ``name`` stands for (a foreign
    key's input is its target's key)."""
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not getattr(field, "concrete", False):
        return None
    if field.is_relation:
        return field.target_field
    return field


def _text_type(field: models.Field | None) -> Any:
    if field is not None and getattr(field, "max_length", None):
        most = field.max_length
    elif isinstance(field, models.TextField):
        most = LONG_TEXT_MAX_LENGTH
    else:
        most = TEXT_MAX_LENGTH
    return Annotated[
        str,
        Field(max_length=most, json_schema_extra={"pattern": TEXT_PATTERN}),
        AfterValidator(_checked_text),
    ]


def _int_type(field: models.Field | None) -> Any:
    low, high = INT_MIN, INT_MAX
    if field is not None:
        low, high = _INTEGER_RANGES.get(field.get_internal_type(), (low, high))
    return Annotated[int, Field(ge=low, le=high), BeforeValidator(_json_integer)]


def _decimal_type(field: models.Field | None) -> Any:
    if isinstance(field, models.DecimalField):
        limits = {
            "max_digits": field.max_digits,
            "decimal_places": field.decimal_places,
        }
    else:
        limits = {"max_digits": 30}
    return Annotated[
        Decimal,
        Field(allow_inf_nan=False, **limits),
        BeforeValidator(_json_number),
    ]


def _float_type(field: models.Field | None) -> Any:
    return Annotated[
        float,
        Field(allow_inf_nan=False, ge=-1e15, le=1e15),
        BeforeValidator(_json_number),
    ]


_SCALARS = {
    str: _text_type,
    bool: lambda field: Annotated[bool, BeforeValidator(_json_boolean)],
    int: _int_type,
    Decimal: _decimal_type,
    float: _float_type,
    datetime.date: lambda field: Annotated[
        datetime.date, AfterValidator(_checked_date)
    ],
    datetime.datetime: lambda field: Annotated[
        datetime.datetime, AfterValidator(_checked_date)
    ],
}


def bounded(annotation: Any, field: models.Field | None = None) -> Any:
    """``annotation`` with the bounds above (from ``field``, the model field it is
    stored in, when known), through optionals, lists and ``Annotated``; other types
    (schemas, literals, enums, UUIDs) as they are."""
    if annotation in _SCALARS:
        return _SCALARS[annotation](field)
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *metadata = get_args(annotation)
        return Annotated[(bounded(inner, field), *metadata)]
    if origin in (Union, types.UnionType):
        return Union[tuple(bounded(arg, field) for arg in get_args(annotation))]  # noqa: UP007
    if origin is list:
        (item,) = get_args(annotation) or (Any,)
        return list[bounded(item, field)]
    return annotation
