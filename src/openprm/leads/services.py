"""Every write of leads: creation (console, import, CRM push), routing, the
partner's answer, recall when the acceptance SLA passes, working and converting,
and the vendor's routing rules and partner capacities.

Each action is audited, announces itself as an event and leaves an entry on the
lead's timeline.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core import audit, events
from openprm.core.errors import (
    Conflict,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from openprm.deals import services as deal_services
from openprm.leads import candidates, permissions, routing
from openprm.leads.importing import iter_rows
from openprm.leads.models import (
    LEAD_DATA_FIELDS,
    ROUTABLE_STATUSES,
    ActivityKind,
    AssignmentOutcome,
    Lead,
    LeadActivity,
    LeadAssignment,
    LeadCapacity,
    LeadRoutingRule,
    LeadSource,
    LeadStatus,
    RoutingStrategy,
)
from openprm.partners.choices import (
    EmployeeBand,
    Industry,
    Region,
    specialisation_choices,
)
from openprm.partners.models import Partner

LEAD_FIELDS = list(LEAD_DATA_FIELDS)
STATE_FIELDS = ["status", "current_partner"]
RULE_FIELDS = [
    "name",
    "order",
    "is_active",
    "countries",
    "regions",
    "postal_prefixes",
    "industries",
    "product_interests",
    "size_bands",
    "same_country",
    "same_region",
    "match_specialisation",
    "match_industry",
    "strategy",
    "named_partner",
    "tier_weight",
    "score_weight",
    "acceptance_weight",
    "win_weight",
]


def lead_payload(lead: Lead) -> dict:
    return {
        "id": str(lead.public_id),
        "external_id": lead.external_id,
        "company": lead.company,
        "country": lead.country,
        "region": lead.region,
        "status": lead.status,
        "partner": lead.current_partner_id,
    }


def assigned_payload(lead: Lead, decision, *, respond_by: datetime) -> dict:
    """The ``lead.assigned`` event, from the lead as routed (here and in the batch)."""
    return {
        **lead_payload(lead),
        "rule": decision.rule_name,
        "reasons": decision.reasons,
        "respond_by": respond_by.isoformat(),
    }


def unassigned_payload(lead: Lead, decision) -> dict:
    """The ``lead.unassigned`` event, from the lead as left (here and in the batch)."""
    return {**lead_payload(lead), "reasons": decision.reasons}


def _activity(
    lead: Lead,
    kind: str,
    *,
    actor=None,
    partner_id: int | None = None,
    message: str = "",
    data: dict | None = None,
    now: datetime | None = None,
) -> LeadActivity:
    return LeadActivity.objects.create(
        lead=lead,
        kind=kind,
        actor=actor if actor is not None and actor.pk else None,
        partner_id=partner_id,
        message=str(message),
        data=data or {},
        created_at=now or timezone.now(),
    )


# --- lead data


def _text(data: dict, name: str, limit: int) -> str:
    value = data.get(name)
    return "" if value is None else str(value).strip()[:limit]


def clean_lead(data: dict) -> dict:
    """Lead data checked field by field; raises ValidationFailed with every error."""
    errors: dict[str, list[str]] = {}
    cleaned = {
        "company": _text(data, "company", 200),
        "domain": _text(data, "domain", 253).lower(),
        "contact_name": _text(data, "contact_name", 200),
        "contact_email": _text(data, "contact_email", 254),
        "contact_phone": _text(data, "contact_phone", 40),
        "country": _text(data, "country", 100).upper(),
        "region": _text(data, "region", 100),
        "postal_code": _text(data, "postal_code", 20),
        "industry": _text(data, "industry", 32),
        "product_interest": _text(data, "product_interest", 64),
        "size_band": _text(data, "size_band", 16),
        "description": _text(data, "description", 5000),
        "external_id": _text(data, "external_id", 100) or None,
    }
    if not cleaned["company"]:
        errors["company"] = [str(_("Enter the company."))]
    if len(cleaned["country"]) != 2 or not cleaned["country"].isalpha():
        errors["country"] = [str(_("Enter a two-letter country code."))]
    if cleaned["region"] not in Region.values:
        errors["region"] = [str(_("Choose a region."))]
    choices = (
        ("industry", Industry.values),
        ("product_interest", [code for code, _label in specialisation_choices()]),
        ("size_band", EmployeeBand.values),
    )
    for name, allowed in choices:
        if cleaned[name] and cleaned[name] not in allowed:
            errors[name] = [str(_("Not one of the choices."))]
    email = cleaned["contact_email"]
    if email and ("@" not in email or " " in email):
        errors["contact_email"] = [str(_("Enter a valid email address."))]
    for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        value = data.get(name)
        if value in (None, ""):
            cleaned[name] = None
            continue
        try:
            number = round(float(value), 6)
        except (TypeError, ValueError):
            number = None
        if number is None or not low <= number <= high:
            errors[name] = [str(_("Enter a number between %s and %s.") % (low, high))]
        cleaned[name] = number
    if (cleaned["latitude"] is None) != (cleaned["longitude"] is None):
        errors.setdefault("longitude", []).append(
            str(_("Give both coordinates or neither."))
        )
    if errors:
        raise ValidationFailed(field_errors=errors)
    return cleaned


def _external_id_taken() -> ValidationFailed:
    return ValidationFailed(
        field_errors={"external_id": [str(_("Another lead has this external id."))]}
    )


@transaction.atomic
def lead_create(
    *,
    actor,
    data: dict,
    source: str = LeadSource.CONSOLE,
    route: bool = True,
) -> Lead:
    """A new vendor lead, routed straight away unless ``route`` is false."""
    permissions.MANAGE.ensure(actor)
    cleaned = clean_lead(data)
    try:
        with transaction.atomic():
            lead = Lead.objects.create(**cleaned, source=source, created_by=actor)
    except IntegrityError:
        raise _external_id_taken() from None
    audit.record_create(
        actor=actor,
        instance=lead,
        fields=[*LEAD_FIELDS, "status"],
        verb="lead.created",
    )
    _activity(lead, ActivityKind.CREATED, actor=actor, data={"source": source})
    events.emit("lead.created", payload=lead_payload(lead), actor=actor)
    if route:
        lead_route(actor=actor, lead=lead)
    return lead


@transaction.atomic
def lead_update(*, actor, lead: Lead, data: dict) -> Lead:
    """Change the lead's data (what is given); routing is not redone."""
    permissions.MANAGE.ensure(actor)
    current = {name: getattr(lead, name) for name in LEAD_FIELDS}
    cleaned = clean_lead({**current, **data})
    before = audit.snapshot(lead, LEAD_FIELDS)
    for name, value in cleaned.items():
        setattr(lead, name, value)
    entry = audit.record_change(
        actor=actor, instance=lead, before=before, verb="lead.updated"
    )
    if entry is None:
        return lead
    try:
        with transaction.atomic():
            lead.save(update_fields=[*LEAD_FIELDS, "updated_at"])
    except IntegrityError:
        raise _external_id_taken() from None
    _activity(lead, ActivityKind.UPDATED, actor=actor, data={"changes": entry.changes})
    events.emit(
        "lead.updated",
        payload={**lead_payload(lead), "changes": entry.changes},
        actor=actor,
        partner_id=lead.current_partner_id,
    )
    return lead


