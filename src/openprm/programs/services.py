"""Every write of programmes, tiers and enrolments.

Definitions (programmes, tiers, requirements, benefits) are for vendor admins;
enrolments are for vendor admins and channel managers, within their partner scope.
Each action is audited and announces itself with an event.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core import audit, events
from openprm.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from openprm.core.scoping import scope_for
from openprm.partners.choices import PartnerType
from openprm.partners.models import Partner
from openprm.programs import benefits as benefit_rules
from openprm.programs import permissions
from openprm.programs.choices import BenefitKind, EnrolmentStatus, Operator
from openprm.programs.metrics import CATALOGUE
from openprm.programs.models import (
    Enrolment,
    Programme,
    Tier,
    TierBenefit,
    TierChange,
    TierRequirement,
)

PROGRAMME_FIELDS = [
    "name",
    "slug",
    "description",
    "eligible_partner_types",
    "is_active",
]
TIER_FIELDS = ["programme", "name", "rank", "description"]
REQUIREMENT_FIELDS = ["tier", "metric", "operator", "threshold"]
BENEFIT_FIELDS = ["tier", "kind", "value"]
ENROLMENT_FIELDS = ["partner", "programme", "tier", "status", "enrolled_at"]


# --- payloads


def programme_payload(programme: Programme) -> dict:
    return {
        "id": str(programme.public_id),
        "name": programme.name,
        "slug": programme.slug,
        "eligible_partner_types": list(programme.eligible_partner_types),
        "is_active": programme.is_active,
    }


def tier_payload(tier: Tier) -> dict:
    return {
        "id": tier.pk,
        "programme": str(tier.programme.public_id),
        "name": tier.name,
        "rank": tier.rank,
    }


def enrolment_payload(enrolment: Enrolment) -> dict:
    return {
        "id": str(enrolment.public_id),
        "partner": enrolment.partner_id,
        "programme": str(enrolment.programme.public_id),
        "tier": {"id": enrolment.tier_id, "name": enrolment.tier.name},
        "status": enrolment.status,
        "enrolled_at": enrolment.enrolled_at.isoformat(),
    }


# --- programmes


def _clean_programme(*, name: str, slug: str, eligible_partner_types) -> dict:
    field_errors: dict[str, list[str]] = {}
    name, slug = name.strip(), slug.strip().lower()
    types = sorted(set(eligible_partner_types or []))
    if not name:
        field_errors["name"] = [str(_("Enter a name."))]
    if not slug:
        field_errors["slug"] = [str(_("Enter a slug."))]
    if not types:
        field_errors["eligible_partner_types"] = [
            str(_("Choose at least one partner type."))
        ]
    elif unknown := [item for item in types if item not in PartnerType.values]:
        field_errors["eligible_partner_types"] = [
            str(_("Unknown partner types: %(types)s.") % {"types": ", ".join(unknown)})
        ]
    if field_errors:
        raise ValidationFailed(field_errors=field_errors)
    return {"name": name, "slug": slug, "eligible_partner_types": types}


def _slug_taken() -> ValidationFailed:
    return ValidationFailed(
        field_errors={"slug": [str(_("Another programme has this slug."))]}
    )


@transaction.atomic
def programme_create(
    *,
    actor,
    name: str,
    slug: str,
    eligible_partner_types: list[str],
    description: str = "",
    is_active: bool = True,
) -> Programme:
    permissions.DEFINE.ensure(actor)
    cleaned = _clean_programme(
        name=name, slug=slug, eligible_partner_types=eligible_partner_types
    )
    try:
        with transaction.atomic():
            programme = Programme.objects.create(
                **cleaned, description=description.strip(), is_active=is_active
            )
    except IntegrityError:
        raise _slug_taken() from None
    audit.record_create(
        actor=actor,
        instance=programme,
        fields=PROGRAMME_FIELDS,
        verb="programme.created",
    )
    events.emit("programme.created", payload=programme_payload(programme), actor=actor)
    return programme


@transaction.atomic
def programme_update(
    *,
    actor,
    programme: Programme,
    name: str | None = None,
    slug: str | None = None,
    eligible_partner_types: list[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> Programme:
    """Change what is given (``None`` keeps a value). Narrowing the eligible types
    does not end existing enrolments."""
    permissions.DEFINE.ensure(actor)
    cleaned = _clean_programme(
        name=programme.name if name is None else name,
        slug=programme.slug if slug is None else slug,
        eligible_partner_types=(
            programme.eligible_partner_types
            if eligible_partner_types is None
            else eligible_partner_types
        ),
    )
    before = audit.snapshot(programme, PROGRAMME_FIELDS)
    for field, value in cleaned.items():
        setattr(programme, field, value)
    if description is not None:
        programme.description = description.strip()
    if is_active is not None:
        programme.is_active = is_active
    entry = audit.record_change(
        actor=actor, instance=programme, before=before, verb="programme.updated"
    )
    if entry is None:
        return programme
    try:
        with transaction.atomic():
            programme.save(update_fields=[*PROGRAMME_FIELDS, "updated_at"])
    except IntegrityError:
        raise _slug_taken() from None
    events.emit(
        "programme.updated",
        payload={**programme_payload(programme), "changes": entry.changes},
        actor=actor,
    )
    return programme


# --- tiers


def _clean_tier(*, name: str, rank) -> tuple[str, int]:
    field_errors = {}
    name = name.strip()
    if not name:
        field_errors["name"] = [str(_("Enter a name."))]
    if not isinstance(rank, int) or rank < 1:
        field_errors["rank"] = [str(_("Enter a whole number, 1 or more."))]
    if field_errors:
        raise ValidationFailed(field_errors=field_errors)
    return name, rank


def _rank_taken() -> ValidationFailed:
    return ValidationFailed(
        field_errors={"rank": [str(_("Another tier of this programme has this rank."))]}
    )


@transaction.atomic
def tier_create(
    *, actor, programme: Programme, name: str, rank: int, description: str = ""
) -> Tier:
    permissions.DEFINE.ensure(actor)
    name, rank = _clean_tier(name=name, rank=rank)
    try:
        with transaction.atomic():
            tier = Tier.objects.create(
                programme=programme,
                name=name,
                rank=rank,
                description=description.strip(),
            )
    except IntegrityError:
        raise _rank_taken() from None
    audit.record_create(
        actor=actor, instance=tier, fields=TIER_FIELDS, verb="tier.created"
    )
    events.emit("tier.created", payload=tier_payload(tier), actor=actor)
    return tier


@transaction.atomic
def tier_update(
    *,
    actor,
    tier: Tier,
    name: str | None = None,
    rank: int | None = None,
    description: str | None = None,
) -> Tier:
    permissions.DEFINE.ensure(actor)
    name, rank = _clean_tier(
        name=tier.name if name is None else name,
        rank=tier.rank if rank is None else rank,
    )
    before = audit.snapshot(tier, ["name", "rank", "description"])
    tier.name, tier.rank = name, rank
    if description is not None:
        tier.description = description.strip()
    entry = audit.record_change(
        actor=actor, instance=tier, before=before, verb="tier.updated"
    )
    if entry is None:
        return tier
    try:
        with transaction.atomic():
            tier.save(update_fields=["name", "rank", "description", "updated_at"])
    except IntegrityError:
        raise _rank_taken() from None
    events.emit(
        "tier.updated",
        payload={**tier_payload(tier), "changes": entry.changes},
        actor=actor,
    )
    return tier


def requirement_threshold(value, field_errors: dict, key: str):
    """A requirement's threshold parsed, or its error added under ``key``."""
    try:
        threshold = benefit_rules.parse_decimal(value)
    except benefit_rules.BenefitValueError as error:
        field_errors[key] = [str(error)]
        return None
    if threshold < 0 or abs(threshold) >= 10**12:
        field_errors[key] = [str(_("Enter a number from 0."))]
    return threshold


