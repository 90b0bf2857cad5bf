"""Scoped reads of onboarding journeys."""

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openprm.core.errors import NotFound
from openprm.core.permissions import partner_roles_of
from openprm.core.worklist import (
    NOTHING,
    WORK_LIMIT,
    Activity,
    Contribution,
    Queue,
    WorkItem,
)
from openprm.journeys import permissions
from openprm.journeys.choices import TaskKind
from openprm.journeys.models import (
    Journey,
    JourneyDocument,
    JourneyStatus,
    JourneyTask,
    TaskTemplate,
)
from openprm.partners.models import Partner
from openprm.programs.models import Programme
from openprm.tenancy.choices import PartnerRole


def journeys_visible_to(*, user) -> QuerySet[Journey]:
    """Journeys of the partners the user may see, with task counts."""
    return (
        Journey.objects.visible_to(user)
        .select_related("partner", "programme")
        .annotate(
            task_count=Count("tasks", filter=Q(tasks__is_required=True)),
            done_count=Count(
                "tasks",
                filter=Q(tasks__is_required=True, tasks__completed_at__isnull=False),
            ),
            overdue_count=Count("tasks", filter=Q(tasks__is_overdue=True)),
        )
        .order_by("-started_at", "-id")
    )


def _with_tasks(queryset: QuerySet[Journey]) -> QuerySet[Journey]:
    return queryset.prefetch_related(
        Prefetch(
            "tasks",
            queryset=JourneyTask.objects.select_related("completed_by")
            .prefetch_related(
                Prefetch("documents", queryset=JourneyDocument.objects.order_by("-id"))
            )
            .order_by("position", "id"),
        )
    )


