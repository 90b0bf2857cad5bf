"""Reads of audiences for the console: the list, the reach of an audience or a
draft rule, and for one partner, which audiences hold it, why, and what it sees.

Vendor staff only (``permissions.AUDIENCE_READ``); partners and their users are
read within the reader's partner scope, so a channel manager's counts are those of
their partners. Everything is computed from the current data on each call.
"""

from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from openprm.core.errors import NotFound, ValidationFailed
from openprm.core.pagination import COUNT_CAP, capped_count
from openprm.partners.models import Partner
from openprm.segments import permissions, rules
from openprm.segments.audiences.evaluation import (
    EVERY_PARTNER,
    RuleContext,
    leaf_key,
    leaves,
    membership_roles_q,
    rule_context,
    rule_values,
)
from openprm.segments.audiences.registry import audience_users
from openprm.segments.models import Audience, Segment
from openprm.segments.selectors import rule_field_catalogue
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.models import Membership

# Items of each registered model listed on a partner's explanation.
ITEMS_SHOWN = 20


@dataclass(frozen=True)
class Reach:
    """How many partners (in the reader's scope) and distinct active users an
    audience reaches now; ``is_valid`` False when its rule no longer validates."""

    partners: int
    users: int
    is_valid: bool = True


def prefixed(errors: rules.Errors) -> dict[str, list[str]]:
    """A rule's errors as field errors of the ``rule`` input."""
    return {
        ("rule" if path == "rule" else f"rule.{path}"): messages
        for path, messages in errors.items()
    }


def audience_list_visible_to(*, user) -> QuerySet[Audience]:
    if not permissions.AUDIENCE_READ.allows(user):
        return Audience.objects.none()
    return Audience.objects.order_by("name", "id")


def audience_get(*, user, public_id: UUID | str) -> Audience:
    permissions.AUDIENCE_READ.ensure(user)
    try:
        public_id = UUID(str(public_id))
    except ValueError:
        raise NotFound from None
    audience = audience_list_visible_to(user=user).filter(public_id=public_id).first()
    if audience is None:
        raise NotFound
    return audience


def audience_reach(*, user, audiences: list[Audience]) -> dict[int, Reach]:
    """The reach of each audience by id, in two queries (one count per audience
    as a column of each) plus the rules' context, however many audiences."""
    permissions.AUDIENCE_READ.ensure(user)
    if not audiences:
        return {}
    context = rule_context(audience.rule for audience in audiences)
    partner_counts, user_counts = {}, {}
    for audience in audiences:
        condition = context.q(audience.rule)
        if condition is None:
            continue
        name = f"a{audience.pk}"
        partner_counts[name] = (
            Count("pk", filter=condition) if condition else Count("pk")
        )
        user_counts[name] = Count(
            "user_id",
            distinct=True,
            filter=Q(partner_id__in=Partner.objects.filter(condition).values("pk"))
            & membership_roles_q(audience.partner_roles),
        )
    partners = users = {}
    if partner_counts:
        partners = Partner.objects.visible_to(user).aggregate(**partner_counts)
        users = _memberships(user).aggregate(**user_counts)
    return {
        audience.pk: Reach(
            partners=partners.get(f"a{audience.pk}", 0),
            users=users.get(f"a{audience.pk}", 0),
            is_valid=f"a{audience.pk}" in partner_counts,
        )
        for audience in audiences
    }


def _memberships(user) -> QuerySet[Membership]:
    """Active memberships of active users, in the user's partner scope."""
    return Membership.objects.visible_to(user).filter(
        is_active=True, user__is_active=True
    )


def rule_errors(rule) -> dict[str, list[str]]:
    """A draft rule's errors as field errors (``rule.all.0.value``)."""
    if not isinstance(rule, dict):
        return {"rule": [str(_("Give a rule: a group or a condition."))]}
    context = rule_context([rule])
    return prefixed(context.errors(rule))


def rule_reach(*, user, rule, partner_roles: list[str]) -> Reach:
    """The reach of a draft rule and roles; a rule with errors raises
    ValidationFailed with the errors by path."""
    permissions.AUDIENCE_MANAGE.ensure(user)
    errors = rule_errors(rule)
    if errors:
        raise ValidationFailed(field_errors=errors)
    draft = Audience(pk=0, rule=rule, partner_roles=list(partner_roles))
    return audience_reach(user=user, audiences=[draft])[0]


# --- explaining one partner


