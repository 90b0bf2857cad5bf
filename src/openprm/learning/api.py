"""REST endpoints of enablement: the catalogue and course detail (vendor staff see
every course; partner users the published ones of their audiences, anything else
is 404), enrolment, progress, lesson completion, quiz attempts graded on the
server (the right answers are never sent), paths, and the console's authoring.

A partner user acts for the organisation of their first active membership (by
name), or the one named with ``?partner=``.
"""

from datetime import datetime
from uuid import UUID

from ninja import File, Form, Query, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import Field

from openprm.accounts.models import User
from openprm.core.api import ApiRouter, Page, ReaderQuery, StrictSchema
from openprm.core.errors import NotFound, PermissionDenied, ValidationFailed
from openprm.learning import permissions, reports, selectors, services
from openprm.learning.choices import LessonKind, QuestionKind
from openprm.learning.models import Course, Enrolment, LearningPath, Quiz
from openprm.partners.choices import Region
from openprm.segments.audiences import audience_reader
from openprm.segments.audiences.selectors import audience_to_choose
from openprm.tenancy.models import Membership
from openprm.tenancy.selectors import membership_read_for

router = ApiRouter(tags=["learning"])

OPTIONAL_FILE = File(None)


# --- schemas


class LessonOut(Schema):
    id: UUID
    title: str
    kind: str
    position: int
    url: str
    body: str
    quiz: UUID | None
    scorm_package: UUID | None

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_quiz(obj) -> UUID | None:
        return obj.quiz.public_id if obj.quiz_id else None

    @staticmethod
    def resolve_scorm_package(obj) -> UUID | None:
        return obj.scorm_package.public_id if obj.scorm_package_id else None


class ModuleOut(Schema):
    id: int
    title: str
    position: int
    lessons: list[LessonOut]

    @staticmethod
    def resolve_lessons(obj) -> list:
        return list(obj.lessons.all())


class CourseOut(Schema):
    id: UUID
    code: str
    title: str
    summary: str
    product_line: str
    language: str
    audience: UUID
    is_published: bool

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_audience(obj) -> UUID:
        return obj.audience.public_id


class CourseDetailOut(CourseOut):
    modules: list[ModuleOut]
    prerequisites: list[UUID]

    @staticmethod
    def resolve_modules(obj) -> list:
        return selectors.outline(obj)

    @staticmethod
    def resolve_prerequisites(obj) -> list[UUID]:
        return [item.public_id for item in obj.prerequisites.all()]


class CourseFilters(StrictSchema):
    class Meta:
        model = Course

    q: str = ""
    product_line: str = ""
    language: str = ""
    partner: int | None = None


class CourseIn(StrictSchema):
    class Meta:
        model = Course

    code: str
    title: str
    audience: UUID
    summary: str = ""
    product_line: str = ""
    language: str = ""
    is_published: bool = False
    prerequisites: list[UUID] = []


class CoursePatch(StrictSchema):
    class Meta:
        model = Course

    code: str | None = None
    title: str | None = None
    audience: UUID | None = None
    summary: str | None = None
    product_line: str | None = None
    language: str | None = None
    is_published: bool | None = None
    prerequisites: list[UUID] | None = None


class ModuleIn(StrictSchema):
    title: str


class LessonIn(StrictSchema):
    """A text, link, SCORM or quiz lesson (a file lesson is uploaded in the
    console)."""

    kind: LessonKind
    title: str
    body: str = ""
    url: str = ""
    scorm_package: UUID | None = None
    quiz: UUID | None = None


class LearningEnrolIn(StrictSchema):
    # A colleague's user id (partner admins); empty for oneself.
    learner: UUID | None = None


class LearningEnrolmentOut(Schema):
    id: UUID
    course: UUID
    course_title: str
    user: UUID
    partner: int
    source: str
    enrolled_at: datetime
    completed_at: datetime | None

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_course(obj) -> UUID:
        return obj.course.public_id

    @staticmethod
    def resolve_course_title(obj) -> str:
        return obj.course.title

    @staticmethod
    def resolve_user(obj) -> UUID:
        return obj.user.public_id

    @staticmethod
    def resolve_partner(obj) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_enrolled_at(obj) -> datetime:
        return obj.created_at


