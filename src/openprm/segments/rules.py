"""Dynamic segment rules: validation and translation to a query, without I/O.

A rule is a tree. A group is ``{"all": [...]}`` (AND), ``{"any": [...]}`` (OR) or
``{"not": <rule>}``; a leaf is ``{"field": ..., "op": ..., "value": ...}``::

    {"all": [
        {"field": "status", "op": "eq", "value": "active"},
        {"any": [
            {"field": "region", "op": "in", "value": ["EMEA"]},
            {"field": "specialisations", "op": "any", "value": ["security"]},
        ]},
    ]}

:func:`validate` returns the errors by path (``all.1.any.0.value``); :func:`to_q`
turns a valid rule into a ``Q`` on ``Partner`` that the database evaluates (SQLite
and PostgreSQL alike), so membership is always computed from the current data.

Extension point: each field is a :class:`FieldSpec` in :data:`FIELDS`. Another app
adds a condition by calling :func:`register_field` in its ``segment_conditions.py``
(imported at start-up, see ``SegmentsConfig``), e.g. the scoring app a ``score``
field whose ``to_q`` filters on
``Q(pk__in=PartnerScore.objects.filter(...).values("partner_id"))``. This module never
imports that app.

Audiences (``segments.audiences``) also test a segment's membership: the ``segment``
condition, known only when the caller passes the segments it may name
(``segments={public id: SegmentRef}``); a segment's own rule never names another
segment, so membership never recurses.
"""

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from openprm.core.db import JSONListContains
from openprm.partners.choices import (
    CustomFieldType,
    EmployeeBand,
    PartnerStatus,
    PartnerType,
    Region,
    RevenueBand,
)
from openprm.programs.choices import EnrolmentStatus
from openprm.programs.models import Enrolment, Tier
from openprm.segments.models import StaticListMember

MAX_DEPTH = 6
MAX_CONDITIONS = 100
CUSTOM_PREFIX = "custom:"
SEGMENT_FIELD = "segment"
SEGMENT_OPS = ("eq", "in")
GROUPS = ("all", "any", "not")

Errors = dict[str, list[str]]


class RuleError(Exception):
    """A value broke a field's rule; the message is for people."""


@dataclass(frozen=True)
class FieldSpec:
    """One condition a rule may use: its operators, how a value is checked
    (``clean(op, value)`` raises :class:`RuleError`) and how it becomes a ``Q``."""

    label: str
    ops: tuple[str, ...]
    clean: Callable[[str, Any], Any]
    to_q: Callable[[str, Any], Q]
    # Options the rule editor offers for the value, e.g. the scorecards of a
    # ``score`` condition: a callable returning ``[{"id": ..., "name": ...}]``.
    choices: Callable[[], list[dict]] | None = None


FIELDS: dict[str, FieldSpec] = {}


@dataclass(frozen=True)
class SegmentRef:
    """What a ``segment`` condition reads of a segment: its id, whether it is a
    static list, and a dynamic one's rule (None when it no longer validates: the
    segment then holds nobody)."""

    id: int
    is_static: bool
    rule: dict | None = None


def register_field(name: str, spec: FieldSpec) -> None:
    """Add (or replace) a condition, e.g. ``score`` from the scoring app."""
    FIELDS[name] = spec


# --- value checks


def _codes(allowed: list[str] | None) -> Callable[[str, Any], Any]:
    """``eq`` takes one code, ``in``/``any`` a non-empty list of codes."""

    def clean(op: str, value: Any) -> Any:
        values = value if op in ("in", "any") else [value]
        if op in ("in", "any") and (not isinstance(value, list) or not value):
            raise RuleError(_("Give a non-empty list of values."))
        for item in values:
            if not isinstance(item, str) or not item.strip():
                raise RuleError(_("Give text values."))
            if allowed is not None and item not in allowed:
                raise RuleError(
                    _("Unknown value %(value)s; expected one of: %(allowed)s.")
                    % {"value": item, "allowed": ", ".join(allowed)}
                )
        return value

    return clean


