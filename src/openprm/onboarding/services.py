"""Every write of applications: submitting one, routing it, moving it through its
programme's approval chain (approve a step, reject, ask for more information) and
the SLA sweep. The configuration behind it is written by ``config/services.py``.

Who may: anyone submits (the public form); a step is acted on by its approver, a
member of its queue, or a vendor admin (``selectors.may_act``).
"""

import copy
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openprm.accounts.choices import VendorRole
from openprm.accounts.models import User
from openprm.core import audit, branding, events
from openprm.core.business_days import add_business_days
from openprm.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from openprm.core.iso import is_country, region_for_country
from openprm.core.models import AuditAction
from openprm.notifications.services import (
    absolute_url,
    notifications_settle,
    notify,
    send_email,
)
from openprm.onboarding import permissions, routing
from openprm.onboarding import questions as question_rules
from openprm.onboarding.choices import (
    OPEN_STATUSES,
    ActionKind,
    ApplicationStatus,
)
from openprm.onboarding.config.selectors import fallback_queue
from openprm.onboarding.models import (
    Application,
    ApplicationAction,
    ApprovalQueue,
    ApprovalStep,
    RoutingRule,
)
from openprm.onboarding.selectors import may_act, programmes_open_to
from openprm.partners import duplicates as duplicate_rules
from openprm.partners.choices import PartnerStatus, PartnerType, Region
from openprm.partners.lifecycle import transitions as lifecycle
from openprm.partners.lifecycle.selectors import partner_duplicates_find
from openprm.partners.models import Partner, PartnerDomain
from openprm.partners.services import partner_create, partner_payload
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.permissions import TeamScope, is_vendor_admin
from openprm.tenancy.services import invitation_create

APPLICATION_AUDITED_FIELDS = [
    "programme",
    "company",
    "website",
    "country",
    "region",
    "partner_types",
    "contact_name",
    "contact_email",
    "contact_phone",
    "answers",
    "campaign_token",
    "consented_at",
    "privacy_notice_url",
    "partner",
    "routing_reason",
    "step_position",
    "assignee",
    "queue",
    "due_at",
    "status",
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
    "partner",
]
INFO_SALT = "openprm.onboarding.info"
SWEEP_BATCH = 500
# Statuses of an existing organisation that an application attaches to.
ATTACHABLE_STATUSES = (PartnerStatus.PROSPECT, PartnerStatus.APPLICANT)


# --- payloads --------------------------------------------------------------------


def application_payload(application: Application) -> dict:
    """The application as events and webhooks carry it."""
    return {
        "id": str(application.public_id),
        "programme": str(application.programme.public_id),
        "programme_slug": application.programme.slug,
        "status": application.status,
        "company": application.company,
        "country": application.country,
        "region": application.region,
        "partner_types": application.partner_types,
        "contact_email": application.contact_email,
        "partner": application.partner_id,
        "step": application.step_position,
        "step_name": application.step_name,
        "assignee": application.assignee_id,
        "queue": application.queue_id,
        "campaign_token": application.campaign_token,
    }


def _emit(name: str, application: Application, actor=None, **extra) -> None:
    events.emit(
        name,
        payload={**application_payload(application), **extra},
        actor=actor,
        partner_id=application.partner_id,
    )


def _history(application, kind: str, *, actor=None, note: str = "", at=None) -> None:
    ApplicationAction.objects.create(
        application=application,
        kind=kind,
        step_position=application.step_position,
        step_name=application.step_name,
        actor=actor if actor is not None and actor.pk else None,
        note=note,
        created_at=at or timezone.now(),
    )


# --- emails ----------------------------------------------------------------------


def _recipients(application: Application) -> list:
    users = []
    if application.assignee_id:
        users.append(application.assignee)
    if application.queue_id:
        users.extend(application.queue.members.filter(is_active=True))
    if not users:  # unrouted: the vendor admins take it
        users = list(User.objects.filter(vendor_role="vendor_admin", is_active=True))
    return users


def _detail_url(application: Application) -> str:
    return reverse(
        "console:application_detail", kwargs={"public_id": application.public_id}
    )