class LessonProgressOut(Schema):
    lesson: UUID
    title: str
    kind: str
    is_done: bool
    seconds_spent: int


class ProgressOut(Schema):
    enrolment: LearningEnrolmentOut
    lessons: list[LessonProgressOut]
    next_lesson: UUID | None


class CompleteIn(StrictSchema):
    seconds: int = 0


class QuizIn(StrictSchema):
    class Meta:
        model = Quiz

    title: str
    questions_per_attempt: int = 5
    pass_mark: int = 70
    time_limit_minutes: int | None = None
    max_attempts: int | None = None
    wait_minutes: int = 0


class QuizOut(Schema):
    id: UUID
    title: str
    questions_per_attempt: int
    pass_mark: int
    time_limit_minutes: int | None
    max_attempts: int | None
    wait_minutes: int

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id


class ChoiceIn(StrictSchema):
    text: str
    is_correct: bool = False


class LearningQuestionIn(StrictSchema):
    kind: QuestionKind
    text: str
    choices: list[ChoiceIn]


class QuestionOut(Schema):
    id: int
    kind: str
    text: str


class ChoiceShown(Schema):
    id: int
    text: str


class QuestionShown(Schema):
    id: int
    kind: str
    text: str
    choices: list[ChoiceShown]


class LearningAttemptOut(Schema):
    """An attempt as its learner sees it: the questions and choices shown, never
    which choices are right."""

    id: UUID
    quiz: UUID
    started_at: datetime
    deadline: datetime | None
    submitted_at: datetime | None
    score: int | None
    is_passed: bool
    questions: list[QuestionShown]

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_quiz(obj) -> UUID:
        return obj.quiz.public_id

    @staticmethod
    def resolve_questions(obj) -> list[dict]:
        return selectors.attempt_questions(obj)


class AnswersIn(StrictSchema):
    # {"<question id>": [choice ids]}
    answers: dict[str, list[int]]


class PathOut(Schema):
    id: UUID
    title: str
    summary: str
    audience: UUID
    is_published: bool
    auto_enrol: bool
    courses: list[UUID]

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_audience(obj) -> UUID:
        return obj.audience.public_id

    @staticmethod
    def resolve_courses(obj) -> list[UUID]:
        return [step.course.public_id for step in obj.steps.all()]


class PathIn(StrictSchema):
    class Meta:
        model = LearningPath

    title: str
    audience: UUID
    courses: list[UUID]
    summary: str = ""
    is_published: bool = False
    auto_enrol: bool = False


class PathEnrolmentOut(Schema):
    id: UUID
    path: UUID
    source: str
    completed_at: datetime | None

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_path(obj) -> UUID:
        return obj.path.public_id


class PackageIn(Schema):
    title: str = ""


class PackageOut(Schema):
    id: UUID
    title: str
    entry: str
    file_count: int
    size: int

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id


# --- who reads


def _membership(request, partner: int | None = None):
    """A partner user's membership they act for; None for vendor staff."""
    if request.user.is_vendor_staff:
        return None
    return membership_read_for(user=request.user, partner_id=partner)


def _learner(request, partner: int | None = None):
    """The partner user's membership (vendor staff take no courses: 403)."""
    membership = _membership(request, partner)
    if membership is None:
        raise PermissionDenied
    return membership


def _course(request, course_id: UUID, partner: int | None = None) -> Course:
    membership = _membership(request, partner)
    if membership is None:
        return selectors.course_get(user=request.user, public_id=course_id)
    return selectors.course_for_reader(
        reader=audience_reader(membership=membership), public_id=course_id
    )


def _audience(request, public_id):
    permissions.MANAGE.ensure(request.user)
    return audience_to_choose(public_id)