def explain_partner_get(*, user, public_id: UUID | str) -> Partner:
    """A partner to explain: 404 outside the user's scope."""
    permissions.AUDIENCE_READ.ensure(user)
    try:
        public_id = UUID(str(public_id))
    except ValueError:
        raise NotFound from None
    partner = Partner.objects.visible_to(user).filter(public_id=public_id).first()
    if partner is None:
        raise NotFound
    return partner


def explain_partner_search(*, user, search: str, limit: int = 20) -> list[Partner]:
    """Partners in scope whose name contains ``search``."""
    permissions.AUDIENCE_READ.ensure(user)
    search = search.strip()
    if not search:
        return []
    return list(
        Partner.objects.visible_to(user)
        .filter(name__icontains=search)
        .order_by("name", "id")[:limit]
    )


@dataclass
class AudienceMatch:
    """One active audience as it stands for a partner: whether it holds it and
    the conditions that made it so."""

    audience: Audience
    holds: bool
    is_valid: bool
    # What the rule says, and the conditions that held (for a holding audience).
    rule_text: str
    reasons: list[str] = field(default_factory=list)
    role_labels: list[str] = field(default_factory=list)
    # The partner's active users holding one of the roles (all when none).
    users: int = 0


@dataclass
class ItemGroup:
    """The items of one registered model the partner's audiences hold."""

    label: str
    key: str
    # (item, its audience, the audience's role labels), the first ITEMS_SHOWN.
    items: list[tuple]
    # Counted up to one past COUNT_CAP (``is_capped``: more than COUNT_CAP).
    total: int

    @property
    def is_capped(self) -> bool:
        return self.total > COUNT_CAP

    @property
    def cap(self) -> int:
        return COUNT_CAP


@dataclass
class Explanation:
    partner: Partner
    matches: list[AudienceMatch]
    groups: list[ItemGroup]

    @property
    def holding(self) -> list[AudienceMatch]:
        return [match for match in self.matches if match.holds]

    @property
    def not_holding(self) -> list[AudienceMatch]:
        return [match for match in self.matches if not match.holds]


def audience_explanation(*, user, partner: Partner) -> Explanation:
    """Which active audiences hold ``partner`` and why (the conditions that
    matched, from each condition's value over the partner's row), the partner's
    users each one reaches, and the items of every registered model it sees."""
    permissions.AUDIENCE_READ.ensure(user)
    audiences = list(Audience.objects.filter(is_active=True).order_by("name", "id"))
    context = rule_context(audience.rule for audience in audiences)
    named_rules, leaf_names = {}, {}
    for audience in audiences:
        named_rules[f"audience_{audience.pk}"] = audience.rule
        for leaf in leaves(audience.rule):
            key = leaf_key(leaf)
            if key not in leaf_names:
                leaf_names[key] = f"leaf_{len(leaf_names)}"
                named_rules[leaf_names[key]] = leaf
    row = rule_values(partner.pk, named_rules, context)
    leaf_values = {key: row.get(name, False) for key, name in leaf_names.items()}
    matches = []
    for audience in audiences:
        is_valid = not context.errors(audience.rule)
        holds = bool(row.get(f"audience_{audience.pk}"))
        matches.append(
            AudienceMatch(
                audience=audience,
                holds=holds,
                is_valid=is_valid,
                rule_text=describe(audience.rule, context) if is_valid else "",
                reasons=why(audience.rule, leaf_values, context)[1] if holds else [],
                role_labels=role_labels(audience.partner_roles),
            )
        )
    holding = [match for match in matches if match.holds]
    if holding:
        counts = (
            _memberships(user)
            .filter(partner=partner)
            .aggregate(
                **{
                    f"a{match.audience.pk}": Count(
                        "user_id",
                        distinct=True,
                        filter=membership_roles_q(match.audience.partner_roles) or None,
                    )
                    for match in holding
                }
            )
        )
        for match in holding:
            match.users = counts[f"a{match.audience.pk}"]
    return Explanation(
        partner=partner,
        matches=matches,
        groups=_item_groups([match.audience.pk for match in holding]),
    )


def _item_groups(audience_ids: list[int]) -> list[ItemGroup]:
    groups = []
    for registered in audience_users():
        rows = registered.live().filter(**{f"{registered.field}_id__in": audience_ids})
        groups.append(
            ItemGroup(
                label=str(registered.label),
                key=registered.key,
                items=[
                    (
                        item,
                        getattr(item, registered.field),
                        role_labels(getattr(item, registered.field).partner_roles),
                    )
                    for item in rows.select_related(registered.field)[:ITEMS_SHOWN]
                ],
                total=capped_count(rows, COUNT_CAP + 1) if audience_ids else 0,
            )
        )
    return groups


