"""Scoped reads of applications: the review queue, an application's page, and the
public form. Vendor admins and channel managers see every application; other
vendor staff see the ones assigned to them or to their queues; partner users see
none."""

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from openprm.approvals.models import Action
from openprm.approvals.selectors import assigned_q, is_assigned
from openprm.core.errors import NotFound
from openprm.core.worklist import Queue, sla_counts
from openprm.onboarding import permissions
from openprm.onboarding.choices import OPEN_STATUSES, ApplicationStatus, QueueView
from openprm.onboarding.models import Application
from openprm.partners.models import Partner
from openprm.programs.models import Programme, Tier, TierBenefit


def _assigned_to(user) -> Q:
    """Applications whose approval waits on the user (theirs, their queues', or
    those of someone away who named them delegate)."""
    return assigned_q(user, prefix="approval__")


def applications_visible_to(user) -> QuerySet[Application]:
    permissions.READ.ensure(user)
    applications = Application.objects.all()
    if not permissions.REVIEW_ALL.allows(user):
        applications = applications.filter(
            pk__in=Application.objects.filter(_assigned_to(user)).values("pk")
        )
    return applications


def may_act(user, application: Application) -> bool:
    """Vendor admins act on any application; others on the ones assigned to them
    (or to someone they stand in for)."""
    return permissions.DECIDE_ANY.allows(user) or is_assigned(
        user, application.approval
    )


@dataclass(frozen=True)
class QueueFilters:
    view: str = QueueView.MINE
    programme: UUID | None = None
    status: str = ""


def application_queue(*, user, filters: QueueFilters) -> QuerySet[Application]:
    """The review queue: "mine" (assigned to the user or their queues, open),
    "due" (open, due within the reminder window), "overdue", "open", "decided",
    "all"; soonest due first."""
    applications = applications_visible_to(user).select_related(
        "programme", "approval__assignee", "approval__queue"
    )
    now = timezone.now()
    view = filters.view if filters.view in QueueView.values else QueueView.MINE
    if view == QueueView.MINE:
        applications = applications.filter(
            pk__in=Application.objects.filter(_assigned_to(user)).values("pk"),
            status__in=OPEN_STATUSES,
        )
    elif view == QueueView.DUE:
        window = timedelta(hours=settings.OPENPRM_APPLICATION_REMINDER_HOURS)
        applications = applications.filter(
            status=ApplicationStatus.IN_REVIEW,
            approval__due_at__gt=now,
            approval__due_at__lte=now + window,
        )
    elif view == QueueView.OVERDUE:
        applications = applications.filter(
            status=ApplicationStatus.IN_REVIEW, approval__due_at__lte=now
        )
    elif view == QueueView.OPEN:
        applications = applications.filter(status__in=OPEN_STATUSES)
    elif view == QueueView.DECIDED:
        applications = applications.exclude(status__in=OPEN_STATUSES)
    if filters.programme:
        applications = applications.filter(programme__public_id=filters.programme)
    if filters.status in ApplicationStatus.values:
        applications = applications.filter(status=filters.status)
    if view in (QueueView.DECIDED, QueueView.ALL):
        return applications.order_by("-created_at", "-id")
    return applications.order_by("approval__due_at", "created_at", "id")


def application_get(*, user, public_id) -> Application:
    try:
        return (
            applications_visible_to(user)
            .select_related(
                "programme",
                "approval__assignee",
                "approval__queue",
                "partner",
                "routing_rule",
                "invitation",
            )
            .prefetch_related(
                Prefetch(
                    "approval__actions",
                    queryset=Action.objects.select_related("actor", "on_behalf_of"),
                )
            )
            .get(public_id=public_id)
        )
    except (Application.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound from error


def open_programmes() -> list[Programme]:
    """The active programmes anyone may apply to, with their tiers and each tier's
    benefits, for the public page that lists them (three queries)."""
    return list(
        Programme.objects.filter(is_active=True)
        .order_by("name", "id")
        .prefetch_related(
            Prefetch(
                "tiers",
                queryset=Tier.objects.order_by("rank", "id").prefetch_related(
                    Prefetch("benefits", queryset=TierBenefit.objects.order_by("kind"))
                ),
            )
        )
    )


def programme_for_application(*, key: str) -> Programme:
    """An active programme by slug or public id, with its questions, for the public
    form (and the endpoints that submit it or describe it)."""
    programmes = Programme.objects.filter(is_active=True)
    try:
        lookup = Q(public_id=UUID(str(key)))
    except ValueError:
        lookup = Q(slug=key)
    programme = programmes.filter(lookup).prefetch_related("questions").first()
    if programme is None:
        raise NotFound
    return programme


def approved_programme_ids(*, partner: Partner) -> QuerySet[Application]:
    """The programmes the partner's applications were approved into (ids): the
    partner is bound by their terms from the approval on, before its onboarding
    journey has started."""
    return Application.objects.filter(
        partner=partner, status=ApplicationStatus.APPROVED
    ).values("programme_id")


def approved_partner_ids(*, programme: Programme) -> QuerySet[Application]:
    """The partners whose application to ``programme`` was approved (ids)."""
    return Application.objects.filter(
        programme=programme,
        status=ApplicationStatus.APPROVED,
        partner__isnull=False,
    ).values("partner_id")


# --- the console home (registered with core.worklist in hooks.py)


def console_home_queues(*, user) -> list[Queue]:
    """The applications assigned to the user or their queues, with their SLA (the
    review queue's "mine" view, counted in one query)."""
    if not permissions.READ.allows(user):
        return []
    window = timedelta(hours=settings.OPENPRM_APPLICATION_REMINDER_HOURS)
    counts = (
        Application.objects.filter(
            pk__in=Application.objects.filter(_assigned_to(user)).values("pk"),
            status__in=OPEN_STATUSES,
        )
        .order_by()
        .aggregate(
            **sla_counts(
                due_field="approval__due_at",
                waiting=Q(status=ApplicationStatus.IN_REVIEW),
                soon=window,
            ),
            waiting=Count("pk", filter=Q(status=ApplicationStatus.INFO_REQUESTED)),
        )
    )
    waiting = counts["waiting"] or 0
    return [
        Queue.counted(
            counts,
            label=str(_("Partner applications")),
            url=reverse("console:application_queue"),
            unit=str(_("to review")),
            note=str(
                ngettext(
                    "%(count)s more waits for the applicant's answer.",
                    "%(count)s more wait for the applicants' answers.",
                    waiting,
                )
            )
            % {"count": waiting}
            if waiting
            else "",
            order=10,
        )
    ]


def programmes_open_to(*, partner_type: str) -> list[Programme]:
    """The active programmes a partner of ``partner_type`` may apply to, whose
    public application form can be shared with it (one query)."""
    return [
        programme
        for programme in Programme.objects.filter(is_active=True).order_by("name")
        if not programme.eligible_partner_types
        or partner_type in programme.eligible_partner_types
    ]