def _courses_by_id(request, ids, field: str) -> list[Course]:
    found = {
        course.public_id: course
        for course in selectors.courses_for_staff(user=request.user).filter(
            public_id__in=ids
        )
    }
    missing = [str(item) for item in ids if item not in found]
    if missing:
        raise ValidationFailed(
            field_errors={field: [f"No course has the id {', '.join(missing)}."]}
        )
    return [found[item] for item in ids]


def _enrolment(request, course: Course) -> Enrolment:
    enrolment = selectors.enrolment_of(user=request.user, course=course)
    if enrolment is None:
        raise NotFound
    return enrolment


# --- catalogue and courses


@router.list(
    "/learning/courses",
    response=CourseOut,
    summary="List courses (staff: all; partner users: the catalogue for them)",
    description="Partner users see the published courses of their audiences only.",
)
def course_list(request, filters: Query[CourseFilters]):
    narrowed = selectors.CatalogueFilters(
        q=filters.q, product_line=filters.product_line, language=filters.language
    )
    membership = _membership(request, filters.partner)
    if membership is None:
        return selectors.courses_for_staff(user=request.user, filters=narrowed)
    return selectors.catalogue(
        reader=audience_reader(membership=membership), filters=narrowed
    ).select_related("audience")


@router.post(
    "/learning/courses",
    response={201: CourseDetailOut},
    summary="Create a course (channel marketing)",
)
def course_create(request, payload: CourseIn):
    permissions.MANAGE.ensure(request.user)
    course = services.course_create(
        actor=request.user,
        owner=request.user,
        code=payload.code,
        title=payload.title,
        audience=_audience(request, payload.audience),
        summary=payload.summary,
        product_line=payload.product_line,
        language=payload.language,
        is_published=payload.is_published,
        prerequisites=_courses_by_id(request, payload.prerequisites, "prerequisites"),
    )
    return Status(
        201, selectors.course_get(user=request.user, public_id=course.public_id)
    )


@router.get(
    "/learning/courses/{course_id}",
    response=CourseDetailOut,
    summary="A course with its modules and lessons (partner users: only one for them)",
)
def course_get(request, course_id: UUID, reader: Query[ReaderQuery]):
    return _course(request, course_id, reader.partner)


@router.patch(
    "/learning/courses/{course_id}",
    response=CourseDetailOut,
    summary="Change a course (channel marketing)",
)
def course_update(request, course_id: UUID, payload: CoursePatch):
    permissions.MANAGE.ensure(request.user)
    course = selectors.course_get(user=request.user, public_id=course_id)
    changes = payload.model_dump(exclude_unset=True)
    if "audience" in changes:
        changes["audience"] = _audience(request, changes["audience"])
    if "prerequisites" in changes:
        changes["prerequisites"] = _courses_by_id(
            request, changes["prerequisites"] or [], "prerequisites"
        )
    services.course_update(actor=request.user, course=course, **changes)
    return selectors.course_get(user=request.user, public_id=course_id)


@router.post(
    "/learning/courses/{course_id}/modules",
    response={201: ModuleOut},
    summary="Add a module at the end of a course (channel marketing)",
)
def module_create(request, course_id: UUID, payload: ModuleIn):
    permissions.MANAGE.ensure(request.user)
    course = selectors.course_get(user=request.user, public_id=course_id)
    return Status(
        201,
        services.module_create(actor=request.user, course=course, title=payload.title),
    )


