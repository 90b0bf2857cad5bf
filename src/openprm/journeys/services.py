"""Writes of onboarding journeys.

A journey starts when a partner enters onboarding for a programme; its tasks complete
themselves from events (see subscribers.py), or, for manual tasks, when a channel
manager signs them off. When every required task is done the partner becomes active
and enters the programme's entry tier.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.accounts.choices import VendorRole
from openprm.accounts.models import User
from openprm.agreements.models import AgreementAcceptance, AgreementVersion
from openprm.core import audit, events, uploads
from openprm.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from openprm.core.models import AuditAction
from openprm.core.scoping import scope_for
from openprm.journeys import permissions, progress
from openprm.journeys.choices import TaskKind
from openprm.journeys.models import (
    Journey,
    JourneyDocument,
    JourneyStatus,
    JourneyTask,
    TaskTemplate,
)
from openprm.notifications.services import notify
from openprm.partners.choices import PartnerStatus
from openprm.partners.lifecycle.services import partner_status_change
from openprm.partners.models import Partner
from openprm.programs.models import Enrolment, Programme
from openprm.programs.services import enrolment_create
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.models import Membership

TEMPLATE_FIELDS = ["programme", "position", "kind", "title", "is_required", "due_days"]
TEMPLATE_FIELDS_ALL = [*TEMPLATE_FIELDS, "config"]


# --- payloads --------------------------------------------------------------------


def journey_payload(journey: Journey) -> dict:
    return {
        "id": str(journey.public_id),
        "partner": journey.partner_id,
        "programme": str(journey.programme.public_id),
        "status": journey.status,
        "started_at": journey.started_at.isoformat(),
        "completed_at": journey.completed_at.isoformat()
        if journey.completed_at
        else None,
    }


def task_payload(task: JourneyTask) -> dict:
    return {
        "journey": str(task.journey.public_id),
        "task": task.pk,
        "kind": task.kind,
        "title": task.title,
        "required": task.is_required,
        "completed_at": task.completed_at.isoformat() if task.completed_at else None,
        "note": task.completion_note,
    }


# --- templates -------------------------------------------------------------------


def _clean_template(*, kind: str, title: str, config: dict | None) -> dict:
    errors: dict[str, list[str]] = {}
    config = dict(config or {})
    if kind not in TaskKind.values:
        errors["kind"] = [str(_("Choose a kind of task."))]
    if not (title or "").strip():
        errors["title"] = [str(_("Give the task a title."))]
    if kind == TaskKind.PROFILE_FIELDS:
        fields = [str(name).strip() for name in config.get("fields") or []]
        fields = [name for name in fields if name]
        if not fields:
            errors["config"] = [str(_("Name at least one profile field."))]
        config = {"fields": fields}
    elif kind == TaskKind.INVITE_COLLEAGUES:
        try:
            count = int(config.get("count", 1))
        except (TypeError, ValueError):
            count = 0
        if count < 1:
            errors["config"] = [str(_("Invite at least one colleague."))]
        config = {"count": count}
    elif kind == TaskKind.COURSE:
        config = {"course": str(config.get("course") or "").strip()}
    else:
        config = {}
    if errors:
        raise ValidationFailed(field_errors=errors)
    return config


@transaction.atomic
def task_template_create(
    *,
    actor,
    programme: Programme,
    kind: str,
    title: str,
    is_required: bool = True,
    due_days: int | None = None,
    position: int | None = None,
    config: dict | None = None,
) -> TaskTemplate:
    """Add a task to a programme's onboarding journey (new journeys get it)."""
    permissions.CONFIGURE.ensure(actor)
    config = _clean_template(kind=kind, title=title, config=config)
    if position is None:
        position = programme.journey_tasks.count() + 1
    template = TaskTemplate.objects.create(
        programme=programme,
        kind=kind,
        title=title.strip(),
        is_required=is_required,
        due_days=due_days,
        position=position,
        config=config,
    )
    audit.record_create(
        actor=actor,
        instance=template,
        fields=TEMPLATE_FIELDS_ALL,
        verb="journey.task_template_created",
    )
    return template


@transaction.atomic
def task_template_delete(*, actor, template: TaskTemplate) -> None:
    """Remove a task from the template; journeys already started keep theirs."""
    permissions.CONFIGURE.ensure(actor)
    audit.record_delete(
        actor=actor,
        instance=template,
        fields=TEMPLATE_FIELDS_ALL,
        verb="journey.task_template_deleted",
    )
    template.delete()


