"""The console's learning reports, for the partners in the reader's scope:
completions by course, by partner and by month, and quiz pass rates. Each table is
one grouped query whatever the number of rows; the page charts them, the API
returns them and each exports as CSV or XLSX."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, DateField, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.learning import permissions
from openprm.learning.models import Course, Enrolment, Quiz, QuizAttempt

PERIODS = (3, 6, 12, 24)  # months a report may look back
DEFAULT_MONTHS = 12
# Rows a page shows (and charts) per table; the exports carry up to EXPORT_ROWS.
PAGE_ROWS = 25
EXPORT_ROWS = 10_000


@dataclass(frozen=True)
class ReportFilters:
    months: int = DEFAULT_MONTHS
    course: Course | None = None
    product_line: str = ""
    region: str = ""


def _first_day(months: int, today: datetime.date | None = None) -> datetime.datetime:
    """The start of the first of the last ``months`` months, this one included."""
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1 - (months - 1)
    first = datetime.date(index // 12, index % 12 + 1, 1)
    return timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))


def _enrolments(user, filters: ReportFilters, since) -> QuerySet[Enrolment]:
    permissions.READ.ensure(user)
    rows = Enrolment.objects.visible_to(user).filter(
        Q(created_at__gte=since) | Q(completed_at__gte=since)
    )
    if filters.course is not None:
        rows = rows.filter(course=filters.course)
    if filters.product_line:
        rows = rows.filter(course__product_line=filters.product_line)
    if filters.region:
        rows = rows.filter(partner__region=filters.region)
    return rows.order_by()


def _counts(since) -> dict:
    return {
        "enrolled": Count("id", filter=Q(created_at__gte=since)),
        "completed": Count("id", filter=Q(completed_at__gte=since)),
    }


def _rate(part: int, whole: int) -> int | None:
    """A whole percentage, rounded down; None when there is nothing to divide."""
    return part * 100 // whole if whole else None


def completions(*, user, filters: ReportFilters, limit: int | None = PAGE_ROWS):
    """Enrolments and completions in the period by course, by partner (most
    completions first) and by month: three queries."""
    since = _first_day(filters.months)
    rows = _enrolments(user, filters, since)
    by_course = [
        {
            "label": row["course__title"],
            "code": row["course__code"],
            "public_id": row["course__public_id"],
            "enrolled": row["enrolled"],
            "completed": row["completed"],
            "rate": _rate(row["completed"], row["enrolled"]),
        }
        for row in rows.values(
            "course__title", "course__code", "course__public_id", "course_id"
        )
        .annotate(**_counts(since))
        .order_by("-completed", "course__title", "course_id")[:limit]
    ]
    by_partner = [
        {
            "label": row["partner__name"],
            "public_id": row["partner__public_id"],
            "enrolled": row["enrolled"],
            "completed": row["completed"],
            "rate": _rate(row["completed"], row["enrolled"]),
        }
        for row in rows.values("partner__name", "partner__public_id", "partner_id")
        .annotate(**_counts(since))
        .order_by("-completed", "partner__name", "partner_id")[:limit]
    ]
    found = {
        row["month"]: row["completed"]
        for row in rows.filter(completed_at__gte=since)
        .annotate(month=TruncMonth("completed_at", output_field=DateField()))
        .values("month")
        .annotate(completed=Count("id"))
        .values("month", "completed")
    }
    by_month = []
    month = since.date()
    today = timezone.localdate()
    while month <= today:
        by_month.append({"month": month, "completed": found.get(month, 0)})
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return {
        "since": since.date(),
        "by_course": by_course,
        "by_partner": by_partner,
        "by_month": by_month,
        "completed": sum(row["completed"] for row in by_month),
    }


def _quiz_attempts(*, user, filters: ReportFilters) -> QuerySet:
    """The attempts the quiz report reads: submitted in the period, filtered."""
    permissions.READ.ensure(user)
    since = _first_day(filters.months)
    rows = QuizAttempt.objects.visible_to(user).filter(submitted_at__gte=since)
    if filters.course is not None:
        rows = rows.filter(lesson__module__course=filters.course)
    if filters.product_line:
        rows = rows.filter(lesson__module__course__product_line=filters.product_line)
    if filters.region:
        rows = rows.filter(partner__region=filters.region)
    return rows


def quiz_pass_rate_groups(*, user, filters: ReportFilters) -> QuerySet:
    """Per quiz, the attempts submitted in the period, how many passed, and the
    learners who tried and who passed, most attempts first (then by title and
    id, so the order is total): one grouped query; ``quiz_pass_rate_rows`` names
    a slice of it."""
    return (
        _quiz_attempts(user=user, filters=filters)
        .order_by()
        .values("quiz__title", "quiz__public_id", "quiz_id")
        .annotate(
            attempts=Count("id"),
            passed=Count("id", filter=Q(is_passed=True)),
            learners=Count("user_id", distinct=True),
            learners_passed=Count("user_id", distinct=True, filter=Q(is_passed=True)),
        )
        .order_by("-attempts", "quiz__title", "quiz_id")
    )


def quizzes_attempted(*, user, filters: ReportFilters) -> QuerySet[Quiz]:
    """The quizzes ``quiz_pass_rate_groups`` has a row for (what its list
    counts)."""
    return Quiz.objects.filter(
        pk__in=_quiz_attempts(user=user, filters=filters).order_by().values("quiz_id")
    )


def quiz_pass_rate_rows(groups) -> list[dict]:
    return [
        {
            "label": row["quiz__title"],
            "public_id": row["quiz__public_id"],
            "attempts": row["attempts"],
            "passed": row["passed"],
            "rate": _rate(row["passed"], row["attempts"]),
            "learners": row["learners"],
            "learners_passed": row["learners_passed"],
        }
        for row in groups
    ]


def quiz_pass_rates(*, user, filters: ReportFilters, limit: int | None = PAGE_ROWS):
    """The first ``limit`` rows of ``quiz_pass_rate_groups`` (the console's
    report and its export)."""
    return quiz_pass_rate_rows(
        quiz_pass_rate_groups(user=user, filters=filters)[:limit]
    )


def product_lines(*, user) -> list[str]:
    """The product lines courses name, for the filter."""
    permissions.READ.ensure(user)
    return list(
        Course.objects.exclude(product_line="")
        .order_by("product_line")
        .values_list("product_line", flat=True)
        .distinct()
    )


def courses_for_filter(*, user) -> QuerySet[Course]:
    permissions.READ.ensure(user)
    return Course.objects.order_by("title", "id")


def _percent(value: int | None) -> int | str:
    return "" if value is None else value


# Each table's export: its columns, and a row from one of its figures' rows.
TABLES = {
    "courses": (
        [_("Course"), _("Code"), _("Enrolled"), _("Completed"), _("Completion (%)")],
        lambda row: [
            row["label"],
            row["code"],
            row["enrolled"],
            row["completed"],
            _percent(row["rate"]),
        ],
    ),
    "partners": (
        [_("Partner"), _("Enrolled"), _("Completed"), _("Completion (%)")],
        lambda row: [
            row["label"],
            row["enrolled"],
            row["completed"],
            _percent(row["rate"]),
        ],
    ),
    "months": (
        [_("Month"), _("Completed")],
        lambda row: [row["month"].strftime("%Y-%m"), row["completed"]],
    ),
    "quizzes": (
        [
            _("Quiz"),
            _("Attempts"),
            _("Passed"),
            _("Pass rate (%)"),
            _("Learners"),
            _("Learners who passed"),
        ],
        lambda row: [
            row["label"],
            row["attempts"],
            row["passed"],
            _percent(row["rate"]),
            row["learners"],
            row["learners_passed"],
        ],
    ),
}


def table(*, user, filters: ReportFilters, name: str) -> tuple[list[str], list[list]]:
    """One report table in full (up to EXPORT_ROWS rows), for its export."""
    columns, to_row = TABLES[name]
    if name == "quizzes":
        rows = quiz_pass_rates(user=user, filters=filters, limit=EXPORT_ROWS)
    else:
        figures = completions(user=user, filters=filters, limit=EXPORT_ROWS)
        rows = figures[
            {"courses": "by_course", "partners": "by_partner"}.get(name, "by_month")
        ]
    return [str(column) for column in columns], [to_row(row) for row in rows]