@router.post(
    "/learning/modules/{module_id}/lessons",
    response={201: LessonOut},
    summary="Add a lesson at the end of a module (channel marketing)",
    description="Text (sanitised), link, SCORM package or quiz; a file lesson is "
    "uploaded in the console.",
)
def lesson_create(request, module_id: int, payload: LessonIn):
    permissions.MANAGE.ensure(request.user)
    module = selectors.module_get(user=request.user, pk=module_id)
    package = None
    if payload.scorm_package is not None:
        package = (
            selectors.packages_for_staff(user=request.user)
            .filter(public_id=payload.scorm_package)
            .first()
        )
        if package is None:
            raise ValidationFailed(
                field_errors={"scorm_package": ["No package has this id."]}
            )
    quiz = None
    if payload.quiz is not None:
        quiz = (
            selectors.quizzes_for_staff(user=request.user)
            .filter(public_id=payload.quiz)
            .first()
        )
        if quiz is None:
            raise ValidationFailed(field_errors={"quiz": ["No quiz has this id."]})
    lesson = services.lesson_create(
        actor=request.user,
        module=module,
        kind=payload.kind,
        title=payload.title,
        body=payload.body,
        url=payload.url,
        scorm_package=package,
        quiz=quiz,
    )
    return Status(201, lesson)


@router.delete(
    "/learning/lessons/{lesson_id}",
    response={204: None},
    summary="Remove a lesson (channel marketing)",
)
def lesson_delete(request, lesson_id: UUID):
    permissions.MANAGE.ensure(request.user)
    lesson = selectors.lesson_get(user=request.user, public_id=lesson_id)
    services.lesson_delete(actor=request.user, lesson=lesson)
    return Status(204, None)


# --- enrolment and progress


@router.post(
    "/learning/courses/{course_id}/enrol",
    response={201: LearningEnrolmentOut},
    summary="Enrol in a course (oneself, or a colleague as their partner admin)",
)
def course_enrol(
    request, course_id: UUID, payload: LearningEnrolIn, reader: Query[ReaderQuery]
):
    return _enrol(
        request,
        payload,
        reader,
        find=lambda audience_reader: selectors.course_for_reader(
            reader=audience_reader, public_id=course_id
        ),
        enrol=lambda **kwargs: services.course_enrol(
            course=kwargs.pop("row"), **kwargs
        ),
    )


def _enrol(request, payload, reader, *, find, enrol):
    """Enrol the caller, or a colleague as their partner admin, in what ``find``
    finds through the learner's audiences (else 404)."""
    membership = _learner(request, reader.partner)
    learner = _colleague(request, payload.learner, membership)
    row = find(_reader_for(learner, membership))
    return Status(
        201,
        enrol(
            actor=request.user,
            row=row,
            partner_id=membership.partner_id,
            learner=learner,
        ),
    )


def _colleague(request, public_id, membership):
    """The colleague a partner admin enrols (None: the caller)."""
    if public_id is None:
        return None
    permissions.ENROL_TEAM.ensure(request.user, partner_id=membership.partner_id)
    learner = User.objects.filter(public_id=public_id, is_active=True).first()
    if learner is None:
        raise ValidationFailed(field_errors={"learner": ["No user has this id."]})
    return learner


def _reader_for(learner, membership):
    """The audience reader of the learner (a colleague's own roles count)."""
    if learner is None or learner.pk == membership.user_id:
        return audience_reader(membership=membership)
    theirs = Membership.objects.filter(
        user=learner, partner_id=membership.partner_id, is_active=True
    ).first()
    if theirs is None:
        raise NotFound
    return audience_reader(membership=theirs)


@router.list(
    "/learning/enrolments",
    response=LearningEnrolmentOut,
    summary="Enrolments: a partner user's own; vendor staff those of their partners",
)
def enrolment_list(request, reader: Query[ReaderQuery]):
    membership = _membership(request, reader.partner)
    if membership is None:
        return selectors.enrolments_for_staff(user=request.user)
    return selectors.my_enrolments(
        user=request.user, partner_id=membership.partner_id
    ).select_related("user")


@router.get(
    "/learning/courses/{course_id}/progress",
    response=ProgressOut,
    summary="The caller's progress in a course: lessons done, time, where to resume",
)
def course_progress(request, course_id: UUID, reader: Query[ReaderQuery]):
    _learner(request, reader.partner)
    course = _course(request, course_id, reader.partner)
    enrolment = _enrolment(request, course)
    lessons = selectors.lessons_in_order(selectors.outline(course))
    progress = selectors.progress_of(enrolment)
    done = {pk for pk, item in progress.items() if item.completed_at}
    resume = selectors.resume_lesson(enrolment, lessons, done)
    return {
        "enrolment": enrolment,
        "lessons": [
            {
                "lesson": lesson.public_id,
                "title": lesson.title,
                "kind": lesson.kind,
                "is_done": lesson.pk in done,
                "seconds_spent": progress[lesson.pk].seconds_spent
                if lesson.pk in progress
                else 0,
            }
            for lesson in lessons
        ],
        "next_lesson": resume.public_id if resume else None,
    }