def _scalar_q(column: str) -> Callable[[str, Any], Q]:
    def to_q(op: str, value: Any) -> Q:
        if op == "in":
            return Q(**{f"{column}__in": value})
        return Q(**{column: value})

    return to_q


def _list_q(column: str) -> Callable[[str, Any], Q]:
    """``any``: the partner's list holds at least one of the values."""

    def to_q(op: str, value: Any) -> Q:
        condition = Q(pk__in=[])
        for item in value:
            condition |= Q(JSONListContains(column, item))
        return condition

    return to_q


def _choice_field(label, column: str, allowed: list[str] | None) -> FieldSpec:
    return FieldSpec(label, ("eq", "in"), _codes(allowed), _scalar_q(column))


def _list_field(label, column: str, allowed: list[str] | None = None) -> FieldSpec:
    return FieldSpec(label, ("any",), _codes(allowed), _list_q(column))


def _country(op: str, value: Any) -> Any:
    values = value if op == "in" else [value]
    if op == "in" and (not isinstance(value, list) or not value):
        raise RuleError(_("Give a non-empty list of values."))
    for item in values:
        if not isinstance(item, str) or not re.fullmatch(r"[A-Z]{2}", item):
            raise RuleError(_("Give ISO 3166-1 alpha-2 codes, e.g. DE."))
    return value


def _channel_manager(op: str, value: Any) -> Any:
    if op == "is_set":
        if not isinstance(value, bool):
            raise RuleError(_("Give true or false."))
        return value
    if not isinstance(value, str) or "@" not in value:
        raise RuleError(_("Give the channel manager's email address."))
    return value


def _channel_manager_q(op: str, value: Any) -> Q:
    if op == "is_set":
        return Q(channel_manager__isnull=not value)
    return Q(channel_manager__email__iexact=value)


def _programme(op: str, value: Any) -> Any:
    return _codes(None)("in", value)


def _enrolled(**filters) -> Q:
    """An active enrolment of the partner (a correlated EXISTS: an index lookup
    per partner row, where ``pk IN (...)`` would read every enrolment of the
    programme for each condition)."""
    return Q(
        Exists(
            Enrolment.objects.filter(
                partner_id=OuterRef("pk"), status=EnrolmentStatus.ACTIVE, **filters
            )
        )
    )


def _programme_q(op: str, value: Any) -> Q:
    """Actively enrolled in any of the programmes (by slug)."""
    return _enrolled(programme__slug__in=value)


def _tier(op: str, value: Any) -> Any:
    if not isinstance(value, dict) or set(value) != {"programme", "tier"}:
        raise RuleError(_('Give {"programme": <slug>, "tier": <tier name>}.'))
    if not all(isinstance(item, str) and item.strip() for item in value.values()):
        raise RuleError(_("Give the programme's slug and the tier's name."))
    return value


def _tier_q(op: str, value: Any) -> Q:
    """Enrolled in the programme at the tier (``eq``), at it or above (``gte``),
    or at it or below (``lte``); tiers compare by rank, looked up in SQL."""
    if op == "eq":
        return _enrolled(
            programme__slug=value["programme"], tier__name__iexact=value["tier"]
        )
    rank = Subquery(
        Tier.objects.filter(
            programme_id=OuterRef("programme_id"), name__iexact=value["tier"]
        ).values("rank")[:1]
    )
    lookup = "tier__rank__gte" if op == "gte" else "tier__rank__lte"
    return _enrolled(programme__slug=value["programme"], **{lookup: rank})


FIELDS.update(
    {
        "status": _choice_field(_("Status"), "status", PartnerStatus.values),
        "partner_type": _choice_field(
            _("Primary partner type"), "partner_type", PartnerType.values
        ),
        "partner_types": _list_field(
            _("Partner types"), "partner_types", PartnerType.values
        ),
        "industries": _list_field(_("Industries"), "industries"),
        "specialisations": _list_field(_("Specialisations"), "specialisations"),
        "tags": _list_field(_("Tags"), "tags"),
        "languages": _list_field(_("Languages"), "languages"),
        "country": FieldSpec(
            _("Country"), ("eq", "in"), _country, _scalar_q("country")
        ),
        "region": _choice_field(_("Region"), "region", Region.values),
        "employee_band": _choice_field(
            _("Employees"), "employee_band", EmployeeBand.values
        ),
        "revenue_band": _choice_field(
            _("Annual revenue"), "revenue_band", RevenueBand.values
        ),
        "channel_manager": FieldSpec(
            _("Channel manager"),
            ("eq", "is_set"),
            _channel_manager,
            _channel_manager_q,
        ),
        "programme": FieldSpec(_("Programme"), ("in",), _programme, _programme_q),
        "tier": FieldSpec(_("Tier"), ("eq", "gte", "lte"), _tier, _tier_q),
    }
)

