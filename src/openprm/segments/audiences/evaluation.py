"""An audience's rule as SQL: what it needs from the database (the active custom
fields, the segments it names), and its conditions as boolean columns over a
partner's row.

This is the glue between :mod:`segments.rules` (pure: validation and rule → ``Q``)
and the audience reads; it never caches anything beyond the one read it serves, so
a change of an audience, a segment or a custom field shows on the next request.
"""

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, Value

from openprm.core.db import JSONListContains
from openprm.segments import rules
from openprm.segments.models import Segment
from openprm.segments.selectors import custom_field_types

# SQLite allows 2,000 result columns; a partner row's boolean columns are read in
# chunks well below it (one query per chunk).
COLUMNS_PER_QUERY = 500
# The rule of an audience holding every partner (its roles still apply).
EVERY_PARTNER: dict = {"all": []}


@dataclass(frozen=True)
class RuleContext:
    """What rules are checked and compiled against: active custom fields by key,
    and the active segments the rules name, by public id."""

    custom_fields: dict[str, str]
    segments: dict[str, rules.SegmentRef]
    segment_names: dict[str, str] = field(default_factory=dict)

    def errors(self, rule: Any) -> rules.Errors:
        if rule == EVERY_PARTNER:
            return {}
        return rules.validate(
            rule, custom_fields=self.custom_fields, segments=self.segments
        )

    def q(self, rule: Any) -> Q | None:
        """The partners the rule selects; None when it does not validate (any
        more: a custom field or a segment it names was deactivated or deleted),
        which selects nobody rather than failing the reader's page."""
        if self.errors(rule):
            return None
        return rules.to_q(
            rule, custom_fields=self.custom_fields, segments=self.segments
        )


def rule_context(rule_trees: Iterable[Any]) -> RuleContext:
    """The context of these rules: one query for the custom fields, and one for the
    segments when any rule names one."""
    field_types = custom_field_types()
    named = set()
    for tree in rule_trees:
        for value in rules.segment_ids(tree):
            try:
                named.add(uuid.UUID(value))
            except ValueError:
                continue  # validation reports it as an unknown segment
    segments: dict[str, rules.SegmentRef] = {}
    names: dict[str, str] = {}
    if named:
        found = Segment.objects.filter(is_active=True, public_id__in=named).values_list(
            "pk", "public_id", "kind", "rule", "name"
        )
        for pk, public_id, kind, rule, name in found:
            names[str(public_id)] = name
            is_static = kind == "static"
            usable = is_static or not rules.validate(rule, custom_fields=field_types)
            segments[str(public_id)] = rules.SegmentRef(
                id=pk,
                is_static=is_static,
                rule=None if is_static or not usable else rule,
            )
    return RuleContext(
        custom_fields=field_types, segments=segments, segment_names=names
    )


def as_column(condition: Q) -> ExpressionWrapper | Value:
    """A partner-selecting ``Q`` as a boolean column (an empty ``Q``, every
    partner, as TRUE)."""
    if not condition:
        return Value(True, output_field=BooleanField())
    return ExpressionWrapper(condition, output_field=BooleanField())


def row_values(queryset, columns: dict[str, Any]) -> dict[str, bool]:
    """The boolean ``columns`` (name → expression) over the one row of
    ``queryset``, read in chunks of :data:`COLUMNS_PER_QUERY`; {} without a row.
    SQL's NULL (a condition on a missing value) reads as False."""
    values: dict[str, bool] = {}
    names = list(columns)
    for start in range(0, len(names), COLUMNS_PER_QUERY):
        chunk = {
            name: columns[name] for name in names[start : start + COLUMNS_PER_QUERY]
        }
        row = queryset.annotate(**chunk).values(*chunk).first()
        if row is None:
            return {}
        values.update({name: bool(row[name]) for name in chunk})
    return values


def roles_q(roles: Iterable[str], column: str = "partner_roles") -> Q:
    """Audiences open to a reader holding ``roles``: those naming no role, or one
    of them (matched in SQL on the audience's JSON list)."""
    condition = Q(**{column: []})
    for role in sorted(roles):
        condition |= Q(JSONListContains(column, role))
    return condition


def membership_roles_q(partner_roles: list[str]) -> Q:
    """Memberships holding one of an audience's roles (every one for none)."""
    if not partner_roles:
        return Q()
    condition = Q(pk__in=[])
    for role in partner_roles:
        condition |= Q(JSONListContains("roles", role))
    return condition


def leaf_key(node: dict) -> str:
    """One condition as a stable key (the same condition in two audiences is one
    column)."""
    return json.dumps(node, sort_keys=True, default=str)


def leaves(rule: Any) -> list[dict]:
    """The conditions of a (valid) rule, in order."""
    if not isinstance(rule, dict):
        return []
    found = []
    for key in ("all", "any"):
        for child in rule.get(key, []) if isinstance(rule.get(key), list) else []:
            found.extend(leaves(child))
    if "not" in rule:
        found.extend(leaves(rule["not"]))
    if "field" in rule:
        found.append(rule)
    return found
