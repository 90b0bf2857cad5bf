"""Writes of enablement: course, quiz, package and path authoring (channel
marketing; audited, with events), and the learners' side — enrolments, lessons
done, quiz attempts, SCORM runtime commits, completions (events).

Learners reach a course or a path only through its audience: the services take
the row a selector found for the learner's reader, so a course outside it is
never enrolled in.
"""

import itertools
import random
import re
import uuid
import zipfile
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core import audit, events, uploads
from openprm.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from openprm.core.sanitise import clean_html
from openprm.learning import permissions, quizzes, scorm
from openprm.learning.choices import EnrolmentSource, LessonKind, QuestionKind
from openprm.learning.models import (
    Choice,
    Course,
    Enrolment,
    LearningPath,
    Lesson,
    LessonProgress,
    Module,
    PathCourse,
    PathEnrolment,
    Question,
    Quiz,
    QuizAttempt,
    ScormAttempt,
    ScormPackage,
)

COURSE_FIELDS = (
    "code",
    "title",
    "summary",
    "product_line",
    "language",
    "audience",
    "is_published",
    "owner",
)
LESSON_FIELDS = ("title", "kind", "body", "url", "file_name", "scorm_package", "quiz")
QUIZ_FIELDS = (
    "title",
    "questions_per_attempt",
    "pass_mark",
    "time_limit_minutes",
    "max_attempts",
    "wait_minutes",
)
PATH_FIELDS = ("title", "summary", "audience", "is_published", "auto_enrol")
# A submission this late after the deadline is still on time (the network).
SUBMIT_GRACE = timedelta(seconds=30)
# SCORM 1.2 vocabularies and types (cmi.core.lesson_status, CMITimespan).
SCORM_STATUSES = {"passed", "completed", "failed", "incomplete", "browsed"}
SCORM_DONE = {"passed", "completed"}
_TIMESPAN = re.compile(r"^(\d{2,4}):(\d{2}):(\d{2})(\.\d{1,2})?$")
SUSPEND_DATA_MAX = 4096


def _problems(problems: dict) -> None:
    if problems:
        raise ValidationFailed(
            field_errors={key: [str(value)] for key, value in problems.items()}
        )


def course_payload(course: Course, *, user_id: int, partner_id: int) -> dict:
    """What ``course.enrolled`` and ``course.completed`` carry."""
    return {
        "course": str(course.public_id),
        "code": course.code,
        "user": user_id,
        "partner": partner_id,
    }


# --- authoring: courses, modules, lessons


def _check_course(values: dict) -> None:
    problems = {}
    if not (values.get("title") or "").strip():
        problems["title"] = _("Give the course a title.")
    if not re.fullmatch(r"[-a-z0-9_]+", values.get("code") or ""):
        problems["code"] = _("A code is lower-case letters, digits and dashes.")
    if values.get("audience") is None:
        problems["audience"] = _("Choose who the course is for.")
    _problems(problems)


@transaction.atomic
def course_create(*, actor, prerequisites=(), **values) -> Course:
    """A course (a draft unless ``is_published``)."""
    permissions.MANAGE.ensure(actor)
    values = {key: values[key] for key in COURSE_FIELDS if key in values}
    values["code"] = (values.get("code") or "").strip().lower()
    _check_course(values)
    if Course.objects.filter(code=values["code"]).exists():
        raise ValidationFailed(
            field_errors={"code": [str(_("Another course has this code."))]}
        )
    course = Course.objects.create(**values)
    if prerequisites:
        course.prerequisites.set(prerequisites)
    audit.record_create(
        actor=actor, instance=course, fields=COURSE_FIELDS, verb="course.created"
    )
    events.emit(
        "course.created",
        payload={"course": str(course.public_id), "code": course.code},
        actor=actor,
    )
    return course


@transaction.atomic
def course_update(*, actor, course: Course, prerequisites=None, **changes) -> Course:
    permissions.MANAGE.ensure(actor)
    before = audit.snapshot(course, COURSE_FIELDS)
    for key in COURSE_FIELDS:
        if key in changes:
            setattr(course, key, changes[key])
    course.code = (course.code or "").strip().lower()
    _check_course({key: getattr(course, key) for key in COURSE_FIELDS})
    if Course.objects.filter(code=course.code).exclude(pk=course.pk).exists():
        raise ValidationFailed(
            field_errors={"code": [str(_("Another course has this code."))]}
        )
    if prerequisites is not None:
        if any(item.pk == course.pk for item in prerequisites):
            raise ValidationFailed(
                field_errors={
                    "prerequisites": [str(_("A course cannot require itself."))]
                }
            )
        course.prerequisites.set(prerequisites)
    course.save()
    audit.record_change(
        actor=actor, instance=course, before=before, verb="course.updated"
    )
    events.emit(
        "course.updated",
        payload={"course": str(course.public_id), "code": course.code},
        actor=actor,
    )
    return course