def _notify_assignees(application: Application, *, kind: str, subject: str) -> None:
    notify(
        recipients=_recipients(application),
        kind=kind,
        subject=subject,
        body=_("%(company)s applied to %(programme)s. Step: %(step)s.")
        % {
            "company": application.company,
            "programme": application.programme.name,
            "step": application.step_name,
        },
        url=_detail_url(application),
    )


def _notify_to_review(application: Application) -> None:
    _notify_assignees(
        application,
        kind="onboarding.application_assigned",
        subject=_("Application to review: %(company)s")
        % {"company": application.company},
    )


def _email_applicant(application: Application, *, subject: str, body: str) -> None:
    greeting = _("Hello %(name)s,") % {"name": application.contact_name}
    send_email(
        to=application.contact_email,
        subject=subject,
        body=f"{greeting}\n\n{body}\n",
        kind="onboarding.applicant",
    )


# --- submitting ------------------------------------------------------------------


def _clean_submission(programme, data: Mapping[str, Any]) -> tuple[dict, dict]:
    errors: dict[str, list] = {}
    cleaned: dict[str, Any] = {}
    for name, limit in (
        ("company", 200),
        ("website", 200),
        ("contact_name", 200),
        ("contact_email", 254),
        ("contact_phone", 40),
    ):
        value = str(data.get(name) or "").strip()
        if len(value) > limit:
            errors[name] = [_("At most %(count)s characters.") % {"count": limit}]
        cleaned[name] = value
    for name in ("company", "contact_name", "contact_email"):
        if not cleaned[name] and name not in errors:
            errors[name] = [_("This field is required.")]
    if cleaned["contact_email"] and "contact_email" not in errors:
        try:
            validate_email(cleaned["contact_email"])
        except DjangoValidationError:
            errors["contact_email"] = [_("Enter a valid email address.")]
        cleaned["contact_email"] = cleaned["contact_email"].lower()
    if cleaned["website"]:
        host = duplicate_rules.website_host(cleaned["website"])
        if not host or "." not in host:
            errors["website"] = [_("Enter a website or a domain, e.g. contoso.com.")]
        cleaned["website"] = host
    country = str(data.get("country") or "").strip().upper()
    if not is_country(country):
        errors["country"] = [_("Choose a country.")]
    cleaned["country"] = country
    region = str(data.get("region") or "")
    if not region and is_country(country):
        region = region_for_country(country)  # unless the applicant chose one
    if region not in Region.values:
        errors["region"] = [_("Choose a region.")]
    cleaned["region"] = region
    if data.get("consent") is not True:
        errors["consent"] = [
            _(
                "Tick the box to agree to the privacy notice: we cannot process "
                "your application without it."
            )
        ]
    types = data.get("partner_types") or []
    types = [types] if isinstance(types, str) else list(types)
    allowed = programme.eligible_partner_types or PartnerType.values
    if not types:
        errors["partner_types"] = [_("Choose at least one partner type.")]
    elif any(kind not in allowed for kind in types):
        errors["partner_types"] = [_("Choose among this programme's partner types.")]
    cleaned["partner_types"] = [kind for kind in PartnerType.values if kind in types]
    answers = question_rules.check_answers(
        programme.questions.all(), data.get("answers") or {}
    )
    errors.update(answers.errors)
    cleaned["answers"] = answers.values
    return cleaned, errors


def _existing_prospect(candidates) -> Partner | None:
    """The organisation an application comes from when it is known for certain
    (same domain or same normalised name) and is still a prospect or applicant."""
    for candidate in candidates:
        if candidate.score >= 100 and candidate.partner.status in ATTACHABLE_STATUSES:
            return candidate.partner
    return None


def _step_of(programme, position: int) -> ApprovalStep | None:
    return (
        ApprovalStep.objects.filter(programme=programme, position__gte=position)
        .select_related("user", "queue")
        .order_by("position")
        .first()
    )


def _assign(application: Application, step: ApprovalStep | None, now) -> None:
    """Put the application at ``step`` (None: the single routed review step)."""
    if step is None or (step.user_id is None and step.queue_id is None):
        application.assignee = application.routed_user
        application.queue = application.routed_queue
    else:
        application.assignee, application.queue = step.user, step.queue
    application.step_position = step.position if step else 1
    application.step_name = step.name if step else _("Review")
    sla = _sla_days(step)
    application.step_started_at = now
    application.due_at = add_business_days(now, sla)
    application.reminded_at = None
    application.escalation_level = 0