def lead_upsert(*, actor, external_id: str, data: dict) -> tuple[Lead, bool]:
    """The CRM push: create the lead with this external id, or update it; pushing
    the same data twice changes nothing. Returns the lead and whether it is new."""
    permissions.MANAGE.ensure(actor)
    external_id = str(external_id).strip()
    if not external_id:
        raise ValidationFailed(
            field_errors={"external_id": [str(_("Give an external id."))]}
        )
    data = {**data, "external_id": external_id}
    for _attempt in range(2):
        existing = Lead.objects.filter(external_id=external_id).first()
        if existing is not None:
            if not Lead.objects.visible_to(actor).filter(pk=existing.pk).exists():
                raise Conflict(_("A lead with this external id is outside your scope."))
            return lead_update(actor=actor, lead=existing, data=data), False
        try:
            return lead_create(actor=actor, data=data, source=LeadSource.API), True
        except ValidationFailed as error:
            # Created by a concurrent push of the same id: update it instead.
            if "external_id" not in error.field_errors:
                raise
    raise _external_id_taken()


# --- routing


def _respond_by(now: datetime) -> datetime:
    return now + timedelta(hours=settings.OPENPRM_LEAD_ACCEPTANCE_SLA_HOURS)


def _unrouted_status(lead: Lead) -> str:
    """Where a lead nobody can take waits: a new lead is unassigned; a rejected or
    recalled one keeps saying so."""
    if lead.status in (LeadStatus.REJECTED, LeadStatus.RECALLED):
        return lead.status
    return LeadStatus.UNASSIGNED