# --- journeys --------------------------------------------------------------------


@transaction.atomic
def journey_start(*, partner: Partner, programme: Programme, actor=None) -> Journey:
    """Start a partner's journey into a programme (again: the existing one)."""
    existing = Journey.objects.filter(partner=partner, programme=programme).first()
    if existing is not None:
        return existing
    now = timezone.now()
    try:
        with transaction.atomic():
            journey = Journey.objects.create(
                partner=partner, programme=programme, started_at=now
            )
    except IntegrityError:  # started concurrently by another delivery
        return Journey.objects.get(partner=partner, programme=programme)
    JourneyTask.objects.bulk_create(
        [
            JourneyTask(
                journey=journey,
                position=template.position,
                kind=template.kind,
                title=template.title,
                is_required=template.is_required,
                config=template.config,
                due_at=now + timedelta(days=template.due_days)
                if template.due_days is not None
                else None,
            )
            for template in programme.journey_tasks.order_by("position", "id")
        ]
    )
    audit.record_create(
        actor=actor,
        instance=journey,
        fields=["partner", "programme", "started_at"],
        verb="journey.started",
    )
    events.emit(
        "journey.started",
        payload=journey_payload(journey),
        actor=actor,
        partner_id=partner.pk,
    )
    journey_evaluate(journey=journey)
    return journey


def _complete(task: JourneyTask, *, note: str, by=None, at=None) -> bool:
    """Mark a task done once (a conditional UPDATE: re-delivery does nothing)."""
    at = at or timezone.now()
    updated = JourneyTask.objects.filter(pk=task.pk, completed_at__isnull=True).update(
        completed_at=at,
        completed_by=by if by is not None and by.pk else None,
        completion_note=str(note)[:300],
        is_overdue=False,
        updated_at=at,
    )
    if not updated:
        return False
    task.completed_at, task.completion_note, task.is_overdue = at, str(note), False
    audit.record(
        actor=by,
        instance=task,
        action=AuditAction.UPDATE,
        changes={"completed_at": [None, at.isoformat()], "note": [None, str(note)]},
        verb="journey.task_completed",
    )
    events.emit(
        "journey.task_completed",
        payload=task_payload(task),
        actor=by,
        partner_id=task.journey.partner_id,
    )
    if task.kind == TaskKind.PROFILE_FIELDS:
        _profile_completed(task, by=by)
    return True


def _profile_completed(task: JourneyTask, *, by) -> None:
    """``partner.profile_completed``, once per partner and journey: when its
    first profile-fields task completes (an incentives rule may pay for it)."""
    earlier = (
        JourneyTask.objects.filter(
            journey_id=task.journey_id,
            kind=TaskKind.PROFILE_FIELDS,
            completed_at__isnull=False,
        )
        .exclude(pk=task.pk)
        .exists()
    )
    if earlier:
        return
    journey = task.journey
    events.emit(
        "partner.profile_completed",
        payload={
            "partner": journey.partner_id,
            "journey": str(journey.public_id),
            "task": task.pk,
            "title": task.title,
            "completed_at": task.completed_at.isoformat(),
        },
        actor=by,
        partner_id=journey.partner_id,
    )


def _accepted_current(partner: Partner, programme: Programme) -> bool:
    current = (
        AgreementVersion.objects.filter(document__programme=programme)
        .order_by("-number")
        .first()
    )
    return (
        current is not None
        and AgreementAcceptance.objects.filter(
            partner=partner, version=current
        ).exists()
    )


def _active_members(partner: Partner) -> int:
    return Membership.objects.filter(
        partner=partner, is_active=True, user__is_active=True
    ).count()