# --- describing rules for people


def role_labels(partner_roles: list[str]) -> list[str]:
    names = dict(PartnerRole.choices)
    return [str(names.get(role, role)) for role in partner_roles]


OPS = {
    "eq": _("is"),
    "in": _("is one of"),
    "any": _("includes one of"),
    "gte": _("at least"),
    "lte": _("at most"),
    "gt": _("more than"),
    "lt": _("less than"),
    "contains": _("contains"),
    "is": _("is"),
    "between": _("between"),
}


def describe_condition(node: dict, context: RuleContext) -> str:
    """One condition in words, e.g. "Tier at least Gold (apex)"."""
    name, op, value = node["field"], node["op"], node["value"]
    if name == rules.SEGMENT_FIELD:
        label = _("Segment")
        values = value if isinstance(value, list) else [value]
        value = [context.segment_names.get(item, item) for item in values]
    elif name.startswith(rules.CUSTOM_PREFIX):
        label = name.removeprefix(rules.CUSTOM_PREFIX)
    else:
        spec = rules.FIELDS.get(name)
        label = spec.label if spec else name
    if op == "is_set":
        return str(_("%(label)s is set") if value else _("%(label)s is not set")) % {
            "label": label
        }
    if name == "tier" and isinstance(value, dict):
        text = f"{value.get('tier')} ({value.get('programme')})"
    elif isinstance(value, list):
        text = ", ".join(str(item) for item in value)
    elif isinstance(value, dict):
        text = ", ".join(f"{key} {item}" for key, item in value.items())
    else:
        text = str(value)
    return f"{label} {OPS.get(op, op)} {text}"


def describe(rule: dict, context: RuleContext) -> str:
    """A valid rule in words: conditions joined by "and", "or", "not"."""
    if rule == EVERY_PARTNER:
        return str(_("Every partner"))

    def visit(node: dict, nested: bool) -> str:
        if "all" in node or "any" in node:
            joiner = str(_(" and ")) if "all" in node else str(_(" or "))
            text = joiner.join(
                visit(child, True) for child in node.get("all", node.get("any"))
            )
            return (
                f"({text})"
                if nested and len(node.get("all", node.get("any"))) > 1
                else text
            )
        if "not" in node:
            return f"{_('not')} {visit(node['not'], True)}"
        return describe_condition(node, context)

    return visit(rule, False)


def why(rule: dict, leaf_values: dict[str, bool], context: RuleContext):
    """Whether ``rule`` holds given each condition's value, and the conditions
    (in words) that make it hold."""
    if rule == EVERY_PARTNER:
        return True, [str(_("Every partner"))]
    if "all" in rule:
        results = [why(child, leaf_values, context) for child in rule["all"]]
        holds = all(result for result, _reasons in results)
        return holds, [
            text for _r, reasons in results for text in reasons
        ] if holds else []
    if "any" in rule:
        results = [why(child, leaf_values, context) for child in rule["any"]]
        reasons = [text for result, texts in results if result for text in texts]
        return any(result for result, _texts in results), reasons
    if "not" in rule:
        holds = not why(rule["not"], leaf_values, context)[0]
        return holds, [describe({"not": rule["not"]}, context)] if holds else []
    holds = leaf_values.get(leaf_key(rule), False)
    return holds, [describe_condition(rule, context)] if holds else []


def audience_rule_catalogue() -> list[dict]:
    """The conditions the audience rule editor offers: a segment's as well."""
    segments = Segment.objects.filter(is_active=True).order_by("name", "id")
    return [
        *rule_field_catalogue(),
        {
            "name": rules.SEGMENT_FIELD,
            "label": str(_("Segment")),
            "ops": list(rules.SEGMENT_OPS),
            "choices": [
                {"id": str(segment.public_id), "name": segment.name}
                for segment in segments
            ],
            "value_is_choice": True,
        },
    ]


# --- for the apps whose items carry an audience (content, learning, ...)


def audiences_to_choose() -> QuerySet:
    """The active audiences an item may be given, by name: what the apps' forms
    and APIs offer (each app checks its own rule first)."""
    return Audience.objects.filter(is_active=True).order_by("name", "id")


def audience_to_choose(public_id) -> Audience:
    """The active audience an API request names; a field error otherwise."""
    audience = audiences_to_choose().filter(public_id=public_id).first()
    if audience is None:
        raise ValidationFailed(
            field_errors={"audience": ["No active audience has this id."]}
        )
    return audience
