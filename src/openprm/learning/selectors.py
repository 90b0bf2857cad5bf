"""Reads of enablement: everything for vendor staff (the console), the published
courses and paths of a reader's audiences for partner users (the portal; anything
else is not found), a learner's own enrolments, progress and transcript."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from openprm.core.db import (
    CompiledQueries,
    InJSONList,
    PageKeys,
    Slot,
    bind,
    capped_count_sql,
    json_list,
    sql_rows,
    uuid_text,
)
from openprm.core.errors import NotFound
from openprm.learning import permissions
from openprm.learning.choices import LessonKind
from openprm.learning.models import (
    Course,
    Enrolment,
    LearningPath,
    Lesson,
    LessonProgress,
    Module,
    PathEnrolment,
    Question,
    Quiz,
    QuizAttempt,
    ScormAttempt,
    ScormPackage,
)
from openprm.segments.audiences import (
    AudienceReader,
    audience_q,
    matching_audience_ids,
)
from openprm.segments.audiences.selectors import audiences_to_choose


@dataclass(frozen=True)
class CatalogueFilters:
    q: str = ""
    product_line: str = ""
    language: str = ""


def _filtered(courses: QuerySet, filters: CatalogueFilters) -> QuerySet:
    for word in filters.q.split()[:8]:
        courses = courses.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    if filters.product_line:
        courses = courses.filter(product_line=filters.product_line)
    if filters.language:
        courses = courses.filter(language=filters.language.lower())
    return courses


def _with_counts(courses: QuerySet) -> QuerySet:
    """Each course's lessons, counted by a subquery per row read: a join with
    ``GROUP BY`` would make the list's count, facets and page keys group every
    readable course's lessons too."""
    lessons = (
        Lesson.objects.filter(module__course=OuterRef("pk"))
        .order_by()
        .values("module__course")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return courses.annotate(lesson_count=Coalesce(Subquery(lessons), 0))


# --- console (vendor staff)


def courses_for_staff(*, user, filters: CatalogueFilters | None = None) -> QuerySet:
    permissions.READ.ensure(user)
    return (
        _with_counts(_filtered(Course.objects.all(), filters or CatalogueFilters()))
        .select_related("audience", "owner")
        .annotate(
            enrolled=Count("enrolments", distinct=True),
            completed=Count(
                "enrolments",
                filter=Q(enrolments__completed_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("title", "id")
    )


def course_get(*, user, public_id) -> Course:
    permissions.READ.ensure(user)
    course = (
        Course.objects.select_related("audience", "owner")
        .filter(public_id=public_id)
        .first()
    )
    if course is None:
        raise NotFound
    return course


def outline(course: Course) -> list[Module]:
    """The course's modules in order, each with its lessons in order (two
    queries)."""
    return list(
        course.modules.order_by("position", "id").prefetch_related(
            Prefetch(
                "lessons",
                queryset=Lesson.objects.order_by("position", "id").select_related(
                    "quiz", "scorm_package"
                ),
            )
        )
    )


def lessons_in_order(modules: list[Module]) -> list[Lesson]:
    return [lesson for module in modules for lesson in module.lessons.all()]


def module_get(*, user, pk: int) -> Module:
    permissions.READ.ensure(user)
    module = Module.objects.select_related("course").filter(pk=pk).first()
    if module is None:
        raise NotFound
    return module


def lesson_get(*, user, public_id) -> Lesson:
    permissions.READ.ensure(user)
    lesson = (
        Lesson.objects.select_related("module__course", "quiz", "scorm_package")
        .filter(public_id=public_id)
        .first()
    )
    if lesson is None:
        raise NotFound
    return lesson


def audiences_for_choice(*, user) -> QuerySet:
    permissions.MANAGE.ensure(user)
    return audiences_to_choose()


def quizzes_for_staff(*, user) -> QuerySet:
    permissions.READ.ensure(user)
    return Quiz.objects.annotate(question_count=Count("questions")).order_by(
        "title", "id"
    )


def quiz_get(*, user, public_id) -> Quiz:
    permissions.READ.ensure(user)
    quiz = Quiz.objects.filter(public_id=public_id).first()
    if quiz is None:
        raise NotFound
    return quiz


def questions_of(quiz: Quiz) -> list[Question]:
    return list(quiz.questions.prefetch_related("choices"))


def packages_for_staff(*, user) -> QuerySet:
    permissions.READ.ensure(user)
    return ScormPackage.objects.select_related("uploaded_by")


def paths_for_staff(*, user) -> QuerySet:
    permissions.READ.ensure(user)
    return (
        LearningPath.objects.select_related("audience")
        .annotate(
            course_count=Count("steps", distinct=True),
            enrolled=Count("enrolments", distinct=True),
        )
        .order_by("title", "id")
    )


def path_get(*, user, public_id) -> LearningPath:
    permissions.READ.ensure(user)
    path = LearningPath.objects.filter(public_id=public_id).first()
    if path is None:
        raise NotFound
    return path


def path_courses(path: LearningPath) -> list[Course]:
    return [step.course for step in path.steps.select_related("course")]


def enrolments_for_staff(*, user, course: Course | None = None) -> QuerySet:
    """Enrolments of the partners in the reader's scope, newest first."""
    permissions.READ.ensure(user)
    enrolments = Enrolment.objects.visible_to(user)
    if course is not None:
        enrolments = enrolments.filter(course=course)
    return enrolments.select_related("user", "partner", "course").order_by(
        "-created_at", "-id"
    )


# --- portal (partner users)


def reader_audiences(reader: AudienceReader) -> Q:
    """The condition "for the reader's audiences", evaluated once per request and
    shared by the page's lists (the catalogue, its facets, the paths)."""
    return audience_q(reader)


def catalogue(
    *,
    reader: AudienceReader | None = None,
    audiences: Q | None = None,
    filters: CatalogueFilters | None = None,
) -> QuerySet:
    """The published courses the reader's audiences hold (``audiences``: the
    condition already made for this reader)."""
    if audiences is None:
        audiences = audience_q(reader)
    courses = Course.objects.filter(audiences, is_published=True)
    return _with_counts(_filtered(courses, filters or CatalogueFilters())).order_by(
        "title", "id"
    )


# The portal's reads of a reader's catalogue have one SQL for every reader: the
# reader's audiences (a JSON array of ids) are a parameter, and the page's window
# too; each is compiled once per filters (as the content library's PortalLibrary).
_AUDIENCE_IDS = Slot("audience_ids")
_CATALOGUE_READS = CompiledQueries(size=128)
# What a course card shows, in this order (then its lesson count).
CARD_COLUMNS = ("public_id", "title", "summary", "language", "product_line")


def _readable(filters: CatalogueFilters) -> QuerySet:
    """Any reader's published courses, by the slot above, narrowed by ``filters``,
    in the catalogue's order."""
    courses = Course.objects.filter(
        InJSONList("audience_id", _AUDIENCE_IDS), is_published=True
    )
    return _filtered(courses, filters).order_by("title", "id")


def _cards_query(filters: CatalogueFilters) -> QuerySet:
    """The page's keys (``PageKeys``), then only those courses' card columns with
    their lesson counts: the subquery runs for the page's 25 rows alone."""
    readable = _readable(filters)
    return (
        _with_counts(Course._base_manager.filter(pk__in=PageKeys(readable)))
        .order_by("title", "id")
        .values_list(*CARD_COLUMNS, "lesson_count")
    )


def _count_query(filters: CatalogueFilters) -> QuerySet:
    return _readable(filters).order_by().values("pk")


def _facets_query() -> QuerySet:
    # Grouped: a few rows (product line x language) however many courses.
    return (
        _readable(CatalogueFilters())
        .order_by()
        .values_list("product_line", "language")
        .annotate(courses=Count("pk"))
    )


def _paths_query() -> QuerySet:
    return (
        LearningPath.objects.filter(
            InJSONList("audience_id", _AUDIENCE_IDS), is_published=True
        )
        .annotate(course_count=Count("steps"))
        .order_by("title", "id")
        .values_list("public_id", "title", "summary", "course_count")
    )


@dataclass
class CourseCard:
    """A course as the portal catalogue's card shows it (``public_id`` as text)."""

    public_id: str
    title: str
    summary: str
    language: str
    product_line: str
    lesson_count: int


@dataclass
class PathCard:
    public_id: str
    title: str
    summary: str
    course_count: int


@dataclass(frozen=True)
class PortalCatalogue:
    """The published courses and paths of a reader's audiences as the portal
    reads them: the audiences matched once per request (``matching_audience_ids``,
    so a changed audience or partner shows on the next one), then each list read
    by SQL compiled once per filters, as ``content.library.PortalLibrary``."""

    audience_ids: tuple[int, ...]

    @classmethod
    def of(cls, reader: AudienceReader) -> "PortalCatalogue":
        return cls(tuple(matching_audience_ids(reader)))

    def _rows(self, key, build, **values) -> list[tuple]:
        compiled = _CATALOGUE_READS.sql(key, build)
        if compiled is None:
            return []
        return sql_rows(
            *bind(*compiled, audience_ids=json_list(self.audience_ids), **values)
        )

    def facets(self) -> dict:
        """The product lines and languages of the reader's whole catalogue (what
        the filters offer) and ``total``, how many courses it holds: one query."""
        lines, languages, total = set(), set(), 0
        for line, language, courses in self._rows("facets", _facets_query):
            total += courses
            if line:
                lines.add(line)
            if language:
                languages.add(language)
        return {
            "product_lines": sorted(lines),
            "languages": sorted(languages),
            "total": total,
        }

    def count(self, filters: CatalogueFilters, limit: int) -> int:
        """How many courses ``filters`` leave, counted up to ``limit``."""
        compiled = _CATALOGUE_READS.sql(
            ("count", filters), lambda: _count_query(filters)
        )
        if compiled is None:
            return 0
        sql, params = bind(*compiled, audience_ids=json_list(self.audience_ids))
        return sql_rows(*capped_count_sql(sql, params, limit=limit))[0][0]

    def cards(self, filters: CatalogueFilters, window: slice) -> list[CourseCard]:
        """The course cards of ``window`` of the list narrowed by ``filters``: one
        query."""
        rows = self._rows(
            ("cards", filters),
            lambda: _cards_query(filters),
            limit=window.stop - window.start,
            offset=window.start,
        )
        return [
            CourseCard(uuid_text(public_id), title, summary, language, line, lessons)
            for public_id, title, summary, language, line, lessons in rows
        ]

    def paths(self) -> list[PathCard]:
        """The reader's published learning paths, by title, with their courses
        counted: one query."""
        return [
            PathCard(uuid_text(public_id), title, summary, courses)
            for public_id, title, summary, courses in self._rows("paths", _paths_query)
        ]


def course_for_reader(*, reader: AudienceReader, public_id) -> Course:
    course = Course.objects.filter(
        audience_q(reader), is_published=True, public_id=public_id
    ).first()
    if course is None:
        raise NotFound
    return course


def catalogue_facets(courses: QuerySet) -> dict:
    rows = courses.order_by().values_list("product_line", "language").distinct()
    lines, languages = set(), set()
    for line, language in rows:
        if line:
            lines.add(line)
        if language:
            languages.add(language)
    return {"product_lines": sorted(lines), "languages": sorted(languages)}


def enrolment_of(*, user, course: Course) -> Enrolment | None:
    return Enrolment.objects.filter(user=user, course=course).first()


def _with_progress(enrolments: QuerySet) -> QuerySet:
    """Each enrolment's lessons done, time spent and its course's lessons. The
    course's lessons are counted in a subquery: joined beside the progress rows
    they would multiply the done count and the time."""
    lessons = (
        Lesson.objects.filter(module__course=OuterRef("course_id"))
        .order_by()
        .values("module__course")
        .annotate(total=Count("id"))
        .values("total")
    )
    return enrolments.annotate(
        lessons_done=Count("progress", filter=Q(progress__completed_at__isnull=False)),
        seconds=Sum("progress__seconds_spent"),
        lesson_count=Coalesce(Subquery(lessons), 0),
    )


def my_enrolments(*, user, partner_id: int) -> QuerySet:
    """The learner's courses taken for this organisation, with lessons done."""
    return _with_progress(
        Enrolment.objects.filter(user=user, partner_id=partner_id).select_related(
            "course", "last_lesson"
        )
    ).order_by("completed_at", "-updated_at", "-id")


def team_progress(*, user, partner_id: int, status: str = "") -> QuerySet[Enrolment]:
    """A partner admin's view of their organisation's learners: every enrolment
    there with its progress, learners by name; ``status`` "open" or "completed"."""
    permissions.ENROL_TEAM.ensure(user, partner_id=partner_id)
    rows = Enrolment.objects.filter(partner_id=partner_id)
    if status == "open":
        rows = rows.filter(completed_at__isnull=True)
    elif status == "completed":
        rows = rows.filter(completed_at__isnull=False)
    return _with_progress(rows.select_related("user", "course")).order_by(
        "user__full_name", "user__email", "course__title", "id"
    )


def progress_of(enrolment: Enrolment | None) -> dict[int, LessonProgress]:
    if enrolment is None:
        return {}
    return {item.lesson_id: item for item in enrolment.progress.all()}


def lesson_for_enrolment(*, enrolment: Enrolment, public_id) -> Lesson:
    lesson = (
        Lesson.objects.select_related("module", "quiz", "scorm_package")
        .filter(module__course=enrolment.course_id, public_id=public_id)
        .first()
    )
    if lesson is None:
        raise NotFound
    return lesson


def resume_lesson(enrolment: Enrolment, lessons: list[Lesson], done: set[int]):
    """Where the learner picks up: the first lesson not done, else the last one
    they opened, else the first."""
    for lesson in lessons:
        if lesson.pk not in done:
            return lesson
    if enrolment.last_lesson_id:
        for lesson in lessons:
            if lesson.pk == enrolment.last_lesson_id:
                return lesson
    return lessons[0] if lessons else None


def attempts_of(*, user, quiz: Quiz) -> list[QuizAttempt]:
    return list(
        QuizAttempt.objects.filter(user=user, quiz=quiz).order_by("-started_at", "-id")
    )


def attempt_for_learner(*, user, public_id) -> QuizAttempt:
    """The learner's own attempt; another's is not found."""
    attempt = (
        QuizAttempt.objects.select_related("quiz", "lesson")
        .filter(user=user, public_id=public_id)
        .first()
    )
    if attempt is None:
        raise NotFound
    return attempt


def attempt_questions(attempt: QuizAttempt) -> list[dict]:
    """The drawn questions in order, each choice in the order shown: text only,
    never whether it is right."""
    question_ids = [item["question"] for item in attempt.drawn]
    questions = {
        question.pk: question
        for question in Question.objects.filter(pk__in=question_ids).prefetch_related(
            "choices"
        )
    }
    shown = []
    for item in attempt.drawn:
        question = questions.get(item["question"])
        if question is None:
            continue
        texts = {choice.pk: choice.text for choice in question.choices.all()}
        shown.append(
            {
                "id": question.pk,
                "kind": question.kind,
                "text": question.text,
                "choices": [
                    {"id": pk, "text": texts[pk]}
                    for pk in item["choices"]
                    if pk in texts
                ],
            }
        )
    return shown


def scorm_attempt_for_learner(*, user, public_id) -> ScormAttempt:
    attempt = (
        ScormAttempt.objects.filter(user=user, public_id=public_id)
        .select_related("lesson__scorm_package")
        .first()
    )
    if attempt is None:
        raise NotFound
    return attempt


def scorm_package_for_learner(*, user, public_id) -> ScormPackage:
    """A package the learner may open: a lesson of a course they are enrolled in
    launches it."""
    package = ScormPackage.objects.filter(
        public_id=public_id,
        lessons__module__course__enrolments__user=user,
    ).first()
    if package is None:
        raise NotFound
    return package


def transcript(*, user, partner_id: int) -> dict:
    """What the learner has done for this organisation: completed courses, quiz
    attempts, SCORM results, paths."""
    courses = list(
        Enrolment.objects.filter(user=user, partner_id=partner_id)
        .select_related("course")
        .annotate(seconds=Sum("progress__seconds_spent"))
        .order_by("-completed_at", "course__title")
    )
    attempts = list(
        QuizAttempt.objects.filter(
            user=user, partner_id=partner_id, submitted_at__isnull=False
        )
        .select_related("quiz")
        .order_by("-submitted_at", "-id")
    )
    packages = list(
        ScormAttempt.objects.filter(user=user, partner_id=partner_id)
        .select_related("lesson")
        .order_by("-updated_at", "-id")
    )
    paths = list(
        PathEnrolment.objects.filter(user=user, partner_id=partner_id)
        .select_related("path")
        .order_by("-completed_at", "path__title")
    )
    return {
        "courses": courses,
        "attempts": attempts,
        "packages": packages,
        "paths": paths,
    }


def paths_for_reader(
    *, reader: AudienceReader | None = None, audiences: Q | None = None
) -> QuerySet:
    if audiences is None:
        audiences = audience_q(reader)
    return (
        LearningPath.objects.filter(audiences, is_published=True)
        .annotate(course_count=Count("steps"))
        .order_by("title", "id")
    )


def path_for_reader(*, reader: AudienceReader, public_id) -> LearningPath:
    path = LearningPath.objects.filter(
        audience_q(reader), is_published=True, public_id=public_id
    ).first()
    if path is None:
        raise NotFound
    return path


def path_enrolment_of(*, user, path: LearningPath) -> PathEnrolment | None:
    return PathEnrolment.objects.filter(user=user, path=path).first()


def completed_course_ids(*, user) -> set[int]:
    return set(
        Enrolment.objects.filter(user=user, completed_at__isnull=False).values_list(
            "course_id", flat=True
        )
    )


def is_hand_completed(lesson: Lesson) -> bool:
    """A lesson the learner marks done themselves."""
    return lesson.kind not in (LessonKind.QUIZ, LessonKind.SCORM)