@transaction.atomic
def journey_evaluate(*, journey: Journey, actor=None) -> Journey:
    """Complete every open task whose condition holds now (agreement accepted,
    profile fields filled, colleagues joined), then activate the partner if every
    required task is done. Idempotent."""
    journey = (
        Journey.objects.select_related("partner", "programme")
        .filter(pk=journey.pk)
        .first()
    )
    if journey is None or journey.status != JourneyStatus.IN_PROGRESS:
        return journey
    partner = journey.partner
    tasks = list(journey.tasks.all())
    for task in tasks:
        task.journey = journey
        if task.completed_at is not None:
            continue
        if task.kind == TaskKind.AGREEMENT and _accepted_current(
            partner, journey.programme
        ):
            _complete(task, note=_("Agreement accepted."), by=actor)
        elif task.kind == TaskKind.PROFILE_FIELDS and not (
            progress.missing_profile_fields(partner, task.config.get("fields", []))
        ):
            _complete(task, note=_("Profile fields completed."), by=actor)
        elif task.kind == TaskKind.INVITE_COLLEAGUES and not (
            progress.colleagues_needed(
                active_members=_active_members(partner),
                count=task.config.get("count", 1),
            )
        ):
            _complete(task, note=_("Colleagues joined."), by=actor)
        elif task.kind == TaskKind.DOCUMENT and task.documents.exists():
            _complete(task, note=_("Document uploaded."), by=actor)
    _activate_if_done(journey)
    return journey


def journey_course_completed(
    *, partner: Partner, course: str, actor=None, aliases: set[str] | None = None
) -> int:
    """Complete the partner's open course tasks for ``course`` (or for any course
    when the task names none; ``aliases`` are other names of the same course, its
    id); returns how many."""
    names = {course, *(aliases or set())} - {""}
    done = 0
    with transaction.atomic():
        journeys = Journey.objects.filter(
            partner=partner, status=JourneyStatus.IN_PROGRESS
        ).select_related("partner", "programme")
        for journey in journeys:
            for task in journey.tasks.filter(
                kind=TaskKind.COURSE, completed_at__isnull=True
            ):
                wanted = task.config.get("course", "")
                if wanted and wanted not in names:
                    continue
                task.journey = journey
                done += _complete(
                    task,
                    note=_("Course %(course)s completed.") % {"course": course},
                    by=actor,
                )
            _activate_if_done(journey)
    return done


@transaction.atomic
def journey_task_sign_off(*, actor, task: JourneyTask, note: str = "") -> JourneyTask:
    """A channel manager signs off a manual task."""
    journey = task.journey
    permissions.SIGN_OFF.ensure(actor)
    if not scope_for(actor).includes(journey.partner):  # a channel manager's
        raise NotFound
    if task.kind != TaskKind.MANUAL:
        raise InvalidTransition(
            task.kind,
            "signed_off",
            message=_(
                "Only manual tasks are signed off; the others complete themselves."
            ),
        )
    if not _complete(task, note=note.strip() or _("Signed off."), by=actor):
        raise Conflict(_("This task is already done."))
    _activate_if_done(journey)
    return task


def _check_document(upload) -> None:
    """A task's document: one of the journey's types, within its size, its content
    sniffed by the kernel (``core.uploads``); refused with the journeys' messages."""
    types = settings.OPENPRM_JOURNEY_UPLOAD_TYPES
    max_bytes = settings.OPENPRM_JOURNEY_UPLOAD_MAX_BYTES
    try:
        uploads.examine(
            upload,
            name=upload.name,
            size=upload.size,
            max_bytes=max_bytes,
            accept=types,
        )
    except uploads.UploadRefused as refused:
        if refused.code in ("type", "accept"):
            message = _("Upload one of: %(types)s.") % {
                "types": ", ".join(sorted(types))
            }
        elif refused.code == "size" and upload.size > max_bytes:
            message = _("The file is larger than %(mb)s MB.") % {
                "mb": max_bytes // (1024 * 1024)
            }
        else:
            message = _("The file's content does not match its extension.")
        raise ValidationFailed(field_errors={"file": [str(message)]}) from None


@transaction.atomic
def journey_document_upload(*, actor, task: JourneyTask, upload) -> JourneyDocument:
    """A partner user uploads the document a task asks for (type and size checked)."""
    journey = task.journey
    if not permissions.WORK.allows(actor, partner_id=journey.partner_id):
        raise NotFound
    if task.kind != TaskKind.DOCUMENT:
        raise ValidationFailed(
            field_errors={"file": [str(_("This task does not take a document."))]}
        )
    _check_document(upload)
    document = JourneyDocument.objects.create(
        partner=journey.partner,
        task=task,
        file=upload,
        name=upload.name[:200],
        content_type=getattr(upload, "content_type", "") or "",
        size=upload.size,
        uploaded_by=actor,
    )
    audit.record_create(
        actor=actor,
        instance=document,
        fields=["task", "name", "size"],
        verb="journey.document_uploaded",
    )
    events.emit(
        "journey.document_uploaded",
        payload={
            "id": str(document.public_id),
            "journey": str(journey.public_id),
            "task": task.pk,
            "name": document.name,
            "size": document.size,
        },
        actor=actor,
        partner_id=journey.partner_id,
    )
    return document