def _apply(
    *,
    lead: Lead,
    decision: routing.Decision,
    actor,
    now: datetime,
) -> LeadAssignment | None:
    before = audit.snapshot(lead, STATE_FIELDS)
    data = {"reasons": decision.reasons, "passed_over": decision.passed_over}
    if decision.partner_id is None:
        lead.status, lead.current_partner_id = _unrouted_status(lead), None
        lead.save(update_fields=["status", "current_partner", "updated_at"])
        audit.record_change(
            actor=actor, instance=lead, before=before, verb="lead.unassigned"
        )
        _activity(lead, ActivityKind.UNASSIGNED, actor=actor, data=data, now=now)
        events.emit(
            "lead.unassigned", payload=unassigned_payload(lead, decision), actor=actor
        )
        return None
    assignment = LeadAssignment.objects.create(
        lead=lead,
        partner_id=decision.partner_id,
        rule_id=decision.rule_id,
        rule_name=decision.rule_name,
        reasons=decision.reasons,
        passed_over=decision.passed_over,
        offered_at=now,
        respond_by=_respond_by(now),
    )
    lead.status, lead.current_partner_id = LeadStatus.OFFERED, decision.partner_id
    lead.save(update_fields=["status", "current_partner", "updated_at"])
    audit.record_change(actor=actor, instance=lead, before=before, verb="lead.assigned")
    _activity(
        lead,
        ActivityKind.ASSIGNED,
        actor=actor,
        partner_id=decision.partner_id,
        data={**data, "rule": decision.rule_name},
        now=now,
    )
    events.emit(
        "lead.assigned",
        payload=assigned_payload(lead, decision, respond_by=assignment.respond_by),
        actor=actor,
        partner_id=decision.partner_id,
    )
    return assignment


def _persist_rotation(rules: list[routing.RuleSpec], before: dict) -> None:
    for rule in rules:
        if rule.last_partner_id != before.get(rule.id):
            LeadRoutingRule.objects.filter(pk=rule.id).update(
                last_partner_id=rule.last_partner_id
            )


def _route_locked(*, lead: Lead, actor, now: datetime) -> LeadAssignment | None:
    rules = candidates.active_rules()
    rotation = {rule.id: rule.last_partner_id for rule in rules}
    facts = candidates.lead_facts(lead)
    excluded = candidates.exclusions([lead.pk]).get(lead.pk, {})
    pool = candidates.load_lead_pool(facts, rules, excluded=excluded)
    decision = routing.route(lead=facts, rules=rules, pool=pool, excluded=excluded)
    _persist_rotation(rules, rotation)
    return _apply(lead=lead, decision=decision, actor=actor, now=now)


def _locked(lead: Lead) -> Lead:
    """The lead re-read under a row lock (PostgreSQL), so that two answers or a
    sweep and an answer cannot both act on the same state."""
    return Lead.objects.select_for_update().get(pk=lead.pk)


@transaction.atomic
def lead_route(*, actor, lead: Lead, now: datetime | None = None):
    """Offer a waiting lead (new, unassigned, rejected, recalled) to the partner
    the rules choose; returns the assignment, or None when nobody is eligible."""
    if actor is not None:
        permissions.MANAGE.ensure(actor)
    locked = _locked(lead)
    if locked.status not in ROUTABLE_STATUSES:
        raise InvalidTransition(locked.status, LeadStatus.OFFERED)
    assignment = _route_locked(lead=locked, actor=actor, now=now or timezone.now())
    lead.status, lead.current_partner_id = locked.status, locked.current_partner_id
    return assignment


def _ensure_holder(actor, lead: Lead) -> None:
    """The actor works leads for the partner currently holding this one."""
    if lead.current_partner_id is None:
        raise PermissionDenied
    permissions.WORK.ensure(actor, partner_id=lead.current_partner_id)