@router.post(
    "/learning/courses/{course_id}/lessons/{lesson_id}/complete",
    response=ProgressOut,
    summary="Mark a text, file or link lesson done (the caller's own enrolment)",
    description="A quiz lesson is done by passing its quiz, a SCORM lesson when its "
    "runtime reports it completed or passed (409 here).",
)
def lesson_complete(
    request,
    course_id: UUID,
    lesson_id: UUID,
    payload: CompleteIn,
    reader: Query[ReaderQuery],
):
    _learner(request, reader.partner)
    course = _course(request, course_id, reader.partner)
    enrolment = _enrolment(request, course)
    lesson = selectors.lesson_for_enrolment(enrolment=enrolment, public_id=lesson_id)
    services.lesson_complete(
        actor=request.user, enrolment=enrolment, lesson=lesson, seconds=payload.seconds
    )
    return course_progress(request, course_id, reader)


# --- quizzes


@router.post(
    "/learning/courses/{course_id}/lessons/{lesson_id}/attempts",
    response={201: LearningAttemptOut},
    summary="Start an attempt at a quiz lesson (or get the one still open)",
    description="Refused (409) beyond the attempts allowed or before the wait "
    "between attempts is over. The questions come without their right answers.",
)
def attempt_start(
    request, course_id: UUID, lesson_id: UUID, reader: Query[ReaderQuery]
):
    membership = _learner(request, reader.partner)
    course = _course(request, course_id, reader.partner)
    enrolment = _enrolment(request, course)
    lesson = selectors.lesson_for_enrolment(enrolment=enrolment, public_id=lesson_id)
    if lesson.kind != LessonKind.QUIZ:
        raise NotFound
    attempt = services.quiz_attempt_start(
        actor=request.user,
        quiz=lesson.quiz,
        partner_id=membership.partner_id,
        enrolment=enrolment,
        lesson=lesson,
    )
    return Status(201, attempt)


@router.get(
    "/learning/attempts/{attempt_id}",
    response=LearningAttemptOut,
    summary="One of the caller's quiz attempts",
)
def attempt_get(request, attempt_id: UUID):
    return selectors.attempt_for_learner(user=request.user, public_id=attempt_id)


@router.post(
    "/learning/attempts/{attempt_id}/submit",
    response=LearningAttemptOut,
    summary="Submit the answers of an attempt: graded on the server",
    description="`answers` maps each drawn question's id to the chosen choice ids. "
    "Refused: after the time limit or a second time (409), answers to questions "
    "not drawn (422); a refusal changes nothing.",
)
def attempt_submit(request, attempt_id: UUID, payload: AnswersIn):
    attempt = selectors.attempt_for_learner(user=request.user, public_id=attempt_id)
    enrolment = None
    if attempt.lesson_id:
        enrolment = selectors.enrolment_of(
            user=request.user, course=attempt.lesson.module.course
        )
    return services.quiz_attempt_submit(
        actor=request.user,
        attempt=attempt,
        answers=payload.answers,
        enrolment=enrolment,
    )


@router.post(
    "/learning/quizzes",
    response={201: QuizOut},
    summary="Create a quiz (channel marketing)",
)
def quiz_create(request, payload: QuizIn):
    permissions.MANAGE.ensure(request.user)
    return Status(201, services.quiz_create(actor=request.user, **payload.model_dump()))