@transaction.atomic
def tier_requirement_create(
    *, actor, tier: Tier, metric: str, operator: str, threshold
) -> TierRequirement:
    permissions.DEFINE.ensure(actor)
    field_errors = {}
    if metric not in CATALOGUE:
        field_errors["metric"] = [str(_("Choose a metric from the catalogue."))]
    if operator not in Operator.values:
        field_errors["operator"] = [str(_("Choose >=, <= or ==."))]
    threshold = requirement_threshold(threshold, field_errors, "threshold")
    if field_errors:
        raise ValidationFailed(field_errors=field_errors)
    requirement = TierRequirement.objects.create(
        tier=tier, metric=metric, operator=operator, threshold=threshold
    )
    audit.record_create(
        actor=actor,
        instance=requirement,
        fields=REQUIREMENT_FIELDS,
        verb="tier.requirement_added",
    )
    events.emit(
        "tier.requirement_added",
        payload={
            **tier_payload(tier),
            "requirement": {
                "id": requirement.pk,
                "metric": metric,
                "operator": operator,
                "threshold": str(requirement.threshold),
            },
        },
        actor=actor,
    )
    return requirement


@transaction.atomic
def tier_requirement_thresholds_set(
    *, actor, tier: Tier, thresholds: dict[int, object]
) -> list[TierRequirement]:
    """New thresholds for requirements of ``tier`` (by id): all saved or, on any
    error (an unknown requirement, a bad number), none. Returns those changed."""
    permissions.DEFINE.ensure(actor)
    requirements = {item.pk: item for item in tier.requirements.all()}
    field_errors: dict = {}
    parsed = {}
    for requirement_id, value in thresholds.items():
        key = f"threshold_{requirement_id}"
        if requirement_id not in requirements:
            field_errors[key] = [str(_("This requirement is not one of the tier's."))]
            continue
        parsed[requirement_id] = requirement_threshold(value, field_errors, key)
    if field_errors:
        raise ValidationFailed(field_errors=field_errors)
    changed = []
    for requirement_id, threshold in parsed.items():
        requirement = requirements[requirement_id]
        if requirement.threshold == threshold:
            continue
        before = audit.snapshot(requirement, ["threshold"])
        requirement.threshold = threshold
        requirement.save(update_fields=["threshold", "updated_at"])
        audit.record_change(
            actor=actor,
            instance=requirement,
            before=before,
            verb="tier.requirement_changed",
        )
        events.emit(
            "tier.requirement_changed",
            payload={
                **tier_payload(tier),
                "requirement": {
                    "id": requirement.pk,
                    "metric": requirement.metric,
                    "operator": requirement.operator,
                    "threshold": str(requirement.threshold),
                    "previous_threshold": str(before["threshold"]),
                },
            },
            actor=actor,
        )
        changed.append(requirement)
    return changed