def journey_get(*, user, public_id) -> Journey:
    try:
        return _with_tasks(
            Journey.objects.visible_to(user).select_related("partner", "programme")
        ).get(public_id=public_id)
    except (Journey.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound from error


def journeys_of_partner(*, partner: Partner) -> list[Journey]:
    return list(
        _with_tasks(
            Journey.objects.filter(partner=partner).select_related("programme")
        ).order_by("-started_at", "-id")
    )


def journey_of_partner_get(*, partner: Partner, public_id) -> Journey:
    """A journey of the organisation the portal works for; 404 for any other."""
    try:
        return Journey.objects.get(partner=partner, public_id=public_id)
    except (Journey.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound from error


def task_get(*, journey: Journey, task_id: int) -> JourneyTask:
    try:
        task = journey.tasks.get(pk=task_id)
    except (JourneyTask.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound from error
    task.journey = journey
    return task


def programmes_with_templates(*, user) -> QuerySet[Programme]:
    permissions.READ.ensure(user)
    return Programme.objects.annotate(task_count=Count("journey_tasks")).order_by(
        "name", "id"
    )


def programme_get(*, user, public_id) -> Programme:
    permissions.READ.ensure(user)
    try:
        return Programme.objects.get(public_id=public_id)
    except (Programme.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound from error


def task_templates_of(*, programme: Programme) -> QuerySet[TaskTemplate]:
    return programme.journey_tasks.order_by("position", "id")


def task_template_get(*, programme: Programme, template_id: int) -> TaskTemplate:
    try:
        return programme.journey_tasks.get(pk=template_id)
    except (TaskTemplate.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound from error


def progress_of(journey: Journey) -> dict:
    """Required tasks done and the percentage, from the prefetched tasks."""
    tasks = list(journey.tasks.all())
    required = [task for task in tasks if task.is_required]
    done = [task for task in required if task.completed_at is not None]
    percent = round(100 * len(done) / len(required)) if required else 100
    return {"required": len(required), "done": len(done), "percent": percent}


def document_get(*, user, public_id) -> JourneyDocument:
    try:
        return JourneyDocument.objects.visible_to(user).get(public_id=public_id)
    except (JourneyDocument.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound from error


def journeys_with_tasks_visible_to(*, user) -> QuerySet[Journey]:
    return _with_tasks(
        Journey.objects.visible_to(user).select_related("partner", "programme")
    ).order_by("-started_at", "-id")


def partner_journey_section(user, partner: Partner) -> dict | None:
    """The partner page's onboarding journeys with their progress and the tasks
    still open. Three queries."""
    if not user.is_vendor_staff:
        return None
    journeys = list(
        _with_tasks(
            Journey.objects.visible_to(user)
            .filter(partner=partner)
            .select_related("programme")
        ).order_by("-started_at", "-id")
    )
    return {
        "rows": [
            {
                "journey": journey,
                "progress": progress_of(journey),
                "open_tasks": [
                    task for task in journey.tasks.all() if task.completed_at is None
                ],
            }
            for journey in journeys
        ]
    }


# --- the homes (registered with core.worklist in hooks.py)

HOME_ACTIVITY = 3
# Tasks the partner's admins do themselves (the agreement is listed by the
# agreements app; a manual task is the channel manager's).
ADMIN_TASKS = {
    TaskKind.PROFILE_FIELDS: "portal:organisation_edit",
    TaskKind.DOCUMENT: "portal:journeys",
    TaskKind.INVITE_COLLEAGUES: "portal:team_invite",
    TaskKind.COURSE: "portal:learning",
}
# Tasks any member may do (a course: any member may take it).
MEMBER_TASKS = {
    TaskKind.DOCUMENT: "portal:journeys",
    TaskKind.COURSE: "portal:learning",
}


def portal_home_work(*, user, partner: Partner) -> Contribution:
    """The open onboarding tasks the reader can do for ``partner`` (a partner admin
    all of them; others the document uploads), and the tasks done lately (two
    queries)."""
    if not permissions.WORK.allows(user, partner_id=partner.pk):
        return NOTHING
    is_admin = PartnerRole.PARTNER_ADMIN in partner_roles_of(user).get(
        partner.pk, frozenset()
    )
    links = ADMIN_TASKS if is_admin else MEMBER_TASKS
    tasks = (
        JourneyTask.objects.filter(
            journey__partner=partner,
            journey__status=JourneyStatus.IN_PROGRESS,
            completed_at__isnull=True,
            kind__in=list(links),
        )
        .select_related("journey__programme")
        .order_by(F("due_at").asc(nulls_last=True), "position", "id")[:WORK_LIMIT]
    )
    items = [
        WorkItem(
            kind=str(_("Onboarding")),
            title=task.title,
            url=reverse(links[task.kind]),
            due_at=task.due_at,
            since=task.created_at,
            detail=str(_("Onboarding into %(programme)s"))
            % {"programme": task.journey.programme.name},
        )
        for task in tasks
    ]
    done = (
        JourneyTask.objects.filter(journey__partner=partner, completed_at__isnull=False)
        .select_related("completed_by")
        .order_by("-completed_at", "-id")[:HOME_ACTIVITY]
    )
    activity = [
        Activity(
            at=task.completed_at,
            text=str(_("Onboarding task done: %(title)s.")) % {"title": task.title},
            url=reverse("portal:journeys"),
        )
        for task in done
    ]
    return Contribution(items=items, activity=activity)


def console_home_queues(*, user) -> list[Queue]:
    """Manual onboarding tasks waiting for the user's sign-off (one query)."""
    if not permissions.SIGN_OFF.allows(user):
        return []
    counts = (
        JourneyTask.objects.filter(
            journey__in=Journey.objects.visible_to(user).filter(
                status=JourneyStatus.IN_PROGRESS
            ),
            kind=TaskKind.MANUAL,
            completed_at__isnull=True,
        )
        .order_by()
        .aggregate(
            count=Count("pk"),
            overdue=Count("pk", filter=Q(is_overdue=True)),
        )
    )
    return [
        Queue.counted(
            counts,
            label=str(_("Onboarding sign-offs")),
            url=reverse("console:journeys"),
            unit=str(_("tasks to sign off")),
            order=40,
        )
    ]