# --- activation ------------------------------------------------------------------


def _activation_actor(partner: Partner):
    """Who the activation is recorded against: the partner's channel manager, else
    the first vendor admin (lifecycle and enrolment services need a vendor actor)."""
    manager = partner.channel_manager
    if (
        manager is not None
        and manager.is_active
        and manager.vendor_role == VendorRole.CHANNEL_MANAGER
    ):
        return manager
    admin = (
        User.objects.filter(vendor_role=VendorRole.VENDOR_ADMIN, is_active=True)
        .order_by("id")
        .first()
    )
    if admin is None:
        raise RuntimeError("No vendor admin can record the partner's activation")
    return admin


def _activate_if_done(journey: Journey) -> bool:
    # Read afresh: a caller's prefetched tasks predate the completion just made.
    if not progress.journey_done(JourneyTask.objects.filter(journey_id=journey.pk)):
        return False
    now = timezone.now()
    claimed = Journey.objects.filter(
        pk=journey.pk, status=JourneyStatus.IN_PROGRESS
    ).update(status=JourneyStatus.COMPLETED, completed_at=now, updated_at=now)
    if not claimed:
        return False
    journey.status, journey.completed_at = JourneyStatus.COMPLETED, now
    partner = Partner.objects.select_related("channel_manager").get(
        pk=journey.partner_id
    )
    actor = _activation_actor(partner)
    if partner.status == PartnerStatus.ONBOARDING:
        partner_status_change(
            partner=partner,
            status=PartnerStatus.ACTIVE,
            reason=str(
                _("Onboarding into %(programme)s complete.")
                % {"programme": journey.programme.name}
            ),
            actor=actor,
        )
    entry_tier = journey.programme.tiers.order_by("rank").first()
    enrolment = None
    if (
        entry_tier is not None
        and not Enrolment.objects.filter(
            partner=partner, programme=journey.programme, status="active"
        ).exists()
    ):
        enrolment = enrolment_create(
            actor=actor,
            partner=partner,
            programme=journey.programme,
            tier=entry_tier,
            reason=str(_("Onboarding complete")),
        )
    audit.record(
        actor=None,
        instance=journey,
        action=AuditAction.UPDATE,
        changes={"status": [JourneyStatus.IN_PROGRESS, JourneyStatus.COMPLETED]},
        verb="journey.completed",
    )
    events.emit(
        "journey.completed", payload=journey_payload(journey), partner_id=partner.pk
    )
    events.emit(
        "partner.activated",
        payload={
            "id": partner.pk,
            "public_id": str(partner.public_id),
            "name": partner.name,
            "programme": str(journey.programme.public_id),
            "tier": entry_tier.name if entry_tier else None,
            "enrolment": str(enrolment.public_id) if enrolment else None,
        },
        partner_id=partner.pk,
    )
    admins = [
        membership.user
        for membership in Membership.objects.filter(
            partner=partner, is_active=True
        ).select_related("user")
        if PartnerRole.PARTNER_ADMIN in membership.roles
    ]
    notify(
        recipients=[*admins, partner.channel_manager],
        kind="journeys.partner_activated",
        subject=_("%(partner)s is now an active partner") % {"partner": partner.name},
        body=_("Every required onboarding task is done; welcome to %(programme)s.")
        % {"programme": journey.programme.name},
        url=reverse("portal:journeys"),
    )
    return True


def journeys_flag_overdue(*, now: datetime | None = None) -> int:
    """Flag open tasks past their due date (the sweep); returns how many."""
    now = now or timezone.now()
    return JourneyTask.objects.filter(
        completed_at__isnull=True,
        is_overdue=False,
        due_at__lt=now,
        journey__status=JourneyStatus.IN_PROGRESS,
    ).update(is_overdue=True, updated_at=now)
