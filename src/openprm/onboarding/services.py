"""Every write of applications: submitting one, routing it, moving it through its
programme's approval chain (approve a step, reject, ask for more information) and
the SLA sweep. The chain runs on the approval engine (``openprm.approvals``): these
services check what is onboarding's to check and call the engine, which tells
onboarding of each move through the hooks below (``application_moved``,
``application_decided``, registered in hooks.py), in the same transaction, also
when the move is made from the console's Approvals page.

Who may: anyone submits (the public form); a step is acted on by its approver, a
member of its queue, their delegate, or a vendor admin (the engine's ``may_act``).
"""

import copy
from collections.abc import Mapping
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
from openprm.approvals import services as approvals
from openprm.approvals.rules import Facts
from openprm.approvals.selectors import may_act as approval_may_act
from openprm.approvals.services import approval_partner_set
from openprm.approvals.services import recipients as approval_recipients
from openprm.approvals.subjects import Outcome
from openprm.core import audit, branding, events
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
from openprm.onboarding.models import APPLICATION_KIND, Application, RoutingRule
from openprm.onboarding.selectors import programmes_open_to
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
    "status",
]
# The application's own state (the step, assignee, SLA and reason are audited on
# its approval request by the engine).
STATE_FIELDS = ["status", "partner"]
INFO_SALT = "openprm.onboarding.info"
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


# --- emails ----------------------------------------------------------------------


def _recipients(application: Application) -> list:
    """The approvers of the current step (and their delegates), or vendor admins."""
    return approval_recipients(application.approval)


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
    prospect, route it and start its approval on the engine (the programme's
    chain, its first step)."""
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
    application.approval = approvals.request_start(
        kind=APPLICATION_KIND,
        object_id=application.public_id,
        subject_label=application.company,
        facts=Facts(
            region=cleaned["region"],
            programme_id=programme.pk,
            partner_types=tuple(cleaned["partner_types"]),
        ),
        partner=application.partner,
        routed_user=decision.user,
        routed_queue=decision.queue,
        submitted_note=application.contact_email,
        routed_note=decision.reason,
    )
    application.save()
    audit.record_create(
        actor=None,
        instance=application,
        fields=APPLICATION_AUDITED_FIELDS,
        verb="application.submitted",
    )
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


# --- reviewing (through the engine) -----------------------------------------------

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


def _context(application: Application, **extra) -> dict:
    return {"application": application, **extra}


@transaction.atomic
def application_approve_step(
    *, application: Application, actor, note: str = "", base_url: str = ""
) -> Application:
    """Approve the current step: on to the next step of the chain, or — at the last
    one — approve the application (see :func:`_approve`)."""
    approvals.request_approve(
        request=application.approval,
        actor=actor,
        note=note,
        context=_context(application, base_url=base_url),
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
    approvals.request_reject(
        request=application.approval,
        actor=actor,
        reason=reason,
        context=_context(application),
    )
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
    approvals.request_ask_info(
        request=application.approval,
        actor=actor,
        question=question,
        context=_context(application),
    )
    return application


@transaction.atomic
def application_answer_info(*, token: str, answer: str) -> Application:
    """The applicant's answer (from the signed link): the application returns to
    the step that asked, with a fresh SLA."""
    application = application_for_info_token(token)
    approvals.request_answer_info(
        request=application.approval, answer=answer, context=_context(application)
    )
    return application


def _require_actor(actor, application: Application) -> None:
    if not approval_may_act(actor, application.approval):
        raise PermissionDenied


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


def _approve(*, application: Application, actor, base_url: str) -> str:
    """The last step approved: the organisation (known prospect or new partner)
    moves to onboarding and the applicant is invited as its admin. Returns the
    history's note (who was invited, or why nobody was)."""
    before = audit.snapshot(application, STATE_FIELDS)
    if application.partner_id is not None:
        partner = Partner.objects.get(pk=application.partner_id)
        if partner.status in ATTACHABLE_STATUSES:
            _partner_to_onboarding(partner, actor, application)
    else:
        partner = _new_partner(application, actor)
        application.partner = partner
    approval_partner_set(request=application.approval, partner=partner)
    invitation, invitation_note = _invite(application, partner, actor, base_url)
    application.invitation = invitation
    application.status = ApplicationStatus.APPROVED
    _save_state(application, before, actor, "application.approved")
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
    return invitation_note


