"""The rule builder of segments and audiences: a flat ``{"all"|"any": [...]}`` rule
as rows of conditions (field, operator, value) that the console's form edits, and
back; the JSON stays what the API reads and writes.

Each row's value has the widget its field needs: a select for a field with choices
(several for ``in``/``any``), a number, a date, yes/no, a programme's tier, a score
range. A nested rule (``not``, groups in groups) cannot be shown as rows: the form
then edits it as JSON. No I/O here: the view gives the catalogue of fields and the
options of the fields whose values come from the database.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from openprm.core.iso import country_choices
from openprm.partners.choices import (
    CustomFieldType,
    EmployeeBand,
    Industry,
    PartnerStatus,
    PartnerType,
    Region,
    RevenueBand,
    specialisation_choices,
)

OP_LABELS = {
    "eq": _("is"),
    "in": _("is one of"),
    "any": _("has any of"),
    "contains": _("contains"),
    "gt": _("is more than"),
    "gte": _("is at least"),
    "lt": _("is less than"),
    "lte": _("is at most"),
    "is": _("is"),
    "is_set": _("is assigned"),
    "between": _("is between"),
}
LIST_OPS = ("in", "any")
JOINS = (("all", _("all conditions")), ("any", _("any condition")))
YES_NO = [("true", _("yes")), ("false", _("no"))]


def static_options() -> dict[str, list[tuple[str, str]]]:
    """The values of the built-in fields with a fixed list, by field name."""
    return {
        "status": PartnerStatus.choices,
        "partner_type": PartnerType.choices,
        "partner_types": PartnerType.choices,
        "region": Region.choices,
        "employee_band": EmployeeBand.choices,
        "revenue_band": RevenueBand.choices,
        "industries": Industry.choices,
        "specialisations": list(specialisation_choices()),
        "country": country_choices(),
    }


@dataclass
class Row:
    """One condition as the form shows it; ``values`` are the value widget's
    strings (several for a multiple select)."""

    index: int
    field: str
    op: str
    values: list[str] = field(default_factory=list)
    minimum: str = ""
    maximum: str = ""
    choice: str = ""
    widget: str = "text"
    options: list[tuple[str, str]] = field(default_factory=list)
    ops: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def value(self) -> str:
        if self.widget == "list":  # one text box, the values separated by commas
            return ", ".join(self.values)
        return self.values[0] if self.values else ""


@dataclass
class Builder:
    """The rows of a flat rule and how they are joined; ``flat`` is False for a
    rule the rows cannot show (edited as JSON)."""

    join: str = "all"
    rows: list[Row] = field(default_factory=list)
    flat: bool = True
    fields: list[tuple[str, str]] = field(default_factory=list)
    incomplete: bool = False

    @property
    def joins(self):
        return JOINS


class Catalogue:
    """The fields a rule may use (``selectors.rule_field_catalogue``) with the
    options of each value."""

    def __init__(self, entries: list[dict], options: Mapping[str, list]):
        self.entries = {entry["name"]: entry for entry in entries}
        self.options = {**static_options(), **options}

    def choices(self) -> list[tuple[str, str]]:
        return [(name, entry["label"]) for name, entry in self.entries.items()]

    def widget(self, name: str, op: str) -> tuple[str, list[tuple[str, str]]]:
        """The value widget of a field and operator, and its options."""
        entry = self.entries[name]
        many = op in LIST_OPS
        if entry.get("value_is_choice"):  # a segment
            options = [(item["id"], item["name"]) for item in entry["choices"]]
            return ("multi" if many else "select"), options
        if name == "score":
            return "score", [(item["id"], item["name"]) for item in entry["choices"]]
        if name == "tier":
            return "tier", self.options.get("tier", [])
        if op in ("is", "is_set"):
            return "bool", YES_NO
        field_type = entry.get("type")
        if field_type == CustomFieldType.NUMBER:
            return "number", []
        if field_type == CustomFieldType.DATE:
            return "date", []
        options = self.options.get(name)
        if options is None and entry.get("options"):
            options = [(item, item) for item in entry["options"]]
        if options:
            return ("multi" if many else "select"), list(options)
        if name == "channel_manager":
            return "email", []
        return ("list" if many else "text"), []

    def row(self, index: int, name: str, op: str, **values) -> Row | None:
        if name not in self.entries:
            return None
        ops = list(self.entries[name]["ops"])
        if op not in ops:
            op = ops[0]
        widget, options = self.widget(name, op)
        return Row(
            index=index,
            field=name,
            op=op,
            widget=widget,
            options=options,
            ops=[(item, OP_LABELS.get(item, item)) for item in ops],
            **values,
        )


def _as_strings(value: Any) -> list[str]:
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, list):
        return [str(item) for item in value]
    return [] if value is None else [str(value)]


def from_rule(rule: Any, catalogue: Catalogue) -> Builder:
    """The rows of a flat rule; a rule they cannot show gives ``flat=False``."""
    builder = Builder(fields=catalogue.choices())
    if not rule:
        return builder
    if isinstance(rule, dict) and set(rule) == {"field", "op", "value"}:
        rule = {"all": [rule]}  # one condition alone reads the same as a group of one
    keys = list(rule) if isinstance(rule, dict) else []
    if keys not in (["all"], ["any"]) or not isinstance(rule[keys[0]], list):
        builder.flat = False
        return builder
    builder.join = keys[0]
    for index, condition in enumerate(rule[keys[0]]):
        if not isinstance(condition, dict) or set(condition) != {
            "field",
            "op",
            "value",
        }:
            builder.flat = False
            return builder
        name, op, value = condition["field"], condition["op"], condition["value"]
        extra: dict[str, Any] = {}
        if name == "tier" and isinstance(value, dict):
            extra["values"] = [f"{value.get('programme', '')}/{value.get('tier', '')}"]
        elif name == "score" and isinstance(value, dict):
            extra["choice"] = str(value.get("scorecard", ""))
            extra["maximum"] = str(value["max"]) if "max" in value else ""
            extra["minimum"] = str(value["min"]) if "min" in value else ""
        else:
            extra["values"] = _as_strings(value)
        row = catalogue.row(index, name, op, **extra)
        if row is None or (row.op != op):
            builder.flat = False
            return builder
        builder.rows.append(row)
    return builder


def from_data(data, catalogue: Catalogue) -> Builder:
    """The rows as the form posted them (``cond`` lists the row numbers; each
    row's ``cond-<n>-field``, ``-op``, ``-value`` (several for a list), ``-choice``,
    ``-min`` and ``-max``)."""
    builder = Builder(fields=catalogue.choices())
    join = data.get("rule_join", "all")
    builder.join = join if join in ("all", "any") else "all"
    for raw in data.getlist("cond"):
        if not raw.isdigit() or len(raw) > 3:
            continue
        prefix = f"cond-{raw}-"
        row = catalogue.row(
            int(raw),
            data.get(f"{prefix}field", ""),
            data.get(f"{prefix}op", ""),
            values=[item for item in data.getlist(f"{prefix}value") if item.strip()],
            choice=data.get(f"{prefix}choice", ""),
            minimum=data.get(f"{prefix}min", "").strip(),
            maximum=data.get(f"{prefix}max", "").strip(),
        )
        if row is not None:
            builder.rows.append(row)
    return builder


def _number(text: str) -> int | float:
    number = float(text)
    return int(number) if number.is_integer() else number


def condition(row: Row) -> dict | None:
    """The rule's condition of a row; None while its value is still missing.
    A value that cannot be read is left for the rule's own check to name."""
    value: Any
    if row.widget == "score":
        bounds = {"between": ("min", "max"), "gte": ("min",), "lte": ("max",)}
        given = {"min": row.minimum, "max": row.maximum}
        if not row.choice or not all(given[key] for key in bounds[row.op]):
            return None
        value = {"scorecard": row.choice}
        for key in bounds[row.op]:
            try:
                value[key] = _number(given[key])
            except ValueError:
                value[key] = given[key]
    elif not row.values:
        return None
    elif row.widget == "tier":
        programme, _sep, tier = row.value.partition("/")
        value = {"programme": programme, "tier": tier}
    elif row.widget == "bool":
        value = row.value == "true"
    elif row.widget == "number":
        try:
            value = _number(row.value)
        except ValueError:
            value = row.value
    elif row.widget == "list":
        value = [item.strip() for item in row.value.split(",") if item.strip()]
    elif row.widget == "multi" or row.op in LIST_OPS:
        value = row.values
    else:
        value = row.value.strip()
    return {"field": row.field, "op": row.op, "value": value}


