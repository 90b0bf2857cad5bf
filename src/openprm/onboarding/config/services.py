"""Writes of onboarding's configuration: routing rules, approval steps, queues and
the questions of each programme's application form. Vendor admins only."""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from openprm.core import audit
from openprm.core.errors import ValidationFailed
from openprm.core.models import AuditAction
from openprm.onboarding import permissions
from openprm.onboarding.choices import QuestionKind
from openprm.onboarding.models import (
    ApplicationQuestion,
    ApprovalQueue,
    ApprovalStep,
    RoutingRule,
)
from openprm.onboarding.routing import COUNTRY_PATTERN
from openprm.partners.choices import PartnerType, Region


def _codes(value, allowed, name: str, errors: dict) -> list[str]:
    values = [value] if isinstance(value, str) else list(value or [])
    if any(item not in allowed for item in values):
        errors[name] = [_("Unknown value.")]
    return [item for item in values if item in allowed]


def _target(data, errors, user_field="user", queue_field="queue", required=True):
    user, queue = data.get(user_field), data.get(queue_field)
    if user is not None and queue is not None:
        errors[user_field] = [_("Choose an approver or a queue, not both.")]
    elif required and user is None and queue is None:
        errors[user_field] = [_("Choose an approver or a queue.")]
    if user is not None and not (user.is_active and user.is_vendor_staff):
        errors[user_field] = [_("The approver must be active vendor staff.")]
    return user, queue


RULE_FIELDS = [
    "name",
    "position",
    "is_active",
    "programme",
    "regions",
    "countries",
    "partner_types",
    "user",
    "queue",
]


def _clean_rule(data: Mapping[str, Any]) -> dict:
    errors: dict = {}
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = [_("This field is required.")]
    countries = [
        str(code).strip().upper()
        for code in (data.get("countries") or [])
        if str(code).strip()
    ]
    if any(not COUNTRY_PATTERN.match(code) for code in countries):
        errors["countries"] = [_("Two-letter country codes, e.g. DE, FR.")]
    user, queue = _target(data, errors)
    cleaned = {
        "name": name[:100],
        "position": int(data.get("position") or 0),
        "is_active": bool(data.get("is_active", True)),
        "programme": data.get("programme"),
        "regions": _codes(data.get("regions"), Region.values, "regions", errors),
        "countries": countries,
        "partner_types": _codes(
            data.get("partner_types"), PartnerType.values, "partner_types", errors
        ),
        "user": user,
        "queue": queue,
    }
    if errors:
        raise ValidationFailed(field_errors=errors)
    return cleaned


@transaction.atomic
def routing_rule_create(*, actor, data: Mapping[str, Any]) -> RoutingRule:
    permissions.CONFIGURE.ensure(actor)
    rule = RoutingRule.objects.create(**_clean_rule(data))
    audit.record_create(
        actor=actor, instance=rule, fields=RULE_FIELDS, verb="routing_rule.created"
    )
    return rule


@transaction.atomic
def routing_rule_update(
    *, actor, rule: RoutingRule, data: Mapping[str, Any]
) -> RoutingRule:
    """Change the fields given in ``data``; the rest stay."""
    return _update(actor, rule, data, RULE_FIELDS, _clean_rule, "routing_rule.updated")


def _update(actor, instance, data, fields, clean, verb):
    """Re-check the whole object with ``data`` applied, save it, audit the change;
    a broken unique constraint is the step position's."""
    permissions.CONFIGURE.ensure(actor)
    current = {name: getattr(instance, name) for name in fields}
    cleaned = clean({**current, **data})
    before = audit.snapshot(instance, fields)
    for name, value in cleaned.items():
        setattr(instance, name, value)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise _position_taken() from error
    audit.record_change(actor=actor, instance=instance, before=before, verb=verb)
    return instance


def _delete(actor, instance, fields, verb) -> None:
    permissions.CONFIGURE.ensure(actor)
    audit.record_delete(actor=actor, instance=instance, fields=fields, verb=verb)
    instance.delete()


@transaction.atomic
def routing_rule_delete(*, actor, rule: RoutingRule) -> None:
    _delete(actor, rule, RULE_FIELDS, "routing_rule.deleted")


STEP_FIELDS = [
    "programme",
    "position",
    "name",
    "user",
    "queue",
    "sla_business_days",
    "escalate_to_user",
    "escalate_to_queue",
]


def _clean_step(data: Mapping[str, Any]) -> dict:
    errors: dict = {}
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = [_("This field is required.")]
    user, queue = _target(data, errors, required=False)
    escalate_user, escalate_queue = _target(
        data, errors, "escalate_to_user", "escalate_to_queue", required=False
    )
    try:
        position = int(data.get("position"))
        sla = int(data.get("sla_business_days"))
    except (TypeError, ValueError):
        errors["sla_business_days"] = [_("Whole numbers, please.")]
        position = sla = 0
    if position < 1:
        errors["position"] = [_("1 or more.")]
    if not 0 <= sla <= 60:
        errors["sla_business_days"] = [_("Between 0 and 60 business days.")]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return {
        "name": name[:100],
        "position": position,
        "user": user,
        "queue": queue,
        "sla_business_days": sla,
        "escalate_to_user": escalate_user,
        "escalate_to_queue": escalate_queue,
    }


