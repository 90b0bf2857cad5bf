"""Every write of the approval engine: starting a request for a subject, moving it
through its chain (approve a step, reject with a reason, ask for information and
take the answer), the SLA sweep (reminders, escalations), and delegations.

A move is one conditional UPDATE on the state it was decided from, so two approvers
acting at once on the same step cannot both advance it (on SQLite and PostgreSQL).
The subject's kind (``subjects.py``) hears of each move in the same transaction.
"""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import F, ProtectedError, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openprm.accounts.models import User
from openprm.approvals import permissions, rules, subjects
from openprm.approvals.choices import OPEN_STATUSES, ActionKind, RequestStatus
from openprm.approvals.models import Action, ChainStep, Delegation, Queue, Request
from openprm.approvals.selectors import may_act, queue_members, stands_in_for
from openprm.approvals.subjects import Outcome
from openprm.core import audit, events
from openprm.core.business_days import add_business_days
from openprm.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from openprm.core.models import AuditAction
from openprm.notifications.services import notifications_settle, notify

REQUEST_FIELDS = [
    "kind",
    "object_id",
    "partner",
    "amount",
    "currency",
    "region",
    "programme",
    "status",
    "step_position",
    "step_name",
    "assignee",
    "queue",
    "due_at",
]
STATE_FIELDS = [
    "status",
    "step_position",
    "step_name",
    "assignee",
    "queue",
    "due_at",
    "escalation_level",
    "info_request",
    "decision_reason",
]
SWEEP_BATCH = 500
# The engine's own notices asking someone to decide (settled when they no longer
# have to).
REVIEW_KINDS = ("approvals.assigned", "approvals.reminder", "approvals.escalated")


# --- payloads, history, notices -----------------------------------------------------


def request_payload(request: Request) -> dict:
    """The request as ``approval.*`` events carry it."""
    return {
        "id": str(request.public_id),
        "kind": request.kind,
        "object_id": request.object_id,
        "subject": request.subject_label,
        "partner": request.partner_id,
        "amount": None if request.amount is None else str(request.amount),
        "currency": request.currency,
        "status": request.status,
        "step": request.step_position,
        "step_name": request.step_name,
        "assignee": request.assignee_id,
        "queue": request.queue_id,
        "due_at": request.due_at.isoformat() if request.due_at else None,
    }


def request_url(request: Request) -> str:
    return reverse("console:approval_detail", kwargs={"public_id": request.public_id})


def _history(request: Request, kind: str, *, actor=None, note="", at=None, **extra):
    Action.objects.create(
        request=request,
        kind=kind,
        step_position=request.step_position,
        step_name=request.step_name,
        actor=actor if actor is not None and actor.pk else None,
        note=note,
        created_at=at or timezone.now(),
        **extra,
    )


def recipients(request: Request) -> list[User]:
    """Who is asked to decide: the assignee, the queue's members, and whoever
    stands in for them today; vendor admins when nobody is named."""
    users: list[User] = []
    if request.assignee_id:
        users.append(request.assignee)
    if request.queue_id:
        users.extend(queue_members(request.queue))
    if users:
        today = timezone.localdate()
        users.extend(
            delegation.delegate
            for delegation in Delegation.objects.filter(
                user__in=[user.pk for user in users],
                starts_on__lte=today,
                ends_on__gte=today,
                delegate__is_active=True,
            ).select_related("delegate")
        )
    else:
        users = list(User.objects.filter(vendor_role="vendor_admin", is_active=True))
    return list({user.pk: user for user in users}.values())