def _next_position(queryset) -> int:
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


@transaction.atomic
def module_create(*, actor, course: Course, title: str) -> Module:
    permissions.MANAGE.ensure(actor)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(field_errors={"title": [str(_("Name the module."))]})
    module = Module.objects.create(
        course=course, title=title, position=_next_position(course.modules.all())
    )
    audit.record_create(
        actor=actor,
        instance=module,
        fields=["course", "title", "position"],
        verb="course.module_created",
    )
    return module


@transaction.atomic
def module_move(*, actor, module: Module, offset: int) -> Module:
    """Swap the module with its neighbour before (-1) or after (+1)."""
    permissions.MANAGE.ensure(actor)
    return _move(actor, module, Module.objects.filter(course=module.course_id), offset)


@transaction.atomic
def lesson_move(*, actor, lesson: Lesson, offset: int) -> Lesson:
    permissions.MANAGE.ensure(actor)
    return _move(actor, lesson, Lesson.objects.filter(module=lesson.module_id), offset)


def _move(actor, row, siblings, offset: int):
    ordered = list(siblings.order_by("position", "id"))
    index = next(i for i, item in enumerate(ordered) if item.pk == row.pk)
    target = index + (1 if offset > 0 else -1)
    if not 0 <= target < len(ordered):
        return row
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            before = audit.snapshot(item, ["position"])
            item.position = position
            item.save(update_fields=["position", "updated_at"])
            audit.record_change(
                actor=actor, instance=item, before=before, verb="course.reordered"
            )
    row.refresh_from_db()
    return row


def _check_lesson(kind: str, values: dict, *, has_file: bool) -> None:
    problems = {}
    if kind not in LessonKind.values:
        problems["kind"] = _("Choose what kind of lesson this is.")
    if not (values.get("title") or "").strip():
        problems["title"] = _("Give the lesson a title.")
    if kind == LessonKind.TEXT and not (values.get("body") or "").strip():
        problems["body"] = _("A text lesson needs its text.")
    if kind == LessonKind.LINK and not values.get("url"):
        problems["url"] = _("A link needs its address.")
    if kind == LessonKind.FILE and not has_file:
        problems["file"] = _("Upload the file.")
    if kind == LessonKind.SCORM and values.get("scorm_package") is None:
        problems["scorm_package"] = _("Choose the SCORM package.")
    if kind == LessonKind.QUIZ and values.get("quiz") is None:
        problems["quiz"] = _("Choose the quiz.")
    _problems(problems)


def _store_file(lesson: Lesson, file) -> None:
    found = uploads.validate_upload(file, field="file")
    lesson.file_name = getattr(file, "name", "")[:255] or "file"
    lesson.file_type = found.content_type
    lesson.file_size = file.size
    lesson.file.save(lesson.file_name, file, save=False)


@transaction.atomic
def lesson_create(
    *, actor, module: Module, kind: str, title: str, file=None, **values
) -> Lesson:
    """A lesson at the end of ``module``; a file is checked by its content
    (``core.uploads``) before it is stored, a text is sanitised."""
    permissions.MANAGE.ensure(actor)
    values["title"] = title
    _check_lesson(kind, values, has_file=bool(file))
    lesson = Lesson(
        module=module,
        kind=kind,
        title=title.strip(),
        position=_next_position(module.lessons.all()),
        body=clean_html(values.get("body", "")) if kind == LessonKind.TEXT else "",
        url=values.get("url", "") if kind == LessonKind.LINK else "",
        scorm_package=values.get("scorm_package") if kind == LessonKind.SCORM else None,
        quiz=values.get("quiz") if kind == LessonKind.QUIZ else None,
    )
    if kind == LessonKind.FILE:
        _store_file(lesson, file)
    lesson.save()
    audit.record_create(
        actor=actor, instance=lesson, fields=LESSON_FIELDS, verb="course.lesson_created"
    )
    return lesson


