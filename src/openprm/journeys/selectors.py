"""Scoped reads of onboarding journeys."""

from django.db.models import Count, Prefetch, Q, QuerySet

from openprm.core.errors import NotFound
from openprm.journeys import permissions
from openprm.journeys.models import Journey, JourneyDocument, JourneyTask, TaskTemplate
from openprm.partners.models import Partner
from openprm.programs.models import Programme


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
