"""Scoring a partner on a scorecard, without I/O.

A criterion gives 0-100 points from one value of the partner; the score is the
weighted average of the points. Each criterion's ``contribution`` is its share of
the score (points * weight / total weight), so the contributions add up to the score,
and its ``reason`` says in words why it gave what it gave.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from openprm.scoring.choices import CriterionKind

CUSTOM_PREFIX = "custom:"
TWO_PLACES = Decimal("0.01")

# Profile fields a criterion may read, with the kinds that make sense for each.
PROFILE_FIELDS: dict[str, tuple[str, ...]] = {
    "partner_type": (CriterionKind.VALUE_IN_LIST,),
    "status": (CriterionKind.VALUE_IN_LIST,),
    "region": (CriterionKind.VALUE_IN_LIST,),
    "country": (CriterionKind.VALUE_IN_LIST,),
    "employee_band": (CriterionKind.VALUE_IN_LIST,),
    "revenue_band": (CriterionKind.VALUE_IN_LIST,),
    "partner_types": (CriterionKind.CONTAINS_ANY,),
    "industries": (CriterionKind.CONTAINS_ANY,),
    "specialisations": (CriterionKind.CONTAINS_ANY,),
    "languages": (CriterionKind.CONTAINS_ANY,),
    "tags": (CriterionKind.CONTAINS_ANY,),
}
# Custom field types and the kinds that read them.
CUSTOM_FIELD_KINDS: dict[str, tuple[str, ...]] = {
    "text": (CriterionKind.VALUE_IN_LIST,),
    "choice": (CriterionKind.VALUE_IN_LIST,),
    "multi_choice": (CriterionKind.CONTAINS_ANY,),
    "number": (CriterionKind.RANGE_BANDS,),
    "boolean": (CriterionKind.IS_TRUE,),
}


@dataclass(frozen=True)
class Rule:
    """A criterion as the computation sees it."""

    id: int | None
    label: str
    field: str
    kind: str
    weight: int
    config: Mapping[str, Any]


@dataclass(frozen=True)
class Line:
    """What one criterion gave, and why."""

    criterion: int | None
    label: str
    weight: int
    points: int
    contribution: Decimal
    reason: str

    def as_json(self) -> dict:
        return {
            "criterion": self.criterion,
            "label": self.label,
            "weight": self.weight,
            "points": self.points,
            "contribution": str(self.contribution),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Result:
    score: Decimal
    lines: list[Line]

    def breakdown(self) -> list[dict]:
        return [line.as_json() for line in self.lines]


# --- values


def partner_values(partner) -> dict[str, Any]:
    """The values a scorecard reads from a partner row."""
    values = {name: getattr(partner, name) for name in PROFILE_FIELDS}
    for key, value in (partner.custom_fields or {}).items():
        values[CUSTOM_PREFIX + key] = value
    return values


def columns_read(rules: Sequence[Rule]) -> set[str]:
    """The partner columns that ``rules`` read (``custom_fields`` for any custom
    field), so a bulk recompute loads those and nothing else."""
    return {
        "custom_fields" if rule.field.startswith(CUSTOM_PREFIX) else rule.field
        for rule in rules
    }


def row_values(row: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`partner_values` of a ``values()`` row holding some of the columns; a
    column not loaded reads as no value."""
    values = {name: row[name] for name in PROFILE_FIELDS if name in row}
    for key, value in (row.get("custom_fields") or {}).items():
        values[CUSTOM_PREFIX + key] = value
    return values


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


# --- points by kind


def _suffix(points: int, weight: int) -> str:
    return f"(+{points} \N{MULTIPLICATION SIGN} weight {weight})"


def _value_in_list(rule: Rule, value) -> tuple[int, str]:
    for item in rule.config.get("values", []):
        if str(item["value"]) == str(value):
            points = int(item["points"])
            return points, f"{rule.label} is {value} {_suffix(points, rule.weight)}"
    return 0, f"{rule.label} is {value}, not in the list (+0)"


def _contains_any(rule: Rule, value) -> tuple[int, str]:
    values = value if isinstance(value, list | tuple) else [value]
    present = {str(item) for item in values}
    matched = [
        item for item in rule.config.get("values", []) if str(item["value"]) in present
    ]
    if not matched:
        return 0, f"{rule.label} include none of the listed values (+0)"
    points = min(100, sum(int(item["points"]) for item in matched))
    names = ", ".join(str(item["value"]) for item in matched)
    return points, f"{rule.label} include {names} {_suffix(points, rule.weight)}"