# --- custom fields ("custom:<key>"), by the definition's type

CUSTOM_OPS = {
    CustomFieldType.TEXT: ("eq", "in", "contains"),
    CustomFieldType.NUMBER: ("eq", "gt", "gte", "lt", "lte"),
    CustomFieldType.DATE: ("eq", "gt", "gte", "lt", "lte"),
    CustomFieldType.CHOICE: ("eq", "in"),
    CustomFieldType.MULTI_CHOICE: ("any",),
    CustomFieldType.BOOLEAN: ("is",),
}


def _clean_custom(field_type: str, op: str, value: Any) -> Any:
    if field_type == CustomFieldType.BOOLEAN:
        if not isinstance(value, bool):
            raise RuleError(_("Give true or false."))
        return value
    if field_type == CustomFieldType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RuleError(_("Give a number."))
        return value
    if field_type == CustomFieldType.DATE:
        try:
            return datetime.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise RuleError(_("Give a date as YYYY-MM-DD.")) from None
    if op in ("in", "any"):
        return _codes(None)(op, value)
    if not isinstance(value, str) or not value.strip():
        raise RuleError(_("Give a text value."))
    return value


def _custom_q(key: str, field_type: str, op: str, value: Any) -> Q:
    column = f"custom_fields__{key}"
    if op == "any":
        condition = _list_q(column)(op, value)
    elif op == "contains":
        condition = Q(**{f"{column}__icontains": value})
    elif op == "in":
        condition = Q(**{f"{column}__in": value})
    elif op in ("gt", "gte", "lt", "lte"):
        condition = Q(**{f"{column}__{op}": value})
    else:  # eq, is
        condition = Q(**{column: value})
    # A partner without the value must not vanish from a ``not``: SQL's NULL would
    # make both the condition and its negation unknown.
    return Q(custom_fields__has_key=key) & condition


# --- segment membership (audiences only)


def _clean_segment(segments: Mapping[str, SegmentRef]) -> Callable[[str, Any], Any]:
    def clean(op: str, value: Any) -> Any:
        _codes(None)(op, value)
        for item in value if op == "in" else [value]:
            if item not in segments:
                raise RuleError(
                    _("Unknown or inactive segment %(value)s.") % {"value": item}
                )
        return value

    return clean


def _segment_q(ref: SegmentRef | None, custom_fields: Mapping[str, str]) -> Q:
    if ref is None or (not ref.is_static and ref.rule is None):
        return Q(pk__in=[])
    if ref.is_static:
        return Q(
            pk__in=StaticListMember.objects.filter(segment_id=ref.id).values(
                "partner_id"
            )
        )
    return to_q(ref.rule, custom_fields=custom_fields)


def segment_ids(rule: Any) -> set[str]:
    """The segments (public ids, as written) the ``segment`` conditions of a rule
    name, whether or not the rule is valid."""
    found: set[str] = set()

    def visit(node: Any) -> None:
        if not isinstance(node, dict):
            return
        for key in ("all", "any"):
            if isinstance(node.get(key), list):
                for child in node[key]:
                    visit(child)
        if "not" in node:
            visit(node["not"])
        if node.get("field") == SEGMENT_FIELD:
            value = node.get("value")
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str):
                    found.add(item)

    visit(rule)
    return found


# --- the tree