def _tell(request: Request, change: str, *, actor=None, note="", context=None, **kw):
    """Let the subject's kind hear of a move, then the engine's own events and
    notices unless the kind speaks for itself."""
    kind = subjects.get(request.kind)
    outcome = Outcome(
        request=request,
        change=change,
        actor=actor,
        note=note,
        context=context or {},
        **kw,
    )
    decided = change in (ActionKind.APPROVED, ActionKind.REJECTED)
    result = None
    if decided:
        result = kind.on_decided(outcome)
    elif kind.on_change is not None:
        kind.on_change(outcome)
    if kind.engine_events:
        extra = {"note": note} if note else {}
        events.emit(
            f"approval.{change}",
            payload={**request_payload(request), **extra},
            actor=actor,
            partner_id=request.partner_id,
        )
    if kind.engine_notices:
        _notices(request, change, kind)
    return result


def _notices(request: Request, change: str, kind) -> None:
    url = request_url(request)
    keep = [user.pk for user in recipients(request)] if request.is_open else []
    notifications_settle(url=url, kinds=REVIEW_KINDS, keep_user_ids=keep)
    words = {"subject": request.subject_label, "kind": kind.label}
    if change in (
        ActionKind.SUBMITTED,
        ActionKind.STEP_APPROVED,
        ActionKind.INFO_ANSWERED,
    ):
        notify(
            recipients=recipients(request),
            kind="approvals.assigned",
            subject=_("To approve: %(kind)s %(subject)s") % words,
            body=_("Step: %(step)s, due %(due)s.")
            % {"step": request.step_name, "due": _due(request)},
            url=url,
        )
    elif change == ActionKind.REMINDED:
        notify(
            recipients=recipients(request),
            kind="approvals.reminder",
            subject=_("Due soon: %(kind)s %(subject)s") % words,
            body=_("The step %(step)s is due on %(due)s.")
            % {"step": request.step_name, "due": _due(request)},
            url=url,
        )
    elif change == ActionKind.ESCALATED:
        notify(
            recipients=recipients(request),
            kind="approvals.escalated",
            subject=_("Escalated to you: %(kind)s %(subject)s") % words,
            body=_("The step %(step)s passed its SLA.") % {"step": request.step_name},
            url=url,
        )


def _due(request: Request) -> str:
    return request.due_at.isoformat() if request.due_at else ""


# --- the chain ---------------------------------------------------------------------


def _facts(request: Request) -> rules.Facts:
    return rules.Facts(
        amount=request.amount,
        currency=request.currency,
        region=request.region,
        programme_id=request.programme_id,
        partner_types=tuple(request.partner_types or ()),
    )


def _steps(request: Request) -> list[ChainStep]:
    """The steps of the request's kind that might apply (the rules decide)."""
    return list(
        ChainStep.objects.filter(kind=request.kind)
        .filter(Q(programme__isnull=True) | Q(programme_id=request.programme_id))
        .select_related("user", "queue", "programme")
        .order_by("position", "id")
    )


def _step_at(request: Request, position: int) -> ChainStep | None:
    """The first step of the request's chain at or after ``position``."""
    return rules.step_after(_steps(request), _facts(request), position)


def _current_step(request: Request) -> ChainStep | None:
    step = _step_at(request, request.step_position)
    return step if step is not None and step.position == request.step_position else None


def _sla_days(request: Request, step: ChainStep | None) -> int:
    if step is not None:
        return step.sla_business_days
    return subjects.get(request.kind).sla_days()


def _fallback_queue() -> Queue | None:
    return Queue.objects.filter(is_fallback=True).first()


def _assign(request: Request, step: ChainStep | None, now) -> None:
    """Put the request at ``step`` (None: the single review step of a kind with no
    chain). A step naming nobody goes where the subject routed the request, or to
    the fallback queue."""
    if step is not None and (step.user_id or step.queue_id):
        request.assignee, request.queue = step.user, step.queue
    elif request.routed_user_id or request.routed_queue_id:
        request.assignee, request.queue = request.routed_user, request.routed_queue
    else:
        request.assignee, request.queue = None, _fallback_queue()
    kind = subjects.get(request.kind)
    request.step_position = step.position if step else 1
    request.step_name = str(
        step.name if step else (kind.default_step_name or _("Review"))
    )
    request.step_started_at = now
    request.due_at = add_business_days(now, _sla_days(request, step))
    request.reminded_at = None
    request.escalation_level = 0