def _current_step(application: Application) -> ApprovalStep | None:
    return ApprovalStep.objects.filter(
        programme=application.programme, position=application.step_position
    ).first()


def _sla_days(step: ApprovalStep | None) -> int:
    return step.sla_business_days if step else settings.OPENPRM_APPLICATION_SLA_DAYS


@transaction.atomic
def application_submit(
    *,
    programme,
    data: Mapping[str, Any],
    client_ip: str | None = None,
    campaign_token: str = "",
) -> Application:
    """Receive an application from the public form or endpoint (spam checks are
    done by the caller): check it, find possible duplicates, attach it to a known
    prospect, route it and start the first approval step."""
    if not programme.is_active:
        raise NotFound
    cleaned, errors = _clean_submission(programme, data)
    if errors:
        raise ValidationFailed(field_errors=errors)
    candidates = partner_duplicates_find(
        name=cleaned["company"], website=cleaned["website"]
    )
    now = timezone.now()
    application = Application(
        programme=programme,
        **cleaned,
        campaign_token=str(campaign_token or "")[:200],
        client_ip=client_ip,
        consented_at=now,
        privacy_notice_url=branding.current().privacy_notice_url,
        partner=_existing_prospect(candidates),
        duplicates=[
            {
                "partner_id": item.partner.pk,
                "public_id": str(item.partner.public_id),
                "name": item.partner.name,
                "status": item.partner.status,
                "score": item.score,
                "reasons": [str(reason) for reason in item.reasons],
            }
            for item in candidates[:10]
        ],
    )
    decision = routing.route(
        routing.Facts(
            programme_id=programme.pk,
            region=cleaned["region"],
            country=cleaned["country"],
            partner_types=tuple(cleaned["partner_types"]),
        ),
        RoutingRule.objects.filter(is_active=True).select_related(
            "user", "queue", "programme"
        ),
        fallback_queue(),
    )
    application.routing_rule = decision.rule
    application.routing_reason = decision.reason
    application.routed_user, application.routed_queue = decision.user, decision.queue
    _assign(application, _step_of(programme, 1), now)
    application.save()
    audit.record_create(
        actor=None,
        instance=application,
        fields=APPLICATION_AUDITED_FIELDS,
        verb="application.submitted",
    )
    _history(application, ActionKind.SUBMITTED, note=application.contact_email, at=now)
    _history(application, ActionKind.ROUTED, note=decision.reason, at=now)
    _emit("application.submitted", application)
    _emit(
        "application.routed",
        application,
        reason=decision.reason,
        rule=decision.rule.pk if decision.rule else None,
    )
    _email_applicant(
        application,
        subject=_("We received your application to %(programme)s")
        % {"programme": programme.name},
        body=_(
            "Thank you for applying to %(programme)s on behalf of %(company)s. "
            "We will review your application and write to you at this address."
        )
        % {"programme": programme.name, "company": application.company},
    )
    _notify_to_review(application)
    return application


# --- reviewing -------------------------------------------------------------------


def _lock(application: Application, allowed: Iterable[str], target: str) -> None:
    """Refuse unless the application is still in one of ``allowed``; the row is
    re-read so that two reviewers acting at once cannot both pass."""
    current = (
        Application.objects.select_for_update()
        .filter(pk=application.pk)
        .values_list("status", "step_position")
        .first()
    )
    if current is None:
        raise NotFound
    status, position = current
    if status not in allowed or position != application.step_position:
        raise InvalidTransition(
            status,
            target,
            message=_("The application has moved on meanwhile; reload it."),
        )


# The notifications that ask someone to review an application.
REVIEW_KINDS = ("onboarding.application_assigned", "onboarding.application_reminder")