@transaction.atomic
def tier_requirement_delete(*, actor, requirement: TierRequirement) -> None:
    permissions.DEFINE.ensure(actor)
    audit.record_delete(
        actor=actor,
        instance=requirement,
        fields=REQUIREMENT_FIELDS,
        verb="tier.requirement_removed",
    )
    payload = {
        **tier_payload(requirement.tier),
        "requirement": {
            "id": requirement.pk,
            "metric": requirement.metric,
            "operator": requirement.operator,
            "threshold": str(requirement.threshold),
        },
    }
    requirement.delete()
    events.emit("tier.requirement_removed", payload=payload, actor=actor)


@transaction.atomic
def tier_benefit_set(*, actor, tier: Tier, kind: str, value) -> TierBenefit:
    """Give a tier a benefit, or change the value of the one of that kind."""
    permissions.DEFINE.ensure(actor)
    if kind not in BenefitKind.values:
        raise ValidationFailed(field_errors={"kind": [str(_("Unknown benefit."))]})
    try:
        cleaned = benefit_rules.clean_benefit_value(kind, value)
    except benefit_rules.BenefitValueError as error:
        raise ValidationFailed(field_errors={"value": [str(error)]}) from None
    benefit = TierBenefit.objects.filter(tier=tier, kind=kind).first()
    if benefit is None:
        benefit = TierBenefit.objects.create(tier=tier, kind=kind, value=cleaned)
        audit.record_create(
            actor=actor,
            instance=benefit,
            fields=BENEFIT_FIELDS,
            verb="tier.benefit_set",
        )
    else:
        before = audit.snapshot(benefit, ["value"])
        benefit.value = cleaned
        if (
            audit.record_change(
                actor=actor, instance=benefit, before=before, verb="tier.benefit_set"
            )
            is None
        ):
            return benefit
        benefit.save(update_fields=["value", "updated_at"])
    events.emit(
        "tier.benefit_set",
        payload={
            **tier_payload(tier),
            "benefit": {"id": benefit.pk, "kind": kind, "value": cleaned},
        },
        actor=actor,
    )
    return benefit


@transaction.atomic
def tier_benefit_delete(*, actor, benefit: TierBenefit) -> None:
    permissions.DEFINE.ensure(actor)
    audit.record_delete(
        actor=actor,
        instance=benefit,
        fields=BENEFIT_FIELDS,
        verb="tier.benefit_removed",
    )
    payload = {
        **tier_payload(benefit.tier),
        "benefit": {"id": benefit.pk, "kind": benefit.kind, "value": benefit.value},
    }
    benefit.delete()
    events.emit("tier.benefit_removed", payload=payload, actor=actor)


# --- enrolments


def _ensure_manages(actor, partner: Partner) -> None:
    """The role gate (403), then the partner's scope (404: it is not theirs)."""
    permissions.MANAGE_ENROLMENTS.ensure(actor)
    if not scope_for(actor).includes(partner):
        raise NotFound


def _tier_of(programme: Programme, tier: Tier) -> Tier:
    if tier.programme_id != programme.pk:
        raise ValidationFailed(
            field_errors={"tier": [str(_("This tier belongs to another programme."))]}
        )
    return tier