def _close_offer(
    *, lead: Lead, outcome: str, actor, reason: str, now: datetime
) -> LeadAssignment:
    offer = (
        LeadAssignment.objects.select_for_update()
        .filter(lead=lead, outcome=AssignmentOutcome.PENDING)
        .first()
    )
    if offer is None:
        raise InvalidTransition(lead.status, outcome)
    before = audit.snapshot(offer, ["outcome", "outcome_reason"])
    offer.outcome, offer.outcome_at = outcome, now
    offer.outcome_reason = reason
    offer.decided_by = actor if actor is not None and actor.pk else None
    offer.save(update_fields=["outcome", "outcome_at", "outcome_reason", "decided_by"])
    audit.record_change(
        actor=actor, instance=offer, before=before, verb=f"lead.{outcome}"
    )
    return offer


@transaction.atomic
def lead_accept(*, actor, lead: Lead) -> Lead:
    _ensure_holder(actor, lead)
    locked = _locked(lead)
    if locked.status != LeadStatus.OFFERED or (
        locked.current_partner_id != lead.current_partner_id
    ):
        raise InvalidTransition(locked.status, LeadStatus.ACCEPTED)
    now = timezone.now()
    _close_offer(
        lead=locked,
        outcome=AssignmentOutcome.ACCEPTED,
        actor=actor,
        reason="",
        now=now,
    )
    before = audit.snapshot(locked, STATE_FIELDS)
    locked.status = LeadStatus.ACCEPTED
    locked.save(update_fields=["status", "updated_at"])
    audit.record_change(
        actor=actor, instance=locked, before=before, verb="lead.accepted"
    )
    _activity(
        locked,
        ActivityKind.ACCEPTED,
        actor=actor,
        partner_id=locked.current_partner_id,
        now=now,
    )
    events.emit(
        "lead.accepted",
        payload=lead_payload(locked),
        actor=actor,
        partner_id=locked.current_partner_id,
    )
    return locked


def _give_back(
    *, lead: Lead, outcome: str, actor, reason: str, now: datetime
) -> LeadAssignment | None:
    """Close the pending offer (rejected or recalled), log it, then route the lead
    on to the next eligible partner (the previous ones are excluded)."""
    partner_id = lead.current_partner_id
    _close_offer(lead=lead, outcome=outcome, actor=actor, reason=reason, now=now)
    before = audit.snapshot(lead, STATE_FIELDS)
    lead.status, lead.current_partner_id = outcome, None
    lead.save(update_fields=["status", "current_partner", "updated_at"])
    audit.record_change(
        actor=actor, instance=lead, before=before, verb=f"lead.{outcome}"
    )
    kind = ActivityKind.REJECTED if outcome == "rejected" else ActivityKind.RECALLED
    _activity(lead, kind, actor=actor, partner_id=partner_id, message=reason, now=now)
    events.emit(
        f"lead.{outcome}",
        payload={
            **lead_payload(lead),
            "previous_partner": partner_id,
            "reason": reason,
        },
        actor=actor,
        partner_id=partner_id,
    )
    return _route_locked(lead=lead, actor=None, now=now)


@transaction.atomic
def lead_reject(*, actor, lead: Lead, reason: str) -> Lead:
    """The partner turns the lead down with a reason; it goes to the next partner."""
    _ensure_holder(actor, lead)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(field_errors={"reason": [str(_("Give a reason."))]})
    locked = _locked(lead)
    if locked.status != LeadStatus.OFFERED or (
        locked.current_partner_id != lead.current_partner_id
    ):
        raise InvalidTransition(locked.status, LeadStatus.REJECTED)
    _give_back(
        lead=locked,
        outcome=AssignmentOutcome.REJECTED,
        actor=actor,
        reason=reason[:2000],
        now=timezone.now(),
    )
    return locked


@transaction.atomic
def lead_recall(
    *, lead: Lead, actor=None, reason: str = "", now: datetime | None = None
) -> Lead:
    """Take an offered lead back (the sweep, once the acceptance SLA passed, or a
    lead manager) and route it to the next eligible partner."""
    if actor is not None:
        permissions.MANAGE.ensure(actor)
    locked = _locked(lead)
    if locked.status != LeadStatus.OFFERED:
        raise InvalidTransition(locked.status, LeadStatus.RECALLED)
    _give_back(
        lead=locked,
        outcome=AssignmentOutcome.RECALLED,
        actor=actor,
        reason=reason or str(_("The acceptance time passed without an answer.")),
        now=now or timezone.now(),
    )
    return locked