@transaction.atomic
def lesson_update(*, actor, lesson: Lesson, file=None, **changes) -> Lesson:
    """A lesson's title and content (its kind stays)."""
    permissions.MANAGE.ensure(actor)
    before = audit.snapshot(lesson, LESSON_FIELDS)
    for key in ("title", "body", "url", "scorm_package", "quiz"):
        if key in changes:
            setattr(lesson, key, changes[key])
    values = {key: getattr(lesson, key) for key in LESSON_FIELDS}
    _check_lesson(lesson.kind, values, has_file=bool(file or lesson.file))
    lesson.body = clean_html(lesson.body) if lesson.kind == LessonKind.TEXT else ""
    if file:
        _store_file(lesson, file)
    lesson.save()
    audit.record_change(
        actor=actor, instance=lesson, before=before, verb="course.lesson_updated"
    )
    return lesson


@transaction.atomic
def lesson_delete(*, actor, lesson: Lesson) -> None:
    permissions.MANAGE.ensure(actor)
    audit.record_delete(
        actor=actor, instance=lesson, fields=LESSON_FIELDS, verb="course.lesson_deleted"
    )
    lesson.delete()


# --- authoring: quizzes


def _check_quiz(values: dict) -> None:
    problems = {}
    if not (values.get("title") or "").strip():
        problems["title"] = _("Give the quiz a title.")
    if not 0 <= (values.get("pass_mark") or 0) <= 100:
        problems["pass_mark"] = _("A pass mark is between 0 and 100 percent.")
    if (values.get("questions_per_attempt") or 0) < 1:
        problems["questions_per_attempt"] = _("Draw at least one question.")
    _problems(problems)


@transaction.atomic
def quiz_create(*, actor, **values) -> Quiz:
    permissions.MANAGE.ensure(actor)
    values = {key: values[key] for key in QUIZ_FIELDS if key in values}
    _check_quiz(values)
    quiz = Quiz.objects.create(**values)
    audit.record_create(
        actor=actor, instance=quiz, fields=QUIZ_FIELDS, verb="quiz.created"
    )
    return quiz


@transaction.atomic
def quiz_update(*, actor, quiz: Quiz, **changes) -> Quiz:
    permissions.MANAGE.ensure(actor)
    before = audit.snapshot(quiz, QUIZ_FIELDS)
    for key in QUIZ_FIELDS:
        if key in changes:
            setattr(quiz, key, changes[key])
    _check_quiz({key: getattr(quiz, key) for key in QUIZ_FIELDS})
    quiz.save()
    audit.record_change(actor=actor, instance=quiz, before=before, verb="quiz.updated")
    return quiz


@transaction.atomic
def question_add(
    *, actor, quiz: Quiz, kind: str, text: str, choices: list[tuple[str, bool]]
) -> Question:
    """A question of the bank with its choices (text, right or not): a single
    choice or true/false question has exactly one right answer, a multiple
    choice one at least one."""
    permissions.MANAGE.ensure(actor)
    if kind == QuestionKind.TRUE_FALSE and not choices:
        raise ValidationFailed(
            field_errors={"choices": [str(_("Say whether it is true or false."))]}
        )
    choices = [(str(label).strip(), bool(right)) for label, right in choices]
    choices = [(label, right) for label, right in choices if label]
    problems = {}
    if kind not in QuestionKind.values:
        problems["kind"] = _("Choose the kind of question.")
    if not (text or "").strip():
        problems["text"] = _("Write the question.")
    rights = sum(1 for _label, right in choices if right)
    if len(choices) < 2:
        problems["choices"] = _("Offer at least two answers.")
    elif kind == QuestionKind.MULTIPLE and rights < 1:
        problems["choices"] = _("Mark at least one answer right.")
    elif kind != QuestionKind.MULTIPLE and rights != 1:
        problems["choices"] = _("Mark exactly one answer right.")
    _problems(problems)
    question = Question.objects.create(
        quiz=quiz,
        kind=kind,
        text=text.strip(),
        position=_next_position(quiz.questions.all()),
    )
    Choice.objects.bulk_create(
        Choice(question=question, text=label[:500], is_correct=right, position=index)
        for index, (label, right) in enumerate(choices, start=1)
    )
    audit.record_create(
        actor=actor,
        instance=question,
        fields=["quiz", "kind", "text"],
        verb="quiz.question_added",
    )
    return question