def _save_state(application: Application, before: dict, actor, verb: str) -> None:
    application.save()
    audit.record_change(actor=actor, instance=application, before=before, verb=verb)
    # Those it left (the next step's, an escalation's, or a decision) have nothing
    # left to review: their "application to review" is settled.
    still_reviewing = (
        [user.pk for user in _recipients(application)]
        if application.status in OPEN_STATUSES
        else []
    )
    notifications_settle(
        url=_detail_url(application),
        kinds=REVIEW_KINDS,
        keep_user_ids=still_reviewing,
    )


def _require_actor(actor, application: Application) -> None:
    if not may_act(actor, application):
        raise PermissionDenied


@transaction.atomic
def application_approve_step(
    *, application: Application, actor, note: str = "", base_url: str = ""
) -> Application:
    """Approve the current step: on to the next step of the chain, or — at the last
    one — approve the application (see :func:`_approve`)."""
    _require_actor(actor, application)
    _lock(application, [ApplicationStatus.IN_REVIEW], ApplicationStatus.APPROVED)
    before = audit.snapshot(application, STATE_FIELDS)
    now = timezone.now()
    note = (note or "").strip()
    _history(application, ActionKind.STEP_APPROVED, actor=actor, note=note, at=now)
    approved = {
        "approved_step": application.step_position,
        "approved_step_name": application.step_name,
    }
    following = _step_of(application.programme, application.step_position + 1)
    if following is None:
        _emit("application.step_approved", application, actor, **approved)
        return _approve(
            application=application, actor=actor, before=before, base_url=base_url
        )
    _assign(application, following, now)
    _save_state(application, before, actor, "application.step_approved")
    _emit("application.step_approved", application, actor, **approved)
    _notify_to_review(application)
    return application


def _partner_to_onboarding(partner: Partner, actor, application) -> None:
    """The known prospect moves on to onboarding. Authority comes from the approval
    chain, not from the approver's own role, so the lifecycle rules are applied here
    (the same checks, audit and event as partners' status change)."""
    current = partner.status
    if current == PartnerStatus.ONBOARDING:
        return
    check = lifecycle.check_transition(current, PartnerStatus.ONBOARDING)
    if not check:
        raise InvalidTransition(current, PartnerStatus.ONBOARDING, message=check.reason)
    updated = Partner.objects.filter(pk=partner.pk, status=current).update(
        status=PartnerStatus.ONBOARDING, updated_at=timezone.now()
    )
    if not updated:
        raise InvalidTransition(current, PartnerStatus.ONBOARDING)
    partner.status = PartnerStatus.ONBOARDING
    reason = _("Application to %(programme)s approved.") % {
        "programme": application.programme.name
    }
    audit.record(
        actor=actor,
        instance=partner,
        action=AuditAction.UPDATE,
        changes={"status": [current, partner.status], "reason": [None, reason]},
        verb="partner.status_changed",
    )
    events.emit(
        "partner.status_changed",
        payload={
            **partner_payload(partner),
            "from": current,
            "to": partner.status,
            "reason": reason,
        },
        actor=actor,
        partner_id=partner.pk,
    )


def _new_partner(application: Application, actor) -> Partner:
    host = application.website
    domains = (
        [host]
        if host and not PartnerDomain.objects.filter(domain=host).exists()
        else []
    )
    return partner_create(
        name=application.company,
        partner_type=application.partner_types[0],
        country=application.country,
        region=application.region,
        website=f"https://{host}" if host else "",
        status=PartnerStatus.ONBOARDING,
        channel_manager=actor
        if actor.vendor_role == VendorRole.CHANNEL_MANAGER
        else None,
        profile={"partner_types": list(application.partner_types)},
        domains=domains,
        actor=actor,
    )


def _invite(application: Application, partner: Partner, actor, base_url: str):
    """Invite the applicant as the partner's admin. The approval grants the
    approver the right to invite into this one organisation (whatever their own
    role), so the invitation is made by a copy of the actor scoped to it."""
    inviter = actor
    if not is_vendor_admin(actor):
        inviter = copy.copy(actor)
        inviter._openprm_team_scope = TeamScope(partner_ids=frozenset({partner.pk}))
    try:
        with transaction.atomic():
            invitation = invitation_create(
                actor=inviter,
                email=application.contact_email,
                base_url=base_url or absolute_url("/") or "http://localhost/",
                partner=partner,
                roles=[PartnerRole.PARTNER_ADMIN],
            )
    except (Conflict, ValidationFailed) as error:
        # Already a member, an invitation open, or a terminated organisation: the
        # approval stands and the history says why nobody was invited.
        return None, _("No invitation sent: %(reason)s") % {"reason": error.message}
    return invitation, _("%(email)s invited as partner admin.") % {
        "email": application.contact_email
    }


