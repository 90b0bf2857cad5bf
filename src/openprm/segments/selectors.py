"""Reads of segments and their members, restricted to the user.

Vendor staff read every segment; partner users none. A segment's members are
computed at query time (a dynamic segment's rule, a static list's rows) and always
within the reader's partner scope, so a channel manager sees only their partners.
"""

from collections.abc import Iterator
from uuid import UUID

from django.db.models import Q, QuerySet

from openprm.core.errors import NotFound, ValidationFailed
from openprm.partners.directory.selectors import EXPORT_COLUMNS
from openprm.partners.models import CustomFieldDefinition, Partner
from openprm.programs.models import Programme, Tier
from openprm.segments import permissions, rules
from openprm.segments.models import Segment, StaticListMember


def custom_field_types() -> dict[str, str]:
    """Active custom fields by key, with their type: what rules may test."""
    return dict(
        CustomFieldDefinition.objects.filter(is_active=True).values_list(
            "key", "field_type"
        )
    )


def rule_errors(rule) -> dict[str, list[str]]:
    """The rule's errors, with paths prefixed by ``rule``."""
    return _prefixed(rules.validate(rule, custom_fields=custom_field_types()))


def _prefixed(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    return {
        ("rule" if path == "rule" else f"rule.{path}"): messages
        for path, messages in errors.items()
    }


def segment_list_visible_to(*, user) -> QuerySet[Segment]:
    if not permissions.READ.allows(user):
        return Segment.objects.none()
    return Segment.objects.select_related("created_by").order_by("name", "id")


def segment_get(*, user, public_id: UUID | str) -> Segment:
    permissions.READ.ensure(user)
    try:
        public_id = UUID(str(public_id))
    except ValueError:
        raise NotFound from None
    segment = segment_list_visible_to(user=user).filter(public_id=public_id).first()
    if segment is None:
        raise NotFound
    return segment


def _membership_q(segment: Segment, field_types: dict[str, str]) -> Q:
    if segment.is_static:
        return Q(
            pk__in=StaticListMember.objects.filter(segment=segment).values("partner_id")
        )
    if rules.validate(segment.rule, custom_fields=field_types):
        # A rule that no longer validates (a custom field was deactivated)
        # selects nobody rather than failing every page that reads it.
        return Q(pk__in=[])
    return rules.to_q(segment.rule, custom_fields=field_types)


def segment_members(*, user, segment: Segment) -> QuerySet[Partner]:
    """The segment's partners in the user's scope, as the directory lists them."""
    permissions.READ.ensure(user)
    return (
        Partner.objects.visible_to(user)
        .filter(_membership_q(segment, custom_field_types()))
        .select_related("channel_manager")
        .order_by("name", "id")
    )


def segment_export_rows(
    *, user, segment: Segment, custom_keys: list[str]
) -> Iterator[list]:
    """The segment's partners in the user's scope as the directory export's cells
    (``partners.directory.exports.HEADER`` then one column per custom key), streamed
    from the database in chunks."""
    queryset = segment_members(user=user, segment=segment).values_list(*EXPORT_COLUMNS)
    for *cells, custom in queryset.iterator(chunk_size=2000):
        yield [*cells, *((custom or {}).get(key, "") for key in custom_keys)]


def segment_member_count(*, user, segment: Segment) -> int:
    """One COUNT query (plus the custom field types for a dynamic rule)."""
    permissions.READ.ensure(user)
    return (
        Partner.objects.visible_to(user)
        .filter(_membership_q(segment, custom_field_types()))
        .count()
    )


def rule_preview_count(*, user, rule) -> int:
    """How many partners in the user's scope a draft rule selects; a rule with
    errors raises ValidationFailed with the errors by path."""
    permissions.READ.ensure(user)
    field_types = custom_field_types()
    errors = rules.validate(rule, custom_fields=field_types)
    if errors:
        raise ValidationFailed(field_errors=_prefixed(errors))
    return (
        Partner.objects.visible_to(user)
        .filter(rules.to_q(rule, custom_fields=field_types))
        .count()
    )


def partner_for_list(*, user, partner_id: int) -> Partner:
    """A partner to add to or remove from a list: 404 outside the user's scope."""
    partner = Partner.objects.visible_to(user).filter(pk=partner_id).first()
    if partner is None:
        raise NotFound
    return partner


def partners_to_add(*, user, segment: Segment, search: str, limit: int = 20):
    """Partners in scope matching ``search`` by name, not yet on the list."""
    return (
        Partner.objects.visible_to(user)
        .filter(name__icontains=search.strip())
        .exclude(
            pk__in=StaticListMember.objects.filter(segment=segment).values("partner_id")
        )
        .order_by("name", "id")[:limit]
    )


def rule_field_catalogue() -> list[dict]:
    """The conditions the rule editor offers: name, label and operators."""
    fields = []
    for name, spec in rules.FIELDS.items():
        field = {"name": name, "label": str(spec.label), "ops": list(spec.ops)}
        if spec.choices is not None:
            field["choices"] = spec.choices()
        fields.append(field)
    definitions = CustomFieldDefinition.objects.filter(is_active=True).order_by(
        "ordering", "key"
    )
    for definition in definitions:
        fields.append(
            {
                "name": f"{rules.CUSTOM_PREFIX}{definition.key}",
                "label": definition.label,
                "ops": list(rules.CUSTOM_OPS[definition.field_type]),
                "type": definition.field_type,
                "options": list(definition.choices or []),
            }
        )
    return fields


def rule_value_options() -> dict[str, list[tuple[str, str]]]:
    """The values the rule builder offers for the fields whose values live in the
    database: programmes by slug, tiers as "programme slug/tier name" (one query)."""
    tiers = Tier.objects.select_related("programme").order_by(
        "programme__name", "programme_id", "rank"
    )
    programmes: dict[str, str] = {}
    tier_options = []
    for tier in tiers:
        programmes[tier.programme.slug] = tier.programme.name
        tier_options.append(
            (
                f"{tier.programme.slug}/{tier.name}",
                f"{tier.programme.name} · {tier.name}",
            )
        )
    for slug, name in Programme.objects.exclude(slug__in=programmes).values_list(
        "slug", "name"
    ):
        programmes[slug] = name
    return {
        "programme": sorted(programmes.items(), key=lambda item: str(item[1])),
        "tier": tier_options,
    }