def _reject(application: Application, actor, reason: str) -> None:
    before = audit.snapshot(application, STATE_FIELDS)
    application.status = ApplicationStatus.REJECTED
    _save_state(application, before, actor, "application.rejected")
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


def _info_requested(application: Application, actor, question: str) -> None:
    before = audit.snapshot(application, STATE_FIELDS)
    application.status = ApplicationStatus.INFO_REQUESTED
    _save_state(application, before, actor, "application.info_requested")
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


def _info_answered(application: Application, answer: str) -> None:
    before = audit.snapshot(application, STATE_FIELDS)
    application.status = ApplicationStatus.IN_REVIEW
    _save_state(application, before, None, "application.info_answered")
    _emit("application.info_answered", application, answer=answer)
    _notify_assignees(
        application,
        kind="onboarding.application_assigned",
        subject=_("%(company)s answered your question")
        % {"company": application.company},
    )


def _reminded(application: Application) -> None:
    notify(
        recipients=_recipients(application),
        kind="onboarding.application_reminder",
        subject=_("Due soon: the application of %(company)s")
        % {"company": application.company},
        body=_("The step %(step)s is due on %(due)s.")
        % {"step": application.step_name, "due": application.due_at.isoformat()},
        url=_detail_url(application),
    )


def _escalated(application: Application, note: str) -> None:
    _save_state(application, {}, None, "application.escalated")
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


def _application_of(outcome: Outcome) -> Application:
    """The application a move of the engine is about: the caller's own object when
    onboarding made the move, else read (a move from the Approvals page)."""
    application = outcome.context.get("application")
    if application is None:
        application = Application.objects.select_related("programme").get(
            approval=outcome.request
        )
    application.approval = outcome.request
    return application


def application_moved(outcome: Outcome) -> None:
    """The engine moved an application's approval (hook, same transaction)."""
    change = outcome.change
    if change == ActionKind.SUBMITTED:
        return  # application_submit speaks for the submission itself
    application = _application_of(outcome)
    if change == ActionKind.STEP_APPROVED:
        approved = {
            "approved_step": outcome.context["approved_step"],
            "approved_step_name": outcome.context["approved_step_name"],
        }
        if outcome.context.get("last_step"):
            _emit("application.step_approved", application, outcome.actor, **approved)
            return
        _save_state(application, {}, outcome.actor, "application.step_approved")
        _emit("application.step_approved", application, outcome.actor, **approved)
        _notify_to_review(application)
    elif change == ActionKind.INFO_REQUESTED:
        _info_requested(application, outcome.actor, outcome.note)
    elif change == ActionKind.INFO_ANSWERED:
        _info_answered(application, outcome.note)
    elif change == ActionKind.REMINDED:
        _reminded(application)
    elif change == ActionKind.ESCALATED:
        _escalated(application, outcome.note)


def application_decided(outcome: Outcome) -> str | None:
    """The engine decided an application's approval (hook, same transaction)."""
    application = _application_of(outcome)
    if outcome.change == ActionKind.APPROVED:
        return _approve(
            application=application,
            actor=outcome.actor,
            base_url=outcome.context.get("base_url", ""),
        )
    _reject(application, outcome.actor, outcome.note)
    return None


# --- the SLA sweep ---------------------------------------------------------------


def applications_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Remind the approvers of steps due soon and escalate those past their SLA
    (the engine's sweep, for applications)."""
    return approvals.requests_sweep(now=now, kinds=(APPLICATION_KIND,))


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