@transaction.atomic
def request_start(
    *,
    kind: str,
    object_id,
    subject_label: str,
    facts: rules.Facts | None = None,
    partner=None,
    routed_user=None,
    routed_queue=None,
    actor=None,
    submitted_note: str = "",
    routed_note: str = "",
    context: dict | None = None,
) -> Request:
    """Start the approval of a subject: choose its chain by the rules and assign
    the first step. The subject app calls it in its own transaction, after
    checking who may submit. ``routed_user``/``routed_queue``: where the subject's
    own routing sends steps that name nobody."""
    subject_kind = subjects.get(kind)  # an unknown kind is a programming error
    facts = facts or rules.Facts()
    now = timezone.now()
    request = Request(
        kind=subject_kind.key,
        object_id=str(object_id),
        subject_label=str(subject_label)[:200],
        partner=partner,
        amount=facts.amount,
        currency=facts.currency,
        region=facts.region,
        programme_id=facts.programme_id,
        partner_types=list(facts.partner_types),
        routed_user=routed_user,
        routed_queue=routed_queue,
    )
    chosen = rules.chain(_steps(request), facts)
    _assign(request, chosen[0][0] if chosen else None, now)
    request.save()
    audit.record_create(
        actor=actor, instance=request, fields=REQUEST_FIELDS, verb="approval.submitted"
    )
    _history(request, ActionKind.SUBMITTED, actor=actor, note=submitted_note, at=now)
    _history(
        request, ActionKind.ROUTED, note=routed_note or rules.explain(chosen), at=now
    )
    _tell(request, ActionKind.SUBMITTED, actor=actor, context=context)
    return request


# --- moves ---------------------------------------------------------------------------


def _claim(request: Request, allowed, target: str, **moved) -> None:
    """Take the move: one conditional UPDATE on the status and step the caller
    decided from. Whoever comes second (another approver, the sweep) updates
    nothing and is told the request moved on."""
    updated = Request.objects.filter(
        pk=request.pk,
        status__in=list(allowed),
        step_position=request.step_position,
        **moved,
    ).update(version=F("version") + 1)
    if not updated:
        current = Request.objects.filter(pk=request.pk).values_list("status", flat=True)
        if not current:
            raise NotFound
        raise InvalidTransition(
            current[0],
            target,
            message=_("The request has moved on meanwhile; reload it."),
        )
    request.version += 1


def _save(request: Request, before: dict, actor, verb: str) -> None:
    request.save()
    audit.record_change(actor=actor, instance=request, before=before, verb=verb)


def _require_actor(actor, request: Request) -> None:
    if actor is None or not may_act(actor, request):
        raise PermissionDenied


def _on_behalf(actor, request: Request) -> dict:
    absent = stands_in_for(actor, request)
    return {"on_behalf_of": absent} if absent is not None else {}


@transaction.atomic
def request_approve(
    *, request: Request, actor, note: str = "", context: dict | None = None
) -> Request:
    """Approve the current step: on to the next step of the chain, or, at the last
    one, approve the request (the subject's ``on_decided`` runs in this
    transaction)."""
    _require_actor(actor, request)
    _claim(request, [RequestStatus.IN_REVIEW], RequestStatus.APPROVED)
    before = audit.snapshot(request, STATE_FIELDS)
    now = timezone.now()
    note = (note or "").strip()
    behalf = _on_behalf(actor, request)
    _history(
        request, ActionKind.STEP_APPROVED, actor=actor, note=note, at=now, **behalf
    )
    following = _step_at(request, request.step_position + 1)
    approved = {
        "approved_step": request.step_position,
        "approved_step_name": request.step_name,
    }
    if following is None:
        _tell(
            request,
            ActionKind.STEP_APPROVED,
            actor=actor,
            note=note,
            context={**(context or {}), **approved, "last_step": True},
        )
        request.status = RequestStatus.APPROVED
        request.decided_at = now
        request.due_at = None
        _save(request, before, actor, "approval.approved")
        decided_note = _tell(
            request, ActionKind.APPROVED, actor=actor, note=note, context=context
        )
        _history(
            request,
            ActionKind.APPROVED,
            actor=actor,
            note=decided_note or note,
            at=now,
            **behalf,
        )
        return request
    _assign(request, following, now)
    _save(request, before, actor, "approval.step_approved")
    _tell(
        request,
        ActionKind.STEP_APPROVED,
        actor=actor,
        note=note,
        context={**(context or {}), **approved},
    )
    return request