def validate(
    rule: Any,
    *,
    custom_fields: Mapping[str, str] | None = None,
    segments: Mapping[str, SegmentRef] | None = None,
) -> Errors:
    """The errors of ``rule`` by path ("" for the whole rule); empty when valid.

    ``custom_fields`` maps each active custom field's key to its type;
    ``segments`` (an audience's rule only) the segments a ``segment`` condition may
    name, by public id.
    """
    custom_fields = custom_fields or {}
    errors: Errors = {}
    count = 0

    def add(path: str, message) -> None:
        errors.setdefault(path or "rule", []).append(str(message))

    def visit(node: Any, path: str, depth: int) -> None:
        nonlocal count
        prefix = f"{path}." if path else ""
        if depth > MAX_DEPTH:
            add(path, _("Rules nest at most %(depth)s levels.") % {"depth": MAX_DEPTH})
            return
        if not isinstance(node, dict):
            add(path, _("Expected a group (all, any, not) or a condition."))
            return
        groups = [key for key in GROUPS if key in node]
        if groups:
            if len(node) != 1:
                add(path, _("A group has exactly one key: all, any or not."))
                return
            key = groups[0]
            if key == "not":
                visit(node["not"], f"{prefix}not", depth + 1)
                return
            children = node[key]
            if not isinstance(children, list) or not children:
                add(f"{prefix}{key}", _("Give a non-empty list of conditions."))
                return
            for index, child in enumerate(children):
                visit(child, f"{prefix}{key}.{index}", depth + 1)
            return
        count += 1
        if set(node) != {"field", "op", "value"}:
            add(path, _("A condition has exactly: field, op and value."))
            return
        field, op, value = node["field"], node["op"], node["value"]
        if not isinstance(field, str):
            add(f"{prefix}field", _("Give a field name."))
            return
        if field.startswith(CUSTOM_PREFIX):
            key = field.removeprefix(CUSTOM_PREFIX)
            field_type = custom_fields.get(key)
            if field_type is None:
                add(f"{prefix}field", _("Unknown custom field %(key)s.") % {"key": key})
                return
            ops = CUSTOM_OPS[field_type]
            clean = lambda op, value: _clean_custom(field_type, op, value)  # noqa: E731
        elif field == SEGMENT_FIELD and segments is not None:
            ops, clean = SEGMENT_OPS, _clean_segment(segments)
        elif field in FIELDS:
            ops, clean = FIELDS[field].ops, FIELDS[field].clean
        else:
            add(f"{prefix}field", _("Unknown field %(field)s.") % {"field": field})
            return
        if op not in ops:
            add(
                f"{prefix}op",
                _("Use one of: %(ops)s.") % {"ops": ", ".join(ops)},
            )
            return
        try:
            clean(op, value)
        except RuleError as error:
            add(f"{prefix}value", error)

    visit(rule, "", 0)
    if count > MAX_CONDITIONS:
        add("", _("Use at most %(count)s conditions.") % {"count": MAX_CONDITIONS})
    return errors


def to_q(
    rule: dict,
    *,
    custom_fields: Mapping[str, str] | None = None,
    segments: Mapping[str, SegmentRef] | None = None,
) -> Q:
    """The partners a valid rule selects, as a ``Q`` on ``Partner`` (``segments``
    as given to :func:`validate`)."""
    custom_fields = custom_fields or {}
    context = {"custom_fields": custom_fields, "segments": segments}
    if "all" in rule:
        condition = Q()
        for child in rule["all"]:
            condition &= to_q(child, **context)
        return condition
    if "any" in rule:
        condition = Q(pk__in=[])
        for child in rule["any"]:
            condition |= to_q(child, **context)
        return condition
    if "not" in rule:
        return ~to_q(rule["not"], **context)
    field, op, value = rule["field"], rule["op"], rule["value"]
    if field == SEGMENT_FIELD and segments is not None:
        condition = Q(pk__in=[])
        for item in value if op == "in" else [value]:
            condition |= _segment_q(segments.get(item), custom_fields)
        return condition
    if field.startswith(CUSTOM_PREFIX):
        key = field.removeprefix(CUSTOM_PREFIX)
        field_type = custom_fields[key]
        return _custom_q(key, field_type, op, _clean_custom(field_type, op, value))
    return FIELDS[field].to_q(op, value)