def recall_overdue_leads(*, now: datetime | None = None, limit: int = 500) -> int:
    """The sweep: recall every offer whose answer deadline has passed (each in its
    own transaction); returns how many were recalled."""
    now = now or timezone.now()
    overdue = list(
        LeadAssignment.objects.filter(
            outcome=AssignmentOutcome.PENDING, respond_by__lt=now
        )
        .order_by("respond_by", "id")
        .values_list("lead_id", flat=True)[:limit]
    )
    recalled = 0
    for lead in Lead.objects.filter(pk__in=overdue):
        try:
            lead_recall(lead=lead, now=now)
        except InvalidTransition:  # answered in the meantime
            continue
        recalled += 1
    return recalled


# --- working an accepted lead

WORK_TRANSITIONS = {
    LeadStatus.ACCEPTED: (LeadStatus.WORKING, LeadStatus.LOST),
    LeadStatus.WORKING: (LeadStatus.LOST,),
}


@transaction.atomic
def lead_set_status(*, actor, lead: Lead, status: str, note: str = "") -> Lead:
    """The holding partner moves an accepted lead on: working, or lost."""
    _ensure_holder(actor, lead)
    locked = _locked(lead)
    if status not in WORK_TRANSITIONS.get(locked.status, ()):
        raise InvalidTransition(locked.status, status)
    before = audit.snapshot(locked, STATE_FIELDS)
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    audit.record_change(
        actor=actor, instance=locked, before=before, verb="lead.status_changed"
    )
    _activity(
        locked,
        ActivityKind.STATUS_CHANGED,
        actor=actor,
        partner_id=locked.current_partner_id,
        message=note.strip(),
        data={"from": before["status"], "to": status},
    )
    events.emit(
        "lead.status_changed",
        payload={**lead_payload(locked), "previous_status": before["status"]},
        actor=actor,
        partner_id=locked.current_partner_id,
    )
    return locked


@transaction.atomic
def lead_add_note(*, actor, lead: Lead, text: str) -> LeadActivity:
    """A note on the timeline, by the holding partner or a lead manager."""
    if not permissions.MANAGE.allows(actor):
        _ensure_holder(actor, lead)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(field_errors={"text": [str(_("Write a note."))]})
    activity = _activity(
        lead,
        ActivityKind.NOTE,
        actor=actor,
        partner_id=None if actor.is_vendor_staff else lead.current_partner_id,
        message=text[:5000],
    )
    audit.record_create(
        actor=actor, instance=activity, fields=["lead", "message"], verb="lead.note"
    )
    events.emit(
        "lead.note_added",
        payload={**lead_payload(lead), "note": activity.message},
        actor=actor,
        partner_id=lead.current_partner_id,
    )
    return activity


# --- conversion


@transaction.atomic
def lead_convert(
    *,
    actor,
    lead: Lead,
    title: str,
    expected_close_date,
    lines: list[dict],
    currency: str = "USD",
    description: str = "",
):
    """The holding partner turns an accepted lead into a registered deal, approved
    at once (the vendor assigned the customer); returns the deal. When another
    partner's registration already protects the customer, the deal waits for a
    reviewer instead (the deals service decides)."""
    _ensure_holder(actor, lead)
    locked = _locked(lead)
    if locked.status not in (LeadStatus.ACCEPTED, LeadStatus.WORKING):
        raise InvalidTransition(locked.status, LeadStatus.CONVERTED)
    deal = deal_services.deal_register(
        actor=actor,
        partner=locked.current_partner,
        title=title,
        customer_name=locked.company,
        customer_domain=locked.domain,
        customer_country=locked.country,
        contact_name=locked.contact_name,
        contact_email=locked.contact_email,
        currency=currency,
        expected_close_date=expected_close_date,
        lines=lines,
        description=description or locked.description,
        source_lead_id=locked.public_id,
        auto_approve=True,
    )
    before = audit.snapshot(locked, [*STATE_FIELDS, "converted_deal_id"])
    locked.status, locked.converted_deal_id = LeadStatus.CONVERTED, deal.public_id
    locked.save(update_fields=["status", "converted_deal_id", "updated_at"])
    audit.record_change(
        actor=actor, instance=locked, before=before, verb="lead.converted"
    )
    _activity(
        locked,
        ActivityKind.CONVERTED,
        actor=actor,
        partner_id=locked.current_partner_id,
        message=deal.title,
        data={"deal": str(deal.public_id), "deal_status": deal.status},
    )
    events.emit(
        "lead.converted",
        payload={
            **lead_payload(locked),
            "deal": str(deal.public_id),
            "deal_status": deal.status,
        },
        actor=actor,
        partner_id=locked.current_partner_id,
    )
    lead.status, lead.converted_deal_id = locked.status, locked.converted_deal_id
    return deal


