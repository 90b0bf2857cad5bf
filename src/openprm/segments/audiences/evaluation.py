"""An audience's rule as SQL: what it needs from the database (the active custom
fields, the segments it names), and its conditions as boolean columns over a
partner's row.

This is the glue between :mod:`segments.rules` (pure: validation and rule → ``Q``)
and the audience reads. No result is kept between reads, so a change of an
audience, a segment, a custom field or a partner shows on the next request; only
the SQL of a set of rules is kept, keyed on everything it is made from (see
:func:`rule_values`).
"""

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, IntegerField, Q, Value

from openprm.core.db import CompiledQueries, JSONListContains, Slot, bind, sql_rows
from openprm.partners.models import Partner
from openprm.segments import rules
from openprm.segments.models import Segment, SegmentKind
from openprm.segments.selectors import custom_field_types

# SQLite allows 2,000 result columns; a partner row's boolean columns are read in
# chunks well below it (one query per chunk).
COLUMNS_PER_QUERY = 500
# Any rule naming a segment has this in its JSON text (a cheap test before
# decoding it).
SEGMENT_TEXT = f'"{rules.SEGMENT_FIELD}"'
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
    """The context of these rules (trees, or their JSON text): one query for the
    custom fields, and one for the segments when any rule names one."""
    field_types = custom_field_types()
    named = set()
    for tree in rule_trees:
        if isinstance(tree, str):
            if SEGMENT_TEXT not in tree:
                continue
            tree = json.loads(tree)
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
            is_static = kind == SegmentKind.STATIC
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


def rule_values(
    partner_id: int, named_rules: dict[str, Any], context: RuleContext
) -> dict[str, bool]:
    """Whether each rule (by name) holds the partner, from one query over its row
    per :data:`COLUMNS_PER_QUERY` rules; a rule that does not validate holds
    nobody, and SQL's NULL (a condition on a missing value) reads as False.

    Compiling hundreds of rules is what costs (Django builds each tier's
    subquery anew), so the SQL is compiled once per content of the rules and of
    their context (custom fields, named segments) — the key holds everything the
    SQL is made from, the partner being a parameter — and never goes stale: a
    changed rule or context is another key, read fresh on every call."""
    # A rule may come as its stored JSON text (what the reader API reads, so a
    # compiled rule is never decoded again); audiences sharing a rule share its
    # column.
    texts = {
        name: rule
        if isinstance(rule, str)
        else json.dumps(rule, sort_keys=True, default=str)
        for name, rule in named_rules.items()
    }
    distinct = {text: named_rules[name] for name, text in texts.items()}
    items = list(distinct.items())
    signature = _context_signature(context)
    held: dict[str, bool] = {}
    for start in range(0, len(items), COLUMNS_PER_QUERY):
        chunk = items[start : start + COLUMNS_PER_QUERY]
        key = (tuple(text for text, _rule in chunk), signature)
        compiled = _COMPILED.sql(key, lambda chunk=chunk: _row_query(chunk, context))
        if compiled is None:
            return {}
        rows = sql_rows(*bind(*compiled, partner=partner_id))
        if not rows:
            return {}
        held.update(
            {
                text: bool(value)
                for (text, _rule), value in zip(chunk, rows[0], strict=True)
            }
        )
    return {name: held[text] for name, text in texts.items()}


_COMPILED = CompiledQueries(size=64)
_PARTNER = Slot("partner", output_field=IntegerField())


def _row_query(chunk: list[tuple[str, Any]], context: RuleContext):
    columns = {}
    for index, (_text, rule) in enumerate(chunk):
        condition = context.q(json.loads(rule) if isinstance(rule, str) else rule)
        columns[f"c{index}"] = (
            Value(False, output_field=BooleanField())
            if condition is None
            else as_column(condition)
        )
    return Partner.objects.filter(pk=_PARTNER).annotate(**columns).values_list(*columns)


def _context_signature(context: RuleContext) -> str:
    return json.dumps(
        [
            sorted(context.custom_fields.items()),
            sorted(
                (key, ref.id, ref.is_static, ref.rule)
                for key, ref in context.segments.items()
            ),
        ],
        default=str,
    )


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