def true_false_choices(*, is_true: bool) -> list[tuple[str, bool]]:
    return [(str(_("True")), is_true), (str(_("False")), not is_true)]


# --- authoring: SCORM packages


@transaction.atomic
def scorm_package_upload(*, actor, file, title: str = "") -> ScormPackage:
    """A SCORM 1.2 zip checked whole (manifest, paths, links, limits) before any
    file is stored, then unpacked into storage under a prefix of its own."""
    permissions.MANAGE.ensure(actor)
    if not file:
        raise ValidationFailed(field_errors={"file": [str(_("Upload the zip."))]})
    checked = scorm.check_package(file)
    prefix = f"learning/scorm/{uuid.uuid4().hex}"
    file.seek(0)
    stored: list[str] = []
    try:
        with zipfile.ZipFile(file) as archive:
            for name, path in checked.members:
                stored.append(
                    default_storage.save(
                        f"{prefix}/{path}", ContentFile(archive.read(name))
                    )
                )
    except Exception:
        for name in stored:
            default_storage.delete(name)
        raise
    package = ScormPackage.objects.create(
        title=(title or checked.manifest.title or checked.manifest.identifier)[:200],
        identifier=checked.manifest.identifier[:200],
        entry=checked.manifest.entry,
        storage_prefix=prefix,
        file_count=len(checked.members),
        size=checked.size,
        uploaded_by=actor,
    )
    audit.record_create(
        actor=actor,
        instance=package,
        fields=["title", "identifier", "entry", "file_count", "size"],
        verb="scorm_package.uploaded",
    )
    return package


# --- authoring: paths


@transaction.atomic
def path_create(*, actor, courses=(), **values) -> LearningPath:
    permissions.MANAGE.ensure(actor)
    values = {key: values[key] for key in PATH_FIELDS if key in values}
    problems = {}
    if not (values.get("title") or "").strip():
        problems["title"] = _("Give the path a title.")
    if values.get("audience") is None:
        problems["audience"] = _("Choose who the path is for.")
    _problems(problems)
    path = LearningPath.objects.create(**values)
    _set_courses(path, courses)
    audit.record_create(
        actor=actor, instance=path, fields=PATH_FIELDS, verb="path.created"
    )
    return path


@transaction.atomic
def path_update(*, actor, path: LearningPath, courses=None, **changes) -> LearningPath:
    permissions.MANAGE.ensure(actor)
    before = audit.snapshot(path, PATH_FIELDS)
    for key in PATH_FIELDS:
        if key in changes:
            setattr(path, key, changes[key])
    if not (path.title or "").strip():
        raise ValidationFailed(
            field_errors={"title": [str(_("Give the path a title."))]}
        )
    path.save()
    if courses is not None:
        _set_courses(path, courses)
    audit.record_change(actor=actor, instance=path, before=before, verb="path.updated")
    return path


def _set_courses(path: LearningPath, courses) -> None:
    """The path's courses in this order; each course after the first requires the
    one before it (the path's prerequisites)."""
    courses = list(dict.fromkeys(courses))
    path.steps.all().delete()
    PathCourse.objects.bulk_create(
        PathCourse(path=path, course=course, position=index)
        for index, course in enumerate(courses, start=1)
    )
    for before, after in itertools.pairwise(courses):
        after.prerequisites.add(before)


# --- learners: enrolments


def _membership_partner_check(user, partner_id: int) -> None:
    from openprm.tenancy.models import Membership

    if not Membership.objects.filter(
        user=user, partner_id=partner_id, is_active=True
    ).exists():
        raise NotFound


@transaction.atomic
def course_enrol(
    *,
    actor,
    course: Course,
    partner_id: int,
    learner=None,
    source: str = EnrolmentSource.SELF,
) -> Enrolment:
    """Enrol ``learner`` (the actor by default) in a course their reader may see
    (the caller found ``course`` through the learner's audience); a partner admin
    enrols colleagues of their organisation. Enrolling twice returns the first."""
    learner = learner or actor
    if learner.pk != actor.pk:
        permissions.ENROL_TEAM.ensure(actor, partner_id=partner_id)
        _membership_partner_check(learner, partner_id)
        if source == EnrolmentSource.SELF:
            source = EnrolmentSource.ADMIN
    found = Enrolment.objects.filter(user=learner, course=course).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                user=learner,
                course=course,
                partner_id=partner_id,
                source=source,
                enrolled_by=actor,
            )
    except IntegrityError:
        return Enrolment.objects.get(user=learner, course=course)
    audit.record_create(
        actor=actor,
        instance=enrolment,
        fields=["user", "course", "source"],
        verb="course.enrolled",
    )
    events.emit(
        "course.enrolled",
        payload=course_payload(course, user_id=learner.pk, partner_id=partner_id),
        actor=actor,
        partner_id=partner_id,
    )
    return enrolment