def _approve(*, application: Application, actor, before: dict, base_url: str):
    if application.partner_id is not None:
        partner = Partner.objects.get(pk=application.partner_id)
        if partner.status in ATTACHABLE_STATUSES:
            _partner_to_onboarding(partner, actor, application)
    else:
        partner = _new_partner(application, actor)
        application.partner = partner
    invitation, invitation_note = _invite(application, partner, actor, base_url)
    now = timezone.now()
    application.invitation = invitation
    application.status = ApplicationStatus.APPROVED
    application.decided_at = now
    application.due_at = None
    _save_state(application, before, actor, "application.approved")
    _history(
        application, ActionKind.APPROVED, actor=actor, note=invitation_note, at=now
    )
    _emit(
        "application.approved",
        application,
        actor,
        partner_public_id=str(partner.public_id),
        invitation=invitation.pk if invitation else None,
    )
    _email_applicant(
        application,
        subject=_("Your application to %(programme)s was approved")
        % {"programme": application.programme.name},
        body=_(
            "Welcome to %(programme)s. An invitation to the partner portal follows "
            "in a separate email."
        )
        % {"programme": application.programme.name},
    )
    return application


@transaction.atomic
def application_reject(*, application: Application, actor, reason: str) -> Application:
    """Turn the application down; the applicant receives the reason by email."""
    _require_actor(actor, application)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            field_errors={"reason": [_("Say why; the applicant receives it.")]}
        )
    _lock(application, OPEN_STATUSES, ApplicationStatus.REJECTED)
    before = audit.snapshot(application, STATE_FIELDS)
    now = timezone.now()
    application.status = ApplicationStatus.REJECTED
    application.decision_reason = reason
    application.decided_at = now
    application.due_at = None
    _save_state(application, before, actor, "application.rejected")
    _history(application, ActionKind.REJECTED, actor=actor, note=reason, at=now)
    _emit("application.rejected", application, actor, reason=reason)
    _email_applicant(
        application,
        subject=_("Your application to %(programme)s")
        % {"programme": application.programme.name},
        body=_(
            "Thank you for your interest in %(programme)s. We cannot accept the "
            "application of %(company)s, for this reason:\n\n%(reason)s"
        )
        % {
            "programme": application.programme.name,
            "company": application.company,
            "reason": reason,
        },
    )
    return application


def info_token(application: Application) -> str:
    return signing.dumps(
        {"a": str(application.public_id), "r": application.info_round}, salt=INFO_SALT
    )


def application_for_info_token(token: str) -> Application:
    """The application a signed answer link points to, while it still waits for the
    answer of that round; NotFound for a forged, expired or used link."""
    try:
        data = signing.loads(
            token,
            salt=INFO_SALT,
            max_age=timedelta(days=settings.OPENPRM_APPLICATION_INFO_LINK_DAYS),
        )
        application = Application.objects.select_related("programme").get(
            public_id=data["a"]
        )
    except (signing.BadSignature, Application.DoesNotExist, KeyError, ValueError):
        raise NotFound from None
    if (
        application.status != ApplicationStatus.INFO_REQUESTED
        or application.info_round != data.get("r")
    ):
        raise NotFound
    return application