@router.post(
    "/learning/quizzes/{quiz_id}/questions",
    response={201: QuestionOut},
    summary="Add a question to a quiz's bank (channel marketing)",
)
def question_add(request, quiz_id: UUID, payload: LearningQuestionIn):
    permissions.MANAGE.ensure(request.user)
    quiz = selectors.quiz_get(user=request.user, public_id=quiz_id)
    question = services.question_add(
        actor=request.user,
        quiz=quiz,
        kind=payload.kind,
        text=payload.text,
        choices=[(choice.text, choice.is_correct) for choice in payload.choices],
    )
    return Status(201, question)


# --- SCORM packages


@router.post(
    "/learning/scorm-packages",
    response={201: PackageOut},
    summary="Upload a SCORM 1.2 package: a multipart `file` (channel marketing)",
    description="The zip is checked whole before anything is stored: an "
    "imsmanifest.xml at its root that is well-formed and names a launch file in "
    "the package, no path outside it, no links, size and file-count limits.",
)
def package_upload(
    request, payload: Form[PackageIn], file: UploadedFile | None = OPTIONAL_FILE
):
    permissions.MANAGE.ensure(request.user)
    package = services.scorm_package_upload(
        actor=request.user, file=file, title=payload.title
    )
    return Status(201, package)


# --- paths


@router.list(
    "/learning/paths",
    response=PathOut,
    summary="Learning paths (staff: all; partner users: those for them)",
)
def path_list(request, reader: Query[ReaderQuery]):
    membership = _membership(request, reader.partner)
    if membership is None:
        paths = selectors.paths_for_staff(user=request.user)
    else:
        paths = selectors.paths_for_reader(
            reader=audience_reader(membership=membership)
        )
    return paths.select_related("audience").prefetch_related("steps__course")


@router.post(
    "/learning/paths",
    response={201: PathOut},
    summary="Create a learning path: courses in order, each requiring the one "
    "before (channel marketing)",
)
def path_create(request, payload: PathIn):
    permissions.MANAGE.ensure(request.user)
    path = services.path_create(
        actor=request.user,
        title=payload.title,
        summary=payload.summary,
        audience=_audience(request, payload.audience),
        is_published=payload.is_published,
        auto_enrol=payload.auto_enrol,
        courses=_courses_by_id(request, payload.courses, "courses"),
    )
    return Status(201, path)


@router.post(
    "/learning/paths/{path_id}/enrol",
    response={201: PathEnrolmentOut},
    summary="Enrol in a path and its courses (oneself, or a colleague as their "
    "partner admin)",
)
def path_enrol(
    request, path_id: UUID, payload: LearningEnrolIn, reader: Query[ReaderQuery]
):
    return _enrol(
        request,
        payload,
        reader,
        find=lambda audience_reader: selectors.path_for_reader(
            reader=audience_reader, public_id=path_id
        ),
        enrol=lambda row, **kwargs: services.path_enrol(path=row, **kwargs),
    )


# --- reports


class ReportQuery(StrictSchema):
    months: int = Field(
        reports.DEFAULT_MONTHS, description="Look back 3, 6, 12 or 24 months"
    )
    course: UUID | None = Field(None, description="Only this course")
    product_line: str = Field("", description="Only courses of this product line")
    region: str = Field("", description="Only partners of this region")


class CourseCompletionsOut(Schema):
    course: UUID
    code: str
    title: str
    enrolled: int
    completed: int
    completion_rate: int | None = Field(description="%, null when nobody enrolled")


class PartnerCompletionsOut(Schema):
    partner: UUID
    name: str
    enrolled: int
    completed: int
    completion_rate: int | None


class MonthCompletionsOut(Schema):
    month: str
    completed: int


class CompletionsOut(Schema):
    since: str
    completed: int
    by_course: list[CourseCompletionsOut]
    by_partner: list[PartnerCompletionsOut]
    by_month: list[MonthCompletionsOut]


class QuizPassRateOut(Schema):
    quiz: UUID
    title: str
    attempts: int
    passed: int
    pass_rate: int | None
    learners: int
    learners_passed: int