def _position_taken() -> ValidationFailed:
    return ValidationFailed(
        field_errors={"position": [_("The chain has a step at this position.")]}
    )


@transaction.atomic
def approval_step_create(*, actor, programme, data: Mapping[str, Any]) -> ApprovalStep:
    permissions.CONFIGURE.ensure(actor)
    cleaned = _clean_step(data)
    try:
        with transaction.atomic():
            step = ApprovalStep.objects.create(programme=programme, **cleaned)
    except IntegrityError as error:
        raise _position_taken() from error
    audit.record_create(
        actor=actor, instance=step, fields=STEP_FIELDS, verb="approval_step.created"
    )
    return step


@transaction.atomic
def approval_step_update(
    *, actor, step: ApprovalStep, data: Mapping[str, Any]
) -> ApprovalStep:
    """Change the fields given in ``data``; the rest stay."""
    return _update(actor, step, data, STEP_FIELDS, _clean_step, "approval_step.updated")


@transaction.atomic
def approval_step_delete(*, actor, step: ApprovalStep) -> None:
    _delete(actor, step, STEP_FIELDS, "approval_step.deleted")


QUEUE_FIELDS = ["name", "is_fallback"]


@transaction.atomic
def approval_queue_save(
    *,
    actor,
    name: str,
    members: Iterable = (),
    is_fallback: bool = False,
    queue: ApprovalQueue | None = None,
) -> ApprovalQueue:
    """Create (or, given ``queue``, change) a queue and its members; at most one
    queue is the fallback, so making one the fallback unsets the other."""
    permissions.CONFIGURE.ensure(actor)
    name = (name or "").strip()
    members = list(members)
    if not name:
        raise ValidationFailed(field_errors={"name": [_("This field is required.")]})
    if any(not (user.is_active and user.is_vendor_staff) for user in members):
        raise ValidationFailed(
            field_errors={"members": [_("Members must be active vendor staff.")]}
        )
    if is_fallback:
        ApprovalQueue.objects.filter(is_fallback=True).exclude(
            pk=getattr(queue, "pk", None)
        ).update(is_fallback=False)
    creating = queue is None
    queue = queue or ApprovalQueue()
    before = {} if creating else audit.snapshot(queue, QUEUE_FIELDS)
    before_members = (
        [] if creating else sorted(queue.members.values_list("pk", flat=True))
    )
    queue.name, queue.is_fallback = name[:100], is_fallback
    try:
        with transaction.atomic():
            queue.save()
    except IntegrityError as error:
        raise ValidationFailed(
            field_errors={"name": [_("A queue with this name exists.")]}
        ) from error
    queue.members.set(members)
    after_members = sorted(user.pk for user in members)
    changes = {
        name: [before.get(name), value]
        for name, value in audit.snapshot(queue, QUEUE_FIELDS).items()
        if before.get(name) != value
    }
    if before_members != after_members:
        changes["members"] = [before_members, after_members]
    if changes:
        audit.record(
            actor=actor,
            instance=queue,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            changes=changes,
            verb="approval_queue.saved",
        )
    return queue


QUESTION_FIELDS = [
    "programme",
    "key",
    "label",
    "kind",
    "choices",
    "is_required",
    "position",
]
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


@transaction.atomic
def question_create(
    *, actor, programme, data: Mapping[str, Any]
) -> ApplicationQuestion:
    """Add a question to a programme's application form."""
    permissions.CONFIGURE.ensure(actor)
    errors: dict = {}
    key = str(data.get("key") or "").strip()
    if not KEY_PATTERN.match(key):
        errors["key"] = [_("Lower-case letters, digits and _, starting with a letter.")]
    label = str(data.get("label") or "").strip()
    if not label:
        errors["label"] = [_("This field is required.")]
    kind = data.get("kind")
    if kind not in QuestionKind.values:
        errors["kind"] = [_("Choose a type.")]
    choices = data.get("choices") or []
    if isinstance(choices, str):
        choices = [item.strip() for item in choices.split(",")]
    choices = list(
        dict.fromkeys(str(item).strip() for item in choices if str(item).strip())
    )
    if kind in (QuestionKind.CHOICE, QuestionKind.MULTI_CHOICE) and len(choices) < 2:
        errors["choices"] = [_("Give at least two choices.")]
    if kind not in (QuestionKind.CHOICE, QuestionKind.MULTI_CHOICE):
        choices = []
    if errors:
        raise ValidationFailed(field_errors=errors)
    try:
        with transaction.atomic():
            question = ApplicationQuestion.objects.create(
                programme=programme,
                key=key,
                label=label[:200],
                kind=kind,
                choices=choices,
                is_required=bool(data.get("is_required")),
                help_text=str(data.get("help_text") or "")[:255],
                position=int(data.get("position") or 0),
            )
    except IntegrityError as error:
        raise ValidationFailed(
            field_errors={"key": [_("The programme has a question with this key.")]}
        ) from error
    audit.record_create(
        actor=actor,
        instance=question,
        fields=QUESTION_FIELDS,
        verb="application_question.created",
    )
    return question


@transaction.atomic
def question_delete(*, actor, question: ApplicationQuestion) -> None:
    _delete(actor, question, QUESTION_FIELDS, "application_question.deleted")