@transaction.atomic
def application_request_info(
    *, application: Application, actor, question: str
) -> Application:
    """Ask the applicant for more; they answer through a signed link, and the
    application comes back to the same step. The SLA waits meanwhile."""
    _require_actor(actor, application)
    question = (question or "").strip()
    if not question:
        raise ValidationFailed(
            field_errors={"question": [_("Say what the applicant should tell you.")]}
        )
    _lock(application, [ApplicationStatus.IN_REVIEW], ApplicationStatus.INFO_REQUESTED)
    before = audit.snapshot(application, STATE_FIELDS)
    now = timezone.now()
    application.status = ApplicationStatus.INFO_REQUESTED
    application.info_request = question
    application.info_round += 1
    application.due_at = None
    _save_state(application, before, actor, "application.info_requested")
    _history(application, ActionKind.INFO_REQUESTED, actor=actor, note=question, at=now)
    _emit("application.info_requested", application, actor, question=question)
    link = absolute_url(
        reverse("public:application_answer", kwargs={"token": info_token(application)})
    )
    _email_applicant(
        application,
        subject=_("More information needed for your application to %(programme)s")
        % {"programme": application.programme.name},
        body=_(
            "Before we can decide, please tell us:\n\n%(question)s\n\n"
            "Answer here: %(link)s"
        )
        % {"question": question, "link": link},
    )
    return application


@transaction.atomic
def application_answer_info(*, token: str, answer: str) -> Application:
    """The applicant's answer (from the signed link): the application returns to
    the step that asked, with a fresh SLA."""
    application = application_for_info_token(token)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed(field_errors={"answer": [_("Write your answer.")]})
    if len(answer) > 5000:
        raise ValidationFailed(field_errors={"answer": [_("At most 5000 characters.")]})
    _lock(application, [ApplicationStatus.INFO_REQUESTED], ApplicationStatus.IN_REVIEW)
    before = audit.snapshot(application, STATE_FIELDS)
    now = timezone.now()
    sla = _sla_days(_current_step(application))
    application.status = ApplicationStatus.IN_REVIEW
    application.info_request = ""
    application.step_started_at = now
    application.due_at = add_business_days(now, sla)
    application.reminded_at = None
    _save_state(application, before, None, "application.info_answered")
    _history(application, ActionKind.INFO_ANSWERED, note=answer, at=now)
    _emit("application.info_answered", application, answer=answer)
    _notify_assignees(
        application,
        kind="onboarding.application_assigned",
        subject=_("%(company)s answered your question")
        % {"company": application.company},
    )
    return application


# --- the SLA sweep ---------------------------------------------------------------


def _escalation_target(application: Application):
    """(user, queue) the application goes to when its SLA passes, or None when it
    has no further level."""
    if application.escalation_level == 0:
        step = (
            ApprovalStep.objects.filter(
                programme=application.programme, position=application.step_position
            )
            .select_related("escalate_to_user", "escalate_to_queue")
            .first()
        )
        if step and (step.escalate_to_user_id or step.escalate_to_queue_id):
            return step.escalate_to_user, step.escalate_to_queue
    name = settings.OPENPRM_APPLICATION_ESCALATION_QUEUE
    queue = ApprovalQueue.objects.filter(name=name).first() if name else None
    if queue is not None and queue.pk != application.queue_id:
        return None, queue
    return None


def _remind(application: Application, now) -> None:
    Application.objects.filter(pk=application.pk).update(reminded_at=now)
    application.reminded_at = now
    _history(application, ActionKind.REMINDED, at=now)
    audit.record(
        actor=None,
        instance=application,
        action=AuditAction.UPDATE,
        changes={"reminded_at": [None, now.isoformat()]},
        verb="application.reminded",
    )
    notify(
        recipients=_recipients(application),
        kind="onboarding.application_reminder",
        subject=_("Due soon: the application of %(company)s")
        % {"company": application.company},
        body=_("The step %(step)s is due on %(due)s.")
        % {"step": application.step_name, "due": application.due_at.isoformat()},
        url=_detail_url(application),
    )


def _escalate(application: Application, now) -> bool:
    target = _escalation_target(application)
    if target is None:
        return False
    before = audit.snapshot(application, STATE_FIELDS)
    previous = routing.target_label(user=application.assignee, queue=application.queue)
    application.assignee, application.queue = target
    application.escalation_level += 1
    sla = _sla_days(_current_step(application))
    application.due_at = add_business_days(now, sla)
    application.reminded_at = None
    _save_state(application, before, None, "application.escalated")
    note = _("SLA passed; escalated from %(previous)s to %(target)s.") % {
        "previous": previous,
        "target": routing.target_label(user=target[0], queue=target[1]),
    }
    _history(application, ActionKind.ESCALATED, note=note, at=now)
    _emit(
        "application.escalated",
        application,
        level=application.escalation_level,
        reason=note,
    )
    _notify_assignees(
        application,
        kind="onboarding.application_escalated",
        subject=_("Escalated to you: the application of %(company)s")
        % {"company": application.company},
    )
    return True