def missing_prerequisites(*, enrolment: Enrolment) -> list[Course]:
    """The prerequisites of the enrolment's course its learner has not completed."""
    required = list(enrolment.course.prerequisites.all())
    if not required:
        return []
    done = set(
        Enrolment.objects.filter(
            user_id=enrolment.user_id,
            course__in=required,
            completed_at__isnull=False,
        ).values_list("course_id", flat=True)
    )
    return [course for course in required if course.pk not in done]


def _ensure_own(actor, enrolment: Enrolment) -> None:
    if enrolment.user_id != actor.pk:
        raise NotFound


def _ensure_startable(enrolment: Enrolment) -> None:
    missing = missing_prerequisites(enrolment=enrolment)
    if missing:
        raise Conflict(
            _("Complete %(courses)s first.")
            % {"courses": ", ".join(course.title for course in missing)}
        )


def _lesson_of(enrolment: Enrolment, lesson: Lesson) -> None:
    if lesson.module.course_id != enrolment.course_id:
        raise NotFound


@transaction.atomic
def lesson_open(*, actor, enrolment: Enrolment, lesson: Lesson) -> LessonProgress:
    """The learner opens a lesson: where they resume next time; refused while a
    prerequisite course is not complete."""
    _ensure_own(actor, enrolment)
    _lesson_of(enrolment, lesson)
    _ensure_startable(enrolment)
    progress, _created = LessonProgress.objects.get_or_create(
        enrolment=enrolment, lesson=lesson
    )
    if enrolment.last_lesson_id != lesson.pk:
        enrolment.last_lesson = lesson
        enrolment.save(update_fields=["last_lesson", "updated_at"])
    return progress


# The longest time one report of a lesson page may add (a tab left open).
MAX_SECONDS_PER_REPORT = 4 * 3600


@transaction.atomic
def lesson_time_add(
    *, actor, enrolment: Enrolment, lesson: Lesson, seconds: int
) -> None:
    _ensure_own(actor, enrolment)
    _lesson_of(enrolment, lesson)
    seconds = max(0, min(int(seconds), MAX_SECONDS_PER_REPORT))
    LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    LessonProgress.objects.filter(enrolment=enrolment, lesson=lesson).update(
        seconds_spent=F("seconds_spent") + seconds
    )


def lesson_complete(
    *, actor, enrolment: Enrolment, lesson: Lesson, seconds: int = 0, now=None
) -> LessonProgress:
    """The learner marks a text, file or link lesson done (a quiz is done by
    passing it, a SCORM package when its runtime reports it completed)."""
    if lesson.kind in (LessonKind.QUIZ, LessonKind.SCORM):
        raise Conflict(
            _("This lesson is done when its quiz is passed or its package completed.")
        )
    return _lesson_done(
        actor=actor, enrolment=enrolment, lesson=lesson, seconds=seconds, now=now
    )


@transaction.atomic
def _lesson_done(*, actor, enrolment, lesson, seconds: int = 0, now=None):
    _ensure_own(actor, enrolment)
    _lesson_of(enrolment, lesson)
    _ensure_startable(enrolment)
    now = now or timezone.now()
    progress, _created = LessonProgress.objects.get_or_create(
        enrolment=enrolment, lesson=lesson
    )
    seconds = max(0, min(int(seconds or 0), MAX_SECONDS_PER_REPORT))
    updated = LessonProgress.objects.filter(
        pk=progress.pk, completed_at__isnull=True
    ).update(completed_at=now, seconds_spent=F("seconds_spent") + seconds)
    progress.refresh_from_db()
    if updated:
        _complete_course_if_done(actor=actor, enrolment=enrolment, now=now)
    return progress