def to_rule(builder: Builder) -> tuple[dict, dict[int, Row]]:
    """The rule of the complete rows, and which row each condition came from (by
    its place in the rule), so that the rule's errors land on their row."""
    conditions, places = [], {}
    builder.incomplete = False
    for row in builder.rows:
        built = condition(row)
        if built is None:
            builder.incomplete = True
            continue
        places[len(conditions)] = row
        conditions.append(built)
    return ({builder.join: conditions} if conditions else {}), places


def place_errors(
    builder: Builder, places: dict[int, Row], field_errors: Mapping[str, list]
) -> list[str]:
    """Put the rule's errors (``rule.all.2.value``) on their rows; the errors of
    no row are returned."""
    rest = []
    for path, messages in field_errors.items():
        parts = path.split(".")
        if parts and parts[0] == "rule":
            parts = parts[1:]
        if len(parts) >= 2 and parts[0] == builder.join and parts[1].isdigit():
            row = places.get(int(parts[1]))
            if row is not None:
                row.errors.extend(str(message) for message in messages)
                continue
        rest.extend(str(message) for message in messages)
    return rest


def add_row(builder: Builder, catalogue: Catalogue, name: str = "status") -> None:
    index = max((row.index for row in builder.rows), default=-1) + 1
    first = name if name in catalogue.entries else next(iter(catalogue.entries))
    builder.rows.append(catalogue.row(index, first, ""))


def missing_values(builder: Builder) -> bool:
    """Mark the rows whose value is missing; True when any is."""
    found = False
    for row in builder.rows:
        if condition(row) is None:
            row.errors.append(str(_("Choose or enter a value.")))
            found = True
    return found