# --- routing rules


def rule_payload(rule: LeadRoutingRule) -> dict:
    return {
        "id": str(rule.public_id),
        "name": rule.name,
        "order": rule.order,
        "strategy": rule.strategy,
        "is_active": rule.is_active,
    }


def _list(value, allowed=None) -> tuple[list[str], bool]:
    if value in (None, ""):
        return [], True
    if isinstance(value, str):
        value = [item for item in value.replace(";", ",").split(",")]
    items = [str(item).strip() for item in value if str(item).strip()]
    return items, allowed is None or all(item in allowed for item in items)


def clean_rule(data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned: dict = {"name": str(data.get("name") or "").strip()[:200]}
    if not cleaned["name"]:
        errors["name"] = [str(_("Enter a name."))]
    try:
        cleaned["order"] = int(data.get("order", 100))
        if cleaned["order"] < 0:
            raise ValueError
    except (TypeError, ValueError):
        errors["order"] = [str(_("Enter a whole number, 0 or more."))]
    lists = (
        ("countries", None),
        ("regions", Region.values),
        ("postal_prefixes", None),
        ("industries", Industry.values),
        ("product_interests", [code for code, _label in specialisation_choices()]),
        ("size_bands", EmployeeBand.values),
    )
    for name, allowed in lists:
        items, valid = _list(data.get(name), allowed)
        if not valid:
            errors[name] = [str(_("Not one of the choices."))]
        cleaned[name] = (
            [item.upper() for item in items] if name == "countries" else items
        )
    for name in ("same_country", "same_region", "match_specialisation"):
        cleaned[name] = bool(data.get(name, name == "same_country"))
    cleaned["match_industry"] = bool(data.get("match_industry", False))
    cleaned["is_active"] = bool(data.get("is_active", True))
    cleaned["strategy"] = str(data.get("strategy") or "")
    if cleaned["strategy"] not in RoutingStrategy.values:
        errors["strategy"] = [str(_("Choose a strategy."))]
    for name in ("tier_weight", "score_weight", "acceptance_weight", "win_weight"):
        try:
            cleaned[name] = float(data.get(name, 1.0))
            if not 0 <= cleaned[name] <= 100:
                raise ValueError
        except (TypeError, ValueError):
            errors[name] = [str(_("Enter a weight between 0 and 100."))]
    named = data.get("named_partner")
    cleaned["named_partner"] = named if isinstance(named, Partner) else None
    if (
        cleaned["strategy"] == RoutingStrategy.NAMED
        and cleaned["named_partner"] is None
    ):
        errors["named_partner"] = [str(_("Choose the partner."))]
    if cleaned["strategy"] != RoutingStrategy.NAMED:
        cleaned["named_partner"] = None
    if errors:
        raise ValidationFailed(field_errors=errors)
    return cleaned


@transaction.atomic
def rule_create(*, actor, data: dict) -> LeadRoutingRule:
    """``data['named_partner']`` is a Partner the caller resolved in scope."""
    permissions.MANAGE.ensure(actor)
    rule = LeadRoutingRule.objects.create(**clean_rule(data))
    audit.record_create(
        actor=actor, instance=rule, fields=RULE_FIELDS, verb="lead_rule.created"
    )
    events.emit("lead_rule.created", payload=rule_payload(rule), actor=actor)
    return rule


@transaction.atomic
def rule_update(*, actor, rule: LeadRoutingRule, data: dict) -> LeadRoutingRule:
    permissions.MANAGE.ensure(actor)
    current = {name: getattr(rule, name) for name in RULE_FIELDS}
    cleaned = clean_rule({**current, **data})
    before = audit.snapshot(rule, RULE_FIELDS)
    for name, value in cleaned.items():
        setattr(rule, name, value)
    entry = audit.record_change(
        actor=actor, instance=rule, before=before, verb="lead_rule.updated"
    )
    if entry is not None:
        rule.save(update_fields=[*RULE_FIELDS, "updated_at"])
        events.emit(
            "lead_rule.updated",
            payload={**rule_payload(rule), "changes": entry.changes},
            actor=actor,
        )
    return rule


@transaction.atomic
def rule_delete(*, actor, rule: LeadRoutingRule) -> None:
    """Delete a rule; its past assignments keep its name."""
    permissions.MANAGE.ensure(actor)
    payload = rule_payload(rule)
    audit.record_delete(
        actor=actor, instance=rule, fields=RULE_FIELDS, verb="lead_rule.deleted"
    )
    rule.delete()
    events.emit("lead_rule.deleted", payload=payload, actor=actor)


@transaction.atomic
def capacity_set(*, actor, partner: Partner, max_open_leads: int) -> LeadCapacity:
    """How many open leads the partner takes at most (``partner`` resolved in the
    actor's scope)."""
    permissions.MANAGE.ensure(actor)
    if not isinstance(max_open_leads, int) or not 0 <= max_open_leads <= 100_000:
        raise ValidationFailed(
            field_errors={
                "max_open_leads": [str(_("Enter a whole number from 0 to 100,000."))]
            }
        )
    capacity = LeadCapacity.objects.filter(partner=partner).first()
    if capacity is None:
        capacity = LeadCapacity.objects.create(
            partner=partner, max_open_leads=max_open_leads
        )
        audit.record_create(
            actor=actor,
            instance=capacity,
            fields=["partner", "max_open_leads"],
            verb="lead.capacity_set",
        )
    else:
        before = audit.snapshot(capacity, ["max_open_leads"])
        capacity.max_open_leads = max_open_leads
        if audit.record_change(
            actor=actor, instance=capacity, before=before, verb="lead.capacity_set"
        ):
            capacity.save(update_fields=["max_open_leads", "updated_at"])
    events.emit(
        "lead.capacity_set",
        payload={"partner": partner.pk, "max_open_leads": max_open_leads},
        actor=actor,
        partner_id=partner.pk,
    )
    return capacity


# --- import


@transaction.atomic
def lead_import(*, actor, file_name: str, content: bytes) -> dict:
    """Create (or, by external id, update) a lead per file row, then route the new
    ones in one batch. Returns a report: counts and each row's outcome with its
    errors. A row with errors is skipped; a file that cannot be read writes
    nothing."""
    # batch imports this module's routing helpers: a module-level import would
    # be a cycle (batch.py is the bulk writers' to restructure).
    from openprm.leads.batch import route_waiting_leads

    permissions.MANAGE.ensure(actor)
    report = {"created": 0, "updated": 0, "failed": 0, "routed": 0, "rows": []}
    new_ids = []
    for number, values in iter_rows(file_name=file_name, content=content):
        outcome = {"row": number, "company": values.get("company", "")}
        try:
            with transaction.atomic():
                external_id = values.get("external_id") or None
                existing = (
                    Lead.objects.filter(external_id=external_id).first()
                    if external_id
                    else None
                )
                if existing is not None:
                    lead = lead_update(actor=actor, lead=existing, data=values)
                    outcome["status"] = "updated"
                else:
                    lead = lead_create(
                        actor=actor, data=values, source=LeadSource.IMPORT, route=False
                    )
                    new_ids.append(lead.pk)
                    outcome["status"] = "created"
        except ValidationFailed as error:
            outcome.update(status="failed", errors=error.field_errors)
        else:
            outcome["lead"] = str(lead.public_id)
        report[outcome["status"]] += 1
        report["rows"].append(outcome)
    if new_ids:
        report["routed"] = route_waiting_leads(actor=actor, lead_ids=new_ids).routed
    return report