def _report_filters(request, query: ReportQuery) -> reports.ReportFilters:
    problems = {}
    if query.months not in reports.PERIODS:
        problems["months"] = [
            "Give one of " + ", ".join(str(months) for months in reports.PERIODS)
        ]
    if query.region and query.region not in Region.values:
        problems["region"] = ["Not a region: " + ", ".join(Region.values)]
    course = None
    if query.course is not None:
        course = (
            reports.courses_for_filter(user=request.user)
            .filter(public_id=query.course)
            .first()
        )
        if course is None:
            problems["course"] = ["No such course."]
    if problems:
        raise ValidationFailed(field_errors=problems)
    return reports.ReportFilters(
        months=query.months,
        course=course,
        product_line=query.product_line,
        region=query.region,
    )


@router.get(
    "/learning/reports/completions",
    response=CompletionsOut,
    summary="Enrolments and completions by course, by partner and by month "
    "(vendor staff; the partners in their scope)",
)
def report_completions(request, query: Query[ReportQuery]):
    permissions.READ.ensure(request.user)
    figures = reports.completions(
        user=request.user,
        filters=_report_filters(request, query),
        limit=reports.EXPORT_ROWS,
    )
    return {
        "since": figures["since"].isoformat(),
        "completed": figures["completed"],
        "by_course": [
            {
                "course": row["public_id"],
                "code": row["code"],
                "title": row["label"],
                "enrolled": row["enrolled"],
                "completed": row["completed"],
                "completion_rate": row["rate"],
            }
            for row in figures["by_course"]
        ],
        "by_partner": [
            {
                "partner": row["public_id"],
                "name": row["label"],
                "enrolled": row["enrolled"],
                "completed": row["completed"],
                "completion_rate": row["rate"],
            }
            for row in figures["by_partner"]
        ],
        "by_month": [
            {"month": row["month"].strftime("%Y-%m"), "completed": row["completed"]}
            for row in figures["by_month"]
        ],
    }


@router.list(
    "/learning/reports/quiz-pass-rates",
    response=QuizPassRateOut,
    summary="Per quiz: attempts submitted, passed, pass rate and learners "
    "(vendor staff; the partners in their scope)",
)
def report_quiz_pass_rates(request, query: Query[ReportQuery]):
    """Most attempts first; paged (it grows with the quizzes); `count` counts the
    quizzes attempted."""
    permissions.READ.ensure(request.user)
    filters = _report_filters(request, query)
    return Page(
        reports.quiz_pass_rate_groups(user=request.user, filters=filters),
        _quiz_pass_rate_out,
        counted=reports.quizzes_attempted(user=request.user, filters=filters),
    )


def _quiz_pass_rate_out(groups) -> list[dict]:
    return [
        {
            "quiz": row["public_id"],
            "title": row["label"],
            "attempts": row["attempts"],
            "passed": row["passed"],
            "pass_rate": row["rate"],
            "learners": row["learners"],
            "learners_passed": row["learners_passed"],
        }
        for row in reports.quiz_pass_rate_rows(groups)
    ]


# --- a partner admin's team


class TeamProgressOut(LearningEnrolmentOut):
    learner_name: str
    lessons_done: int
    lesson_count: int

    @staticmethod
    def resolve_learner_name(obj) -> str:
        return obj.user.get_full_name()


class TeamQuery(ReaderQuery):
    status: str = Field("", description='"open", "completed" or "" for every one')


@router.list(
    "/learning/team-progress",
    response=TeamProgressOut,
    summary="A partner admin's organisation: every colleague's enrolments and progress",
)
def team_progress(request, query: Query[TeamQuery]):
    partner_id = permissions.ENROL_TEAM.acting_partner_id(
        request.user,
        query.partner,
        refusal="Say which of your organisations this is for.",
    )
    if query.status not in ("", "open", "completed"):
        raise ValidationFailed(
            field_errors={"status": ['Give "open", "completed" or nothing.']}
        )
    return selectors.team_progress(
        user=request.user, partner_id=partner_id, status=query.status
    )