def applications_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Remind the approvers of steps due soon and escalate those past their SLA.
    Each application is handled in its own transaction; conditional updates make a
    second run at the same moment do nothing."""
    now = now or timezone.now()
    window = timedelta(hours=settings.OPENPRM_APPLICATION_REMINDER_HOURS)
    counts = {"reminded": 0, "escalated": 0}
    due = (
        Application.objects.filter(
            status=ApplicationStatus.IN_REVIEW, due_at__lte=now + window
        )
        .select_related("programme", "assignee", "queue")
        .order_by("due_at", "id")
    )
    # Bounded work per run; the sweep runs again in minutes and takes the rest.
    for application in list(due[:SWEEP_BATCH]):
        with transaction.atomic():
            fresh = (
                Application.objects.select_for_update()
                .filter(
                    pk=application.pk,
                    status=ApplicationStatus.IN_REVIEW,
                    due_at=application.due_at,
                )
                .exists()
            )
            if not fresh:
                continue
            if application.due_at <= now:
                if _escalate(application, now):
                    counts["escalated"] += 1
                    continue
                if application.reminded_at is not None:
                    continue
            elif application.reminded_at is not None:
                continue
            _remind(application, now)
            counts["reminded"] += 1
    return counts


# --- a distributor's invitation to apply -------------------------------------------


@transaction.atomic
def reseller_invite(
    *, actor, distributor: Partner, company: str, email: str, programme_key: str
) -> str:
    """A distributor's admin invites a company to apply as a reseller beneath it:
    an email with the application form of a programme open to resellers, recorded
    against the distributor (audited, ``reseller.invited``). Returns the form's
    link. The vendor reviews the application as any other."""
    permissions.INVITE_RESELLER.ensure(actor, partner_id=distributor.pk)
    if distributor.partner_type != PartnerType.DISTRIBUTOR:
        raise PermissionDenied
    company, email = company.strip(), email.strip().lower()
    errors: dict[str, list] = {}
    if not company:
        errors["company"] = [_("Enter the company's name.")]
    elif len(company) > 200:
        errors["company"] = [_("At most %(count)s characters.") % {"count": 200}]
    try:
        validate_email(email)
    except DjangoValidationError:
        errors["email"] = [_("Enter a valid email address.")]
    programme = next(
        (
            open_programme
            for open_programme in programmes_open_to(partner_type=PartnerType.RESELLER)
            if open_programme.slug == programme_key
        ),
        None,
    )
    if programme is None:
        errors["programme"] = [_("Choose a programme open to resellers.")]
    if errors:
        raise ValidationFailed(field_errors=errors)
    link = absolute_url(reverse("public:apply", kwargs={"key": programme.slug}))
    send_email(
        to=email,
        subject=_("%(distributor)s invites %(company)s to become a partner")
        % {"distributor": distributor.name, "company": company},
        body=_(
            "Hello,\n\n%(who)s of %(distributor)s invites %(company)s to apply to "
            "the %(programme)s programme as a reseller.\n\n"
            "Apply here: %(link)s\n"
        )
        % {
            "who": actor.get_full_name(),
            "distributor": distributor.name,
            "company": company,
            "programme": programme.name,
            "link": link,
        },
        kind="onboarding.reseller_invitation",
    )
    audit.record(
        actor=actor,
        instance=distributor,
        action=AuditAction.UPDATE,
        changes={
            "invited_reseller": [None, company],
            "invited_email": [None, email],
            "programme": [None, programme.name],
        },
        verb="reseller.invited",
    )
    events.emit(
        "reseller.invited",
        payload={
            "distributor": str(distributor.public_id),
            "company": company,
            "email": email,
            "programme": str(programme.public_id),
        },
        actor=actor,
        partner_id=distributor.pk,
    )
    return link