@transaction.atomic
def enrolment_create(
    *, actor, partner: Partner, programme: Programme, tier: Tier, reason: str = ""
) -> Enrolment:
    """Enrol a partner in a programme at a tier; its history starts here."""
    _ensure_manages(actor, partner)
    _tier_of(programme, tier)
    if not programme.is_active:
        raise ValidationFailed(
            field_errors={"programme": [str(_("This programme is not active."))]}
        )
    if partner.partner_type not in programme.eligible_partner_types:
        raise ValidationFailed(
            field_errors={
                "partner": [
                    str(
                        _("A %(type)s may not enrol in %(programme)s.")
                        % {
                            "type": partner.get_partner_type_display(),
                            "programme": programme.name,
                        }
                    )
                ]
            }
        )
    try:
        # The partial unique constraint, not a prior check, keeps one active
        # enrolment per programme, also under concurrent requests.
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                partner=partner, programme=programme, tier=tier
            )
    except IntegrityError:
        raise Conflict(
            _("%(partner)s is already enrolled in %(programme)s.")
            % {"partner": partner.name, "programme": programme.name}
        ) from None
    TierChange.objects.create(
        enrolment=enrolment,
        from_tier=None,
        to_tier=tier,
        changed_by=actor,
        reason=reason.strip() or str(_("Enrolled")),
        changed_at=enrolment.enrolled_at,
    )
    audit.record_create(
        actor=actor,
        instance=enrolment,
        fields=ENROLMENT_FIELDS,
        verb="partner.enrolled",
    )
    events.emit(
        "partner.enrolled",
        payload=enrolment_payload(enrolment),
        actor=actor,
        partner_id=partner.pk,
    )
    return enrolment


def _ensure_active(enrolment: Enrolment, target: str) -> None:
    if enrolment.status != EnrolmentStatus.ACTIVE:
        raise InvalidTransition(
            enrolment.status,
            target,
            message=_("This enrolment has ended."),
        )


@transaction.atomic
def enrolment_change_tier(
    *, actor, enrolment: Enrolment, tier: Tier, reason: str
) -> Enrolment:
    """Move an active enrolment to another tier of its programme, saying why."""
    _ensure_manages(actor, enrolment.partner)
    _ensure_active(enrolment, EnrolmentStatus.ACTIVE)
    _tier_of(enrolment.programme, tier)
    field_errors = {}
    if tier.pk == enrolment.tier_id:
        field_errors["tier"] = [str(_("The partner is at this tier already."))]
    if not reason.strip():
        field_errors["reason"] = [str(_("Say why the tier changes."))]
    if field_errors:
        raise ValidationFailed(field_errors=field_errors)
    from_tier = enrolment.tier
    # Conditional on the tier read: a concurrent change makes this one fail.
    updated = Enrolment.objects.filter(
        pk=enrolment.pk, tier_id=from_tier.pk, status=EnrolmentStatus.ACTIVE
    ).update(tier=tier, updated_at=timezone.now())
    if not updated:
        raise Conflict(_("The enrolment changed meanwhile; reload and try again."))
    before = audit.snapshot(enrolment, ["tier"])
    enrolment.tier = tier
    change = TierChange.objects.create(
        enrolment=enrolment,
        from_tier=from_tier,
        to_tier=tier,
        changed_by=actor,
        reason=reason.strip(),
    )
    audit.record_change(
        actor=actor, instance=enrolment, before=before, verb="partner.tier_changed"
    )
    events.emit(
        "partner.tier_changed",
        payload={
            **enrolment_payload(enrolment),
            "from_tier": {"id": from_tier.pk, "name": from_tier.name},
            "to_tier": {"id": tier.pk, "name": tier.name},
            "direction": "up" if tier.rank > from_tier.rank else "down",
            "reason": change.reason,
        },
        actor=actor,
        partner_id=enrolment.partner_id,
    )
    return enrolment


@transaction.atomic
def enrolment_end(*, actor, enrolment: Enrolment, reason: str = "") -> Enrolment:
    """End an active enrolment; it stays as history and the partner may enrol again."""
    _ensure_manages(actor, enrolment.partner)
    _ensure_active(enrolment, EnrolmentStatus.ENDED)
    now = timezone.now()
    updated = Enrolment.objects.filter(
        pk=enrolment.pk, status=EnrolmentStatus.ACTIVE
    ).update(status=EnrolmentStatus.ENDED, ended_at=now, updated_at=now)
    if not updated:
        raise InvalidTransition(
            EnrolmentStatus.ENDED, EnrolmentStatus.ENDED, _("This enrolment has ended.")
        )
    before = audit.snapshot(enrolment, ["status", "ended_at"])
    enrolment.status, enrolment.ended_at = EnrolmentStatus.ENDED, now
    audit.record_change(
        actor=actor, instance=enrolment, before=before, verb="enrolment.ended"
    )
    events.emit(
        "enrolment.ended",
        payload={
            **enrolment_payload(enrolment),
            "ended_at": now.isoformat(),
            "reason": reason.strip(),
        },
        actor=actor,
        partner_id=enrolment.partner_id,
    )
    return enrolment