def _range_bands(rule: Rule, value) -> tuple[int, str]:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return 0, f"{rule.label} is not a number (+0)"
    for band in rule.config.get("bands", []):
        low, high = band.get("min"), band.get("max")
        if (low is None or number >= Decimal(str(low))) and (
            high is None or number < Decimal(str(high))
        ):
            points = int(band["points"])
            span = f"{'' if low is None else low}-{'' if high is None else high}"
            return points, (
                f"{rule.label} is {value}, in {span} {_suffix(points, rule.weight)}"
            )
    return 0, f"{rule.label} is {value}, in no band (+0)"


def _is_true(rule: Rule, value) -> tuple[int, str]:
    if value is True:
        points = int(rule.config.get("points", 100))
        return points, f"{rule.label} is yes {_suffix(points, rule.weight)}"
    return 0, f"{rule.label} is no (+0)"


KINDS = {
    CriterionKind.VALUE_IN_LIST: _value_in_list,
    CriterionKind.CONTAINS_ANY: _contains_any,
    CriterionKind.RANGE_BANDS: _range_bands,
    CriterionKind.IS_TRUE: _is_true,
}


def compute(rules: Sequence[Rule], values: Mapping[str, Any]) -> Result:
    """The 0-100 score of ``values`` on ``rules``, with one line per rule."""
    total_weight = sum(rule.weight for rule in rules)
    lines, weighted = [], Decimal(0)
    for rule in rules:
        value = values.get(rule.field)
        if _is_empty(value):
            points, reason = 0, f"{rule.label}: no value (+0)"
        else:
            points, reason = KINDS[rule.kind](rule, value)
        weighted += points * rule.weight
        contribution = (
            Decimal(points * rule.weight) / total_weight if total_weight else Decimal(0)
        ).quantize(TWO_PLACES, ROUND_HALF_UP)
        lines.append(
            Line(
                criterion=rule.id,
                label=rule.label,
                weight=rule.weight,
                points=points,
                contribution=contribution,
                reason=reason,
            )
        )
    score = (weighted / total_weight if total_weight else Decimal(0)).quantize(
        TWO_PLACES, ROUND_HALF_UP
    )
    return Result(score=score, lines=lines)


# --- validation of a criterion's definition


def _points(raw) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= 100:
        raise ValueError(_("Points must be whole numbers from 0 to 100."))
    return raw


def _number_or_none(raw):
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ValueError(_("A band's min and max must be numbers or empty."))
    return raw


def clean_config(kind: str, config) -> dict:
    """The config of a criterion of ``kind``, normalised; ValueError if invalid."""
    if not isinstance(config, dict):
        raise ValueError(_("The configuration must be an object."))
    if kind in (CriterionKind.VALUE_IN_LIST, CriterionKind.CONTAINS_ANY):
        items = config.get("values")
        if not isinstance(items, list) or not items:
            raise ValueError(_("List at least one value with its points."))
        cleaned, seen = [], set()
        for item in items:
            if not isinstance(item, dict) or _is_empty(item.get("value")):
                raise ValueError(_("Each value needs a value and points."))
            value = str(item["value"]).strip()
            if value in seen:
                raise ValueError(_("A value is listed twice."))
            seen.add(value)
            cleaned.append({"value": value, "points": _points(item.get("points"))})
        return {"values": cleaned}
    if kind == CriterionKind.RANGE_BANDS:
        bands = config.get("bands")
        if not isinstance(bands, list) or not bands:
            raise ValueError(_("List at least one band with min, max and points."))
        cleaned = []
        for band in bands:
            if not isinstance(band, dict):
                raise ValueError(_("Each band needs min, max and points."))
            low = _number_or_none(band.get("min"))
            high = _number_or_none(band.get("max"))
            if low is not None and high is not None and low >= high:
                raise ValueError(_("A band's min must be below its max."))
            cleaned.append(
                {"min": low, "max": high, "points": _points(band.get("points"))}
            )
        return {"bands": cleaned}
    if kind == CriterionKind.IS_TRUE:
        return {"points": _points(config.get("points", 100))}
    raise ValueError(_("Unknown kind."))


def kinds_for_field(field: str, custom_types: Mapping[str, str]) -> tuple[str, ...]:
    """The kinds a criterion over ``field`` may have (none: an unknown field);
    ``custom_types`` maps custom field keys to their types."""
    if field.startswith(CUSTOM_PREFIX):
        field_type = custom_types.get(field.removeprefix(CUSTOM_PREFIX))
        return CUSTOM_FIELD_KINDS.get(field_type, ())
    return PROFILE_FIELDS.get(field, ())