@transaction.atomic
def request_reject(
    *, request: Request, actor, reason: str, context: dict | None = None
) -> Request:
    """Turn the request down, with the reason the subject passes on."""
    _require_actor(actor, request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(field_errors={"reason": [_("Say why.")]})
    _claim(request, OPEN_STATUSES, RequestStatus.REJECTED)
    before = audit.snapshot(request, STATE_FIELDS)
    now = timezone.now()
    request.status = RequestStatus.REJECTED
    request.decision_reason = reason
    request.decided_at = now
    request.due_at = None
    _save(request, before, actor, "approval.rejected")
    _history(
        request,
        ActionKind.REJECTED,
        actor=actor,
        note=reason,
        at=now,
        **_on_behalf(actor, request),
    )
    _tell(request, ActionKind.REJECTED, actor=actor, note=reason, context=context)
    return request


@transaction.atomic
def request_ask_info(
    *, request: Request, actor, question: str, context: dict | None = None
) -> Request:
    """Ask the requester for more; the SLA waits until they answer, and the
    request comes back to the same step."""
    _require_actor(actor, request)
    question = (question or "").strip()
    if not question:
        raise ValidationFailed(field_errors={"question": [_("Say what you need.")]})
    _claim(request, [RequestStatus.IN_REVIEW], RequestStatus.INFO_REQUESTED)
    before = audit.snapshot(request, STATE_FIELDS)
    now = timezone.now()
    request.status = RequestStatus.INFO_REQUESTED
    request.info_request = question
    request.info_round += 1
    request.due_at = None
    _save(request, before, actor, "approval.info_requested")
    _history(
        request,
        ActionKind.INFO_REQUESTED,
        actor=actor,
        note=question,
        at=now,
        **_on_behalf(actor, request),
    )
    _tell(
        request, ActionKind.INFO_REQUESTED, actor=actor, note=question, context=context
    )
    return request


@transaction.atomic
def request_answer_info(
    *, request: Request, answer: str, actor=None, context: dict | None = None
) -> Request:
    """The requester's answer: the request returns to the step that asked, with a
    fresh SLA. The subject app checks who may answer (a signed link, a partner
    user of the subject's partner) before calling."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed(field_errors={"answer": [_("Write your answer.")]})
    if len(answer) > 5000:
        raise ValidationFailed(field_errors={"answer": [_("At most 5000 characters.")]})
    _claim(request, [RequestStatus.INFO_REQUESTED], RequestStatus.IN_REVIEW)
    before = audit.snapshot(request, STATE_FIELDS)
    now = timezone.now()
    request.status = RequestStatus.IN_REVIEW
    request.info_request = ""
    request.step_started_at = now
    request.due_at = add_business_days(now, _sla_days(request, _current_step(request)))
    request.reminded_at = None
    _save(request, before, actor, "approval.info_answered")
    _history(request, ActionKind.INFO_ANSWERED, actor=actor, note=answer, at=now)
    _tell(request, ActionKind.INFO_ANSWERED, actor=actor, note=answer, context=context)
    return request


def approval_partner_set(*, request: Request, partner) -> None:
    """The subject now belongs to ``partner`` (an application whose approval made
    the partner): the request is scoped and audited with it."""
    if request.partner_id == partner.pk:
        return
    Request.objects.filter(pk=request.pk).update(partner=partner)
    request.partner = partner


# --- the SLA sweep -------------------------------------------------------------------


def _escalation_target(request: Request):
    """(user, queue) the request goes to when its SLA passes, or None when it has
    no further level: first the step's own escalation target, then the kind's
    escalation queue."""
    if request.escalation_level == 0:
        step = _current_step(request)
        if step and (step.escalate_to_user_id or step.escalate_to_queue_id):
            return step.escalate_to_user, step.escalate_to_queue
    name = subjects.get(request.kind).escalation_queue()
    queue = Queue.objects.filter(name=name).first() if name else None
    if queue is not None and queue.pk != request.queue_id:
        return None, queue
    return None


def _remind(request: Request, now) -> None:
    request.reminded_at = now
    request.save(update_fields=["reminded_at", "updated_at"])
    _history(request, ActionKind.REMINDED, at=now)
    audit.record(
        actor=None,
        instance=request,
        action=AuditAction.UPDATE,
        changes={"reminded_at": [None, now.isoformat()]},
        verb="approval.reminded",
    )
    _tell(request, ActionKind.REMINDED)


def _escalate(request: Request, now) -> bool:
    target = _escalation_target(request)
    if target is None:
        return False
    before = audit.snapshot(request, STATE_FIELDS)
    previous = rules.target_label(user=request.assignee, queue=request.queue)
    request.assignee, request.queue = target
    request.escalation_level += 1
    request.due_at = add_business_days(now, _sla_days(request, _current_step(request)))
    request.reminded_at = None
    _save(request, before, None, "approval.escalated")
    note = _("SLA passed; escalated from %(previous)s to %(target)s.") % {
        "previous": previous,
        "target": rules.target_label(user=target[0], queue=target[1]),
    }
    _history(request, ActionKind.ESCALATED, note=note, at=now)
    _tell(request, ActionKind.ESCALATED, note=note, previous_target=previous)
    return True


def requests_sweep(
    *, now: datetime | None = None, kinds: tuple[str, ...] = ()
) -> dict[str, int]:
    """Remind the approvers of steps due soon (each kind's reminder window) and
    escalate those past their SLA. Each request is handled in its own transaction
    and claimed by a conditional UPDATE, so a second sweep at the same moment (or
    an approver acting meanwhile) makes it skip the request."""
    now = now or timezone.now()
    counts = {"reminded": 0, "escalated": 0}
    kinds = kinds or tuple(
        kind.key for kind in subjects.registered() if not kind.own_sweep
    )
    for key in kinds:
        window = timedelta(hours=subjects.get(key).reminder_hours())
        due = (
            Request.objects.filter(
                kind=key, status=RequestStatus.IN_REVIEW, due_at__lte=now + window
            )
            .select_related("assignee", "queue")
            .order_by("due_at", "id")
        )
        # Bounded work per run; the sweep runs again in minutes and takes the rest.
        for request in list(due[:SWEEP_BATCH]):
            overdue = request.due_at <= now
            if request.reminded_at is not None and not overdue:
                continue
            with transaction.atomic():
                try:
                    _claim(
                        request,
                        [RequestStatus.IN_REVIEW],
                        RequestStatus.IN_REVIEW,
                        due_at=request.due_at,
                        reminded_at=request.reminded_at,
                    )
                except InvalidTransition:
                    continue
                if overdue and _escalate(request, now):
                    counts["escalated"] += 1
                    continue
                if request.reminded_at is not None:
                    continue
                _remind(request, now)
                counts["reminded"] += 1
    return counts


# --- delegation ----------------------------------------------------------------------

DELEGATION_FIELDS = ["user", "delegate", "starts_on", "ends_on", "note"]


@transaction.atomic
def delegation_create(
    *, actor, user, delegate, starts_on: date, ends_on: date, note: str = ""
) -> Delegation:
    """While ``user`` is away, ``delegate`` sees and acts on what waits on them.
    A user records their own absence; vendor admins anyone's."""
    permissions.DELEGATE.ensure(actor)
    if user.pk != actor.pk and not permissions.DECIDE_ANY.allows(actor):
        raise PermissionDenied
    errors: dict[str, list] = {}
    if delegate is None or not (delegate.is_active and delegate.is_vendor_staff):
        errors["delegate"] = [_("Choose an active colleague of the vendor's staff.")]
    elif delegate.pk == user.pk:
        errors["delegate"] = [_("Choose someone else.")]
    if starts_on is None:
        errors["starts_on"] = [_("Enter a date.")]
    if ends_on is None:
        errors["ends_on"] = [_("Enter a date.")]
    elif starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("On or after the first day.")]
    elif ends_on < timezone.localdate():
        errors["ends_on"] = [_("The absence has already ended.")]
    if errors:
        raise ValidationFailed(field_errors=errors)
    delegation = Delegation.objects.create(
        user=user,
        delegate=delegate,
        starts_on=starts_on,
        ends_on=ends_on,
        note=(note or "").strip()[:200],
    )
    audit.record_create(
        actor=actor,
        instance=delegation,
        fields=DELEGATION_FIELDS,
        verb="approval_delegation.created",
    )
    events.emit(
        "approval.delegated",
        payload={
            "user": user.pk,
            "delegate": delegate.pk,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
        actor=actor,
    )
    return delegation


@transaction.atomic
def delegation_end(*, actor, delegation: Delegation) -> Delegation:
    """End an absence today (or remove one not yet begun)."""
    permissions.DELEGATE.ensure(actor)
    if delegation.user_id != actor.pk and not permissions.DECIDE_ANY.allows(actor):
        raise PermissionDenied
    today = timezone.localdate()
    if delegation.starts_on >= today:
        # Not begun (or begun today): nothing stood in yet, so it goes.
        audit.record_delete(
            actor=actor,
            instance=delegation,
            fields=DELEGATION_FIELDS,
            verb="approval_delegation.deleted",
        )
        delegation.delete()
        return delegation
    if delegation.ends_on < today:
        raise InvalidTransition(
            "ended", "ended", message=_("This absence has already ended.")
        )
    before = audit.snapshot(delegation, ["ends_on"])
    delegation.ends_on = today - timedelta(days=1)
    delegation.save(update_fields=["ends_on", "updated_at"])
    audit.record_change(
        actor=actor,
        instance=delegation,
        before=before,
        verb="approval_delegation.ended",
    )
    return delegation


# --- chain configuration -----------------------------------------------------------

STEP_FIELDS = [
    "name",
    "position",
    "programme",
    "regions",
    "partner_types",
    "currency",
    "min_amount",
    "max_amount",
    "user",
    "queue",
    "sla_business_days",
]


def _clean_step(kind: str, fields: dict) -> dict:
    """The step's fields, checked; every problem at once, by field."""
    from openprm.partners.choices import PartnerType, Region

    problems: dict[str, list[str]] = {}
    try:
        subjects.get(kind)
    except LookupError:
        problems["kind"] = [_("Choose what the chain approves.")]
    name = (fields.get("name") or "").strip()
    if not name or len(name) > 100:
        problems["name"] = [_("Name the step (at most 100 characters).")]
    if fields.get("user") is not None and fields.get("queue") is not None:
        problems["queue"] = [_("Choose an approver or a queue, not both.")]
    low, high = fields.get("min_amount"), fields.get("max_amount")
    currency = (fields.get("currency") or "").strip().upper()
    if (low is not None or high is not None) and len(currency) != 3:
        problems["currency"] = [_("An amount band needs its currency.")]
    if any(value is not None and value < 0 for value in (low, high)):
        problems["min_amount"] = [_("Amounts are 0 or more.")]
    elif low is not None and high is not None and high <= low:
        problems["max_amount"] = [_("The upper end must be above the lower end.")]
    regions = list(fields.get("regions") or [])
    if set(regions) - set(Region.values):
        problems["regions"] = [_("Choose regions from the list.")]
    types = list(fields.get("partner_types") or [])
    if set(types) - set(PartnerType.values):
        problems["partner_types"] = [_("Choose partner types from the list.")]
    sla = fields.get("sla_business_days")
    sla = 2 if sla is None else sla
    if not 1 <= int(sla) <= 60:
        problems["sla_business_days"] = [_("Enter 1 to 60 business days.")]
    if problems:
        raise ValidationFailed(field_errors=problems)
    return {
        "name": name,
        "programme": fields.get("programme"),
        "regions": sorted(regions),
        "partner_types": sorted(types),
        "currency": currency if (low is not None or high is not None) else "",
        "min_amount": low,
        "max_amount": high,
        "user": fields.get("user"),
        "queue": fields.get("queue"),
        "sla_business_days": int(sla),
    }


@transaction.atomic
def chain_step_save(
    *, actor, kind: str, step: ChainStep | None = None, **fields
) -> ChainStep:
    """Add a step at the end of a kind's chain (for its programme, if any), or
    change one: its name, conditions (amount band in a currency, regions, partner
    types, programme), approver or queue and SLA."""
    permissions.CONFIGURE.ensure(actor)
    if step is not None:
        kind = step.kind
    values = _clean_step(kind, fields)
    if step is None:
        last = (
            ChainStep.objects.filter(kind=kind, programme=values["programme"])
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
        step = ChainStep.objects.create(kind=kind, position=(last or 0) + 1, **values)
        audit.record_create(
            actor=actor, instance=step, fields=STEP_FIELDS, verb="approval_step.created"
        )
        return step
    if values["programme"] != step.programme:
        raise ValidationFailed(
            field_errors={"programme": [_("Add a new step for another programme.")]}
        )
    before = audit.snapshot(step, STEP_FIELDS)
    for name, value in values.items():
        setattr(step, name, value)
    step.save()
    audit.record_change(
        actor=actor, instance=step, before=before, verb="approval_step.changed"
    )
    return step


@transaction.atomic
def chain_step_move(*, actor, step: ChainStep, up: bool) -> ChainStep:
    """Swap the step with the one before (``up``) or after it in its chain; the
    first step stays first."""
    permissions.CONFIGURE.ensure(actor)
    siblings = ChainStep.objects.filter(kind=step.kind, programme=step.programme)
    neighbour = (
        siblings.filter(position__lt=step.position).order_by("-position").first()
        if up
        else siblings.filter(position__gt=step.position).order_by("position").first()
    )
    if neighbour is None:
        return step
    before = audit.snapshot(step, ["position"])
    mine, theirs = step.position, neighbour.position
    # The positions are unique per chain: park one at 0 while they swap.
    ChainStep.objects.filter(pk=neighbour.pk).update(position=0)
    ChainStep.objects.filter(pk=step.pk).update(position=theirs)
    ChainStep.objects.filter(pk=neighbour.pk).update(position=mine)
    step.position = theirs
    audit.record_change(
        actor=actor, instance=step, before=before, verb="approval_step.moved"
    )
    return step


@transaction.atomic
def chain_step_delete(*, actor, step: ChainStep) -> None:
    """Remove a step; requests already past it keep their history, those at it
    move on by the chain that is left when they are next decided."""
    permissions.CONFIGURE.ensure(actor)
    audit.record(
        actor=actor,
        instance=step,
        action=AuditAction.DELETE,
        changes={name: [str(getattr(step, name)), None] for name in ("name", "kind")},
        verb="approval_step.deleted",
    )
    try:
        with transaction.atomic():
            step.delete()
    except ProtectedError:
        raise ValidationFailed(
            field_errors={"step": [_("Requests still use this step; change it.")]}
        ) from None