def _complete_course_if_done(*, actor, enrolment: Enrolment, now) -> None:
    lesson_ids = set(
        Lesson.objects.filter(module__course=enrolment.course_id).values_list(
            "pk", flat=True
        )
    )
    done = set(
        LessonProgress.objects.filter(
            enrolment=enrolment, completed_at__isnull=False
        ).values_list("lesson_id", flat=True)
    )
    if not lesson_ids or not lesson_ids <= done:
        return
    completed = Enrolment.objects.filter(
        pk=enrolment.pk, completed_at__isnull=True
    ).update(completed_at=now, updated_at=now)
    if not completed:
        return
    enrolment.completed_at = now
    events.emit(
        "course.completed",
        payload=course_payload(
            enrolment.course,
            user_id=enrolment.user_id,
            partner_id=enrolment.partner_id,
        ),
        actor=actor,
        partner_id=enrolment.partner_id,
    )
    _complete_paths(actor=actor, user_id=enrolment.user_id, now=now)


def _complete_paths(*, actor, user_id: int, now) -> None:
    done = set(
        Enrolment.objects.filter(
            user_id=user_id, completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )
    for path_enrolment in PathEnrolment.objects.filter(
        user_id=user_id, completed_at__isnull=True
    ).select_related("path"):
        wanted = set(path_enrolment.path.steps.values_list("course_id", flat=True))
        if not wanted or not wanted <= done:
            continue
        if PathEnrolment.objects.filter(
            pk=path_enrolment.pk, completed_at__isnull=True
        ).update(completed_at=now, updated_at=now):
            events.emit(
                "path.completed",
                payload={
                    "path": str(path_enrolment.path.public_id),
                    "user": user_id,
                    "partner": path_enrolment.partner_id,
                },
                actor=actor,
                partner_id=path_enrolment.partner_id,
            )


# --- learners: quizzes


def _bank(quiz: Quiz) -> dict[int, quizzes.BankQuestion]:
    bank: dict[int, quizzes.BankQuestion] = {}
    for question in quiz.questions.prefetch_related("choices"):
        choices = list(question.choices.all())
        bank[question.pk] = quizzes.BankQuestion(
            id=question.pk,
            choice_ids=tuple(choice.pk for choice in choices),
            correct_ids=frozenset(choice.pk for choice in choices if choice.is_correct),
        )
    return bank


@transaction.atomic
def quiz_attempt_start(
    *,
    actor,
    quiz: Quiz,
    partner_id: int,
    enrolment: Enrolment | None = None,
    lesson: Lesson | None = None,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> QuizAttempt:
    """A new attempt with its questions drawn, or the attempt still open; refused
    beyond the attempts allowed or before the wait after the last one is over."""
    now = now or timezone.now()
    if enrolment is not None:
        _ensure_own(actor, enrolment)
        if lesson is not None:
            _lesson_of(enrolment, lesson)
        _ensure_startable(enrolment)
    previous = list(
        QuizAttempt.objects.select_for_update()
        .filter(quiz=quiz, user=actor)
        .order_by("-started_at", "-id")
    )
    open_attempt = next(
        (
            item
            for item in previous
            if item.submitted_at is None
            and (item.deadline is None or item.deadline + SUBMIT_GRACE > now)
        ),
        None,
    )
    if open_attempt is not None:
        return open_attempt
    if quiz.max_attempts is not None and len(previous) >= quiz.max_attempts:
        raise Conflict(
            _("You have used all %(count)s attempts at this quiz.")
            % {"count": quiz.max_attempts}
        )
    if previous and quiz.wait_minutes:
        last = previous[0]
        ready_at = (last.submitted_at or last.started_at) + timedelta(
            minutes=quiz.wait_minutes
        )
        if ready_at > now:
            raise Conflict(
                _("You can try again from %(when)s.")
                % {"when": timezone.localtime(ready_at).strftime("%Y-%m-%d %H:%M")}
            )
    bank = _bank(quiz)
    if not bank:
        raise Conflict(_("This quiz has no questions yet."))
    drawn = quizzes.draw(
        bank.values(), quiz.questions_per_attempt, rng or random.SystemRandom()
    )
    attempt = QuizAttempt.objects.create(
        quiz=quiz,
        user=actor,
        partner_id=partner_id,
        lesson=lesson,
        drawn=drawn,
        started_at=now,
        deadline=(
            now + timedelta(minutes=quiz.time_limit_minutes)
            if quiz.time_limit_minutes
            else None
        ),
    )
    return attempt


@transaction.atomic
def quiz_attempt_submit(
    *,
    actor,
    attempt: QuizAttempt,
    answers: dict,
    enrolment: Enrolment | None = None,
    now: datetime | None = None,
) -> QuizAttempt:
    """Grade the learner's answers on the server: refused after the time limit,
    for an attempt already submitted, or with answers to questions not drawn."""
    now = now or timezone.now()
    attempt = (
        QuizAttempt.objects.select_for_update()
        .select_related("quiz")
        .get(pk=attempt.pk)
    )
    if attempt.user_id != actor.pk:
        raise NotFound
    if attempt.submitted_at is not None:
        raise Conflict(_("This attempt was already submitted."))
    if attempt.deadline is not None and now > attempt.deadline + SUBMIT_GRACE:
        raise Conflict(_("The time for this attempt ran out: start a new one."))
    normal: dict[str, list[int]] = {}
    try:
        for key, chosen in (answers or {}).items():
            values = chosen if isinstance(chosen, list) else [chosen]
            normal[str(int(key))] = sorted({int(value) for value in values})
    except (TypeError, ValueError):
        raise ValidationFailed(
            field_errors={"answers": [str(_("Answers are question and choice ids."))]}
        ) from None
    wrong = quizzes.unknown_answers(attempt.drawn, normal)
    if wrong:
        raise ValidationFailed(
            field_errors={
                "answers": [
                    str(_("These answers are for questions not drawn in this attempt."))
                ]
            }
        )
    score = quizzes.grade(attempt.drawn, normal, _bank(attempt.quiz))
    attempt.answers = normal
    attempt.submitted_at = now
    attempt.score = score
    attempt.is_passed = score >= attempt.quiz.pass_mark
    attempt.save(
        update_fields=["answers", "submitted_at", "score", "is_passed", "updated_at"]
    )
    events.emit(
        "quiz.passed" if attempt.is_passed else "quiz.failed",
        payload={
            "quiz": str(attempt.quiz.public_id),
            "attempt": str(attempt.public_id),
            "user": actor.pk,
            "partner": attempt.partner_id,
            "score": score,
        },
        actor=actor,
        partner_id=attempt.partner_id,
    )
    if attempt.is_passed and enrolment is not None and attempt.lesson_id:
        lesson = Lesson.objects.select_related("module").get(pk=attempt.lesson_id)
        if lesson.module.course_id == enrolment.course_id:
            _lesson_done(actor=actor, enrolment=enrolment, lesson=lesson, now=now)
    return attempt


# --- learners: SCORM


@transaction.atomic
def scorm_attempt_for(*, actor, enrolment: Enrolment, lesson: Lesson) -> ScormAttempt:
    """The learner's run of a SCORM lesson (made on first launch)."""
    lesson_open(actor=actor, enrolment=enrolment, lesson=lesson)
    if lesson.kind != LessonKind.SCORM:
        raise NotFound
    attempt, _created = ScormAttempt.objects.get_or_create(
        enrolment=enrolment,
        lesson=lesson,
        defaults={"user": actor, "partner_id": enrolment.partner_id},
    )
    return attempt


def _timespan_seconds(value: str) -> int:
    match = _TIMESPAN.match(value or "")
    if not match:
        raise ValidationFailed(
            field_errors={
                "cmi.core.session_time": [str(_("A session time is HHHH:MM:SS.SS."))]
            }
        )
    hours, minutes, seconds = (int(part) for part in match.groups()[:3])
    return hours * 3600 + minutes * 60 + seconds


def scorm_commit(*, actor, attempt: ScormAttempt, values: dict) -> ScormAttempt:
    """What the SCORM runtime sent for the learner's own attempt (another
    learner's is not found): status, score, session time (added to the total),
    location and suspend data; a completed or passed status completes the lesson.
    An invalid value refuses the whole commit."""
    with transaction.atomic():
        attempt = ScormAttempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.user_id != actor.pk:
            raise NotFound
        problems: dict[str, str] = {}
        status = values.get("cmi.core.lesson_status")
        if status is not None and status not in SCORM_STATUSES:
            problems["cmi.core.lesson_status"] = _("Not a SCORM 1.2 lesson status.")
        score = values.get("cmi.core.score.raw")
        score_value = None
        if score not in (None, ""):
            try:
                score_value = Decimal(str(score))
            except InvalidOperation:
                score_value = None
            if score_value is None or not 0 <= score_value <= 100:
                problems["cmi.core.score.raw"] = _("A score is a number from 0 to 100.")
        suspend = values.get("cmi.suspend_data")
        if suspend is not None and len(suspend) > SUSPEND_DATA_MAX:
            problems["cmi.suspend_data"] = _("Suspend data is at most 4096 characters.")
        _problems(problems)
        seconds = 0
        if values.get("cmi.core.session_time"):
            seconds = _timespan_seconds(values["cmi.core.session_time"])
        if status is not None:
            attempt.lesson_status = status
        if score_value is not None:
            attempt.score_raw = score_value
        if suspend is not None:
            attempt.suspend_data = suspend
        if values.get("cmi.core.lesson_location") is not None:
            attempt.lesson_location = str(values["cmi.core.lesson_location"])[:255]
        attempt.total_seconds += seconds
        attempt.save()
        if seconds:
            LessonProgress.objects.filter(
                enrolment_id=attempt.enrolment_id, lesson_id=attempt.lesson_id
            ).update(seconds_spent=F("seconds_spent") + seconds)
        if attempt.lesson_status in SCORM_DONE:
            enrolment = Enrolment.objects.select_related("course").get(
                pk=attempt.enrolment_id
            )
            lesson = Lesson.objects.select_related("module").get(pk=attempt.lesson_id)
            _lesson_done(actor=actor, enrolment=enrolment, lesson=lesson)
    return attempt


# --- learners: paths


@transaction.atomic
def path_enrol(
    *,
    actor,
    path: LearningPath,
    partner_id: int,
    learner=None,
    source: str = EnrolmentSource.SELF,
) -> PathEnrolment:
    """Enrol a learner in a path (found through their audience) and in each of its
    courses; a partner admin enrols colleagues."""
    learner = learner or actor
    if learner.pk != actor.pk and source in (
        EnrolmentSource.SELF,
        EnrolmentSource.ADMIN,
    ):
        permissions.ENROL_TEAM.ensure(actor, partner_id=partner_id)
        _membership_partner_check(learner, partner_id)
        source = EnrolmentSource.ADMIN
    found = PathEnrolment.objects.filter(user=learner, path=path).first()
    if found is not None:
        return found
    enrolment = PathEnrolment.objects.create(
        path=path, user=learner, partner_id=partner_id, source=source
    )
    audit.record_create(
        actor=actor,
        instance=enrolment,
        fields=["user", "path", "source"],
        verb="path.enrolled",
    )
    events.emit(
        "path.enrolled",
        payload={
            "path": str(path.public_id),
            "user": learner.pk,
            "partner": partner_id,
        },
        actor=actor,
        partner_id=partner_id,
    )
    for step in path.steps.select_related("course"):
        Enrolment.objects.get_or_create(
            user=learner,
            course=step.course,
            defaults={
                "partner_id": partner_id,
                "source": EnrolmentSource.PATH,
                "enrolled_by": actor,
            },
        )
    _complete_paths(actor=actor, user_id=learner.pk, now=timezone.now())
    return enrolment


def auto_enrol_membership(*, membership, paths=None) -> int:
    """Enrol the member in each published automatic path of their audiences;
    returns how many enrolments were made (none twice)."""
    from openprm.segments.audiences import audience_reader, matching_audience_ids

    if not membership.is_active or not membership.user.is_active:
        return 0
    ids = set(matching_audience_ids(audience_reader(membership=membership)))
    candidates = (
        paths
        if paths is not None
        else LearningPath.objects.filter(is_published=True, auto_enrol=True)
    )
    made = 0
    for path in candidates:
        if path.audience_id not in ids:
            continue
        if PathEnrolment.objects.filter(user=membership.user, path=path).exists():
            continue
        path_enrol(
            actor=membership.user,
            path=path,
            partner_id=membership.partner_id,
            learner=membership.user,
            source=EnrolmentSource.AUDIENCE,
        )
        made += 1
    return made


def auto_enrol_sweep() -> int:
    """Every active member of every partner, against the automatic paths (the
    hourly sweep): members whose audiences now hold a path are enrolled."""
    from openprm.tenancy.models import Membership

    paths = list(LearningPath.objects.filter(is_published=True, auto_enrol=True))
    if not paths:
        return 0
    made = 0
    for membership in Membership.objects.filter(is_active=True).select_related("user"):
        made += auto_enrol_membership(membership=membership, paths=paths)
    return made


def ensure_partner_learner(user, partner_id) -> None:
    """Refuse a vendor staff member where only partner learners may act."""
    if user.is_vendor_staff:
        raise PermissionDenied
    _membership_partner_check(user, partner_id)
