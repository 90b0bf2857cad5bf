import random
from datetime import timedelta

import pytest
from django.utils import timezone

from openprm.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.learning import services
from openprm.learning.choices import EnrolmentSource, LessonKind
from openprm.learning.models import (
    Course,
    Enrolment,
    LessonProgress,
    PathEnrolment,
    QuizAttempt,
)
from openprm.learning.tests.factories import (
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    QuizFactory,
    add_questions,
    answers_for,
    path_of,
)
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def events(name):
    return list(OutboxEvent.objects.filter(name=name).order_by("id"))


def test_a_course_is_created_with_an_audit_entry_and_an_event(marketing):
    audience = CourseFactory().audience
    created = services.course_create(
        actor=marketing, code="Sales-101", title="Selling the suite", audience=audience
    )

    assert created.code == "sales-101"
    assert AuditEntry.objects.filter(verb="course.created").count() == 1
    assert len(events("course.created")) == 1


def test_a_partner_user_cannot_author_a_course(learner):
    audience = CourseFactory().audience
    entries = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.course_create(actor=learner, code="x", title="X", audience=audience)
    assert Course.objects.count() == 1
    assert AuditEntry.objects.count() == entries


def test_a_text_lesson_is_sanitised_when_saved(marketing):
    module = ModuleFactory()
    lesson = services.lesson_create(
        actor=marketing,
        module=module,
        kind=LessonKind.TEXT,
        title="Intro",
        body='<p onclick="x()">Hi<script>alert(1)</script></p>',
    )
    assert lesson.body == "<p>Hi</p>"


def test_a_lesson_file_is_checked_by_its_content(marketing):
    from django.core.files.uploadedfile import SimpleUploadedFile

    module = ModuleFactory()
    fake = SimpleUploadedFile("guide.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationFailed) as refused:
        services.lesson_create(
            actor=marketing,
            module=module,
            kind=LessonKind.FILE,
            title="Guide",
            file=fake,
        )
    assert "file" in refused.value.field_errors
    assert module.lessons.count() == 0


def _enrolled(membership, course):
    return services.course_enrol(
        actor=membership.user, course=course, partner_id=membership.partner_id
    )


def test_enrolling_emits_course_enrolled_with_course_user_and_partner(
    learner_membership,
):
    course = CourseFactory()
    enrolment = _enrolled(learner_membership, course)
    again = _enrolled(learner_membership, course)

    assert again.pk == enrolment.pk
    [event] = events("course.enrolled")
    assert event.payload == {
        "course": str(course.public_id),
        "code": course.code,
        "user": learner_membership.user_id,
        "partner": learner_membership.partner_id,
    }


def test_a_partner_admin_enrols_a_colleague_but_a_colleague_cannot(
    learner_membership,
):
    course = CourseFactory()
    admin = MembershipFactory(partner=learner_membership.partner).user
    enrolment = services.course_enrol(
        actor=admin,
        course=course,
        partner_id=learner_membership.partner_id,
        learner=learner_membership.user,
    )
    assert enrolment.user == learner_membership.user
    assert enrolment.source == EnrolmentSource.ADMIN

    other = MembershipFactory(partner=learner_membership.partner, roles=["sales"])
    with pytest.raises(PermissionDenied):
        services.course_enrol(
            actor=other.user,
            course=CourseFactory(),
            partner_id=other.partner_id,
            learner=learner_membership.user,
        )


def test_an_admin_cannot_enrol_someone_of_another_partner(learner_membership):
    admin = MembershipFactory()
    with pytest.raises(NotFound):
        services.course_enrol(
            actor=admin.user,
            course=CourseFactory(),
            partner_id=admin.partner_id,
            learner=learner_membership.user,
        )
    assert Enrolment.objects.count() == 0


def test_the_course_completes_when_every_lesson_is_done(learner_membership):
    first = LessonFactory()
    second = LessonFactory(module=first.module)
    course = first.module.course
    enrolment = _enrolled(learner_membership, course)
    user = learner_membership.user

    services.lesson_complete(actor=user, enrolment=enrolment, lesson=first, seconds=60)
    assert events("course.completed") == []
    services.lesson_complete(actor=user, enrolment=enrolment, lesson=second)
    services.lesson_complete(actor=user, enrolment=enrolment, lesson=second)

    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    [event] = events("course.completed")
    assert event.payload["course"] == str(course.public_id)
    assert event.payload["user"] == user.pk
    assert event.payload["partner"] == learner_membership.partner_id
    assert LessonProgress.objects.get(lesson=first).seconds_spent == 60


def test_a_learner_cannot_complete_someone_elses_enrolment(learner_membership):
    lesson = LessonFactory()
    enrolment = _enrolled(learner_membership, lesson.module.course)
    stranger = MembershipFactory().user
    with pytest.raises(NotFound):
        services.lesson_complete(actor=stranger, enrolment=enrolment, lesson=lesson)
    assert LessonProgress.objects.count() == 0


def test_a_course_cannot_be_started_before_its_prerequisite_is_complete(
    learner_membership,
):
    first = LessonFactory()
    second = LessonFactory()
    path_of(first.module.course, second.module.course)
    user = learner_membership.user
    later = _enrolled(learner_membership, second.module.course)

    with pytest.raises(Conflict):
        services.lesson_open(actor=user, enrolment=later, lesson=second)
    with pytest.raises(Conflict):
        services.lesson_complete(actor=user, enrolment=later, lesson=second)

    earlier = _enrolled(learner_membership, first.module.course)
    services.lesson_complete(actor=user, enrolment=earlier, lesson=first)
    services.lesson_open(actor=user, enrolment=later, lesson=second)


def test_a_quiz_or_scorm_lesson_is_not_marked_done_by_hand(learner_membership):
    lesson = LessonFactory(kind=LessonKind.QUIZ, quiz=QuizFactory())
    enrolment = _enrolled(learner_membership, lesson.module.course)
    with pytest.raises(Conflict):
        services.lesson_complete(
            actor=learner_membership.user, enrolment=enrolment, lesson=lesson
        )


# --- quizzes


def _quiz_lesson(**quiz_fields):
    quiz = QuizFactory(**quiz_fields)
    add_questions(quiz, 3)
    return LessonFactory(kind=LessonKind.QUIZ, quiz=quiz, body="")


def _start(membership, lesson, enrolment, **options):
    return services.quiz_attempt_start(
        actor=membership.user,
        quiz=lesson.quiz,
        partner_id=membership.partner_id,
        enrolment=enrolment,
        lesson=lesson,
        rng=random.Random(4),
        **options,
    )


def test_an_attempt_draws_the_number_of_questions_with_shuffled_answers(
    learner_membership,
):
    lesson = _quiz_lesson(questions_per_attempt=2)
    enrolment = _enrolled(learner_membership, lesson.module.course)
    attempt = _start(learner_membership, lesson, enrolment)

    assert len(attempt.drawn) == 2
    assert len({item["question"] for item in attempt.drawn}) == 2
    for item in attempt.drawn:
        assert len(item["choices"]) == 2


def test_a_failed_then_passed_quiz_completes_its_lesson_and_course(
    learner_membership,
):
    lesson = _quiz_lesson(max_attempts=2)
    enrolment = _enrolled(learner_membership, lesson.module.course)
    user = learner_membership.user

    first = _start(learner_membership, lesson, enrolment)
    failed = services.quiz_attempt_submit(
        actor=user,
        attempt=first,
        answers=answers_for(first, right=False),
        enrolment=enrolment,
    )
    assert (failed.score, failed.is_passed) == (0, False)
    second = _start(learner_membership, lesson, enrolment)
    passed = services.quiz_attempt_submit(
        actor=user,
        attempt=second,
        answers=answers_for(second, right=True),
        enrolment=enrolment,
    )

    assert (passed.score, passed.is_passed) == (100, True)
    assert [e.payload["score"] for e in events("quiz.failed")] == [0]
    [event] = events("quiz.passed")
    assert event.payload["quiz"] == str(lesson.quiz.public_id)
    assert event.payload["user"] == user.pk
    assert event.payload["partner"] == learner_membership.partner_id
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None


def test_no_attempt_beyond_the_maximum(learner_membership):
    lesson = _quiz_lesson(max_attempts=1)
    enrolment = _enrolled(learner_membership, lesson.module.course)
    attempt = _start(learner_membership, lesson, enrolment)
    services.quiz_attempt_submit(
        actor=learner_membership.user,
        attempt=attempt,
        answers=answers_for(attempt, right=False),
    )
    with pytest.raises(Conflict):
        _start(learner_membership, lesson, enrolment)
    assert QuizAttempt.objects.count() == 1


def test_the_wait_between_attempts_is_kept(learner_membership):
    lesson = _quiz_lesson(wait_minutes=30)
    enrolment = _enrolled(learner_membership, lesson.module.course)
    now = timezone.now()
    attempt = _start(learner_membership, lesson, enrolment, now=now)
    services.quiz_attempt_submit(
        actor=learner_membership.user, attempt=attempt, answers={}, now=now
    )
    with pytest.raises(Conflict):
        _start(learner_membership, lesson, enrolment, now=now + timedelta(minutes=29))
    later = _start(
        learner_membership, lesson, enrolment, now=now + timedelta(minutes=31)
    )
    assert later.pk != attempt.pk


def test_a_submission_after_the_time_limit_is_refused_and_changes_nothing(
    learner_membership,
):
    lesson = _quiz_lesson(time_limit_minutes=10)
    enrolment = _enrolled(learner_membership, lesson.module.course)
    now = timezone.now()
    attempt = _start(learner_membership, lesson, enrolment, now=now)
    with pytest.raises(Conflict):
        services.quiz_attempt_submit(
            actor=learner_membership.user,
            attempt=attempt,
            answers=answers_for(attempt, right=True),
            now=now + timedelta(minutes=11),
        )
    attempt.refresh_from_db()
    assert attempt.submitted_at is None
    assert events("quiz.passed") == []


def test_answers_to_questions_not_drawn_are_refused(learner_membership):
    lesson = _quiz_lesson(questions_per_attempt=2)
    enrolment = _enrolled(learner_membership, lesson.module.course)
    attempt = _start(learner_membership, lesson, enrolment)
    drawn = {item["question"] for item in attempt.drawn}
    [not_drawn] = [q for q in lesson.quiz.questions.all() if q.pk not in drawn]
    answers = answers_for(attempt, right=True)
    answers[str(not_drawn.pk)] = [not_drawn.choices.get(is_correct=True).pk]

    with pytest.raises(ValidationFailed):
        services.quiz_attempt_submit(
            actor=learner_membership.user, attempt=attempt, answers=answers
        )
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_an_attempt_is_submitted_once_and_only_by_its_learner(learner_membership):
    lesson = _quiz_lesson()
    enrolment = _enrolled(learner_membership, lesson.module.course)
    attempt = _start(learner_membership, lesson, enrolment)
    with pytest.raises(NotFound):
        services.quiz_attempt_submit(
            actor=MembershipFactory().user, attempt=attempt, answers={}
        )
    services.quiz_attempt_submit(
        actor=learner_membership.user, attempt=attempt, answers={}
    )
    with pytest.raises(Conflict):
        services.quiz_attempt_submit(
            actor=learner_membership.user, attempt=attempt, answers={}
        )


def test_a_multiple_choice_question_counts_only_with_exactly_its_right_answers(
    marketing,
):
    from openprm.learning import quizzes

    bank = {
        1: quizzes.BankQuestion(
            id=1, choice_ids=(1, 2, 3), correct_ids=frozenset({1, 2})
        )
    }
    drawn = [{"question": 1, "choices": [3, 1, 2]}]
    assert quizzes.grade(drawn, {"1": [1, 2]}, bank) == 100
    assert quizzes.grade(drawn, {"1": [1]}, bank) == 0
    assert quizzes.grade(drawn, {"1": [1, 2, 3]}, bank) == 0


def test_question_rules(marketing):
    quiz = QuizFactory()
    with pytest.raises(ValidationFailed):
        services.question_add(
            actor=marketing,
            quiz=quiz,
            kind="single",
            text="Pick",
            choices=[("A", True), ("B", True)],
        )
    question = services.question_add(
        actor=marketing,
        quiz=quiz,
        kind="true_false",
        text="The sky is blue",
        choices=services.true_false_choices(is_true=True),
    )
    assert [c.is_correct for c in question.choices.all()] == [True, False]


# --- paths


def test_a_path_completes_when_its_courses_do(learner_membership):
    first = LessonFactory()
    second = LessonFactory()
    path = path_of(first.module.course, second.module.course)
    user = learner_membership.user
    services.path_enrol(actor=user, path=path, partner_id=learner_membership.partner_id)
    enrolments = {e.course_id: e for e in Enrolment.objects.filter(user=user)}
    assert len(enrolments) == 2

    services.lesson_complete(
        actor=user, enrolment=enrolments[first.module.course_id], lesson=first
    )
    assert events("path.completed") == []
    services.lesson_complete(
        actor=user, enrolment=enrolments[second.module.course_id], lesson=second
    )

    [event] = events("path.completed")
    assert event.payload == {
        "path": str(path.public_id),
        "user": user.pk,
        "partner": learner_membership.partner_id,
    }
    assert PathEnrolment.objects.get(path=path).completed_at is not None


def test_a_new_member_is_enrolled_in_the_automatic_paths_of_their_audience(db):
    from openprm.segments.tests.factories import AudienceFactory

    technical = AudienceFactory(rule={"all": []}, partner_roles=["technical"])
    course = CourseFactory(audience=technical)
    path = path_of(course, auto_enrol=True)
    sales = MembershipFactory(roles=["sales"])
    tech = MembershipFactory(roles=["technical"])

    assert services.auto_enrol_membership(membership=sales) == 0
    assert services.auto_enrol_membership(membership=tech) == 1
    assert services.auto_enrol_membership(membership=tech) == 0
    enrolment = PathEnrolment.objects.get()
    assert (enrolment.user, enrolment.path, enrolment.source) == (
        tech.user,
        path,
        EnrolmentSource.AUDIENCE,
    )
    assert Enrolment.objects.get().course == course


def test_the_sweep_enrols_members_the_audience_holds(db):
    from openprm.segments.tests.factories import AudienceFactory

    technical = AudienceFactory(rule={"all": []}, partner_roles=["technical"])
    path_of(CourseFactory(audience=technical), auto_enrol=True)
    MembershipFactory(roles=["technical"])
    MembershipFactory(roles=["technical"])
    MembershipFactory(roles=["sales"])

    assert services.auto_enrol_sweep() == 2
    assert services.auto_enrol_sweep() == 0


def test_course_completed_completes_the_journey_task_naming_the_course(
    learner_membership, django_capture_on_commit_callbacks
):
    from openprm.journeys.choices import TaskKind
    from openprm.journeys.models import JourneyTask
    from openprm.journeys.tests.factories import JourneyFactory, JourneyTaskFactory

    lesson = LessonFactory()
    course = lesson.module.course
    journey = JourneyFactory(partner=learner_membership.partner)
    task = JourneyTaskFactory(
        journey=journey, kind=TaskKind.COURSE, config={"course": course.code}
    )
    other = JourneyTaskFactory(
        journey=journey, kind=TaskKind.COURSE, config={"course": "another-course"}
    )
    enrolment = _enrolled(learner_membership, course)

    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_complete(
            actor=learner_membership.user, enrolment=enrolment, lesson=lesson
        )

    assert JourneyTask.objects.get(pk=task.pk).completed_at is not None
    assert JourneyTask.objects.get(pk=other.pk).completed_at is None


def test_a_membership_event_enrols_the_new_member_in_automatic_paths(
    django_capture_on_commit_callbacks,
):
    from openprm.core import events as outbox
    from openprm.segments.tests.factories import AudienceFactory

    technical = AudienceFactory(rule={"all": []}, partner_roles=["technical"])
    path = path_of(CourseFactory(audience=technical), auto_enrol=True)
    membership = MembershipFactory(roles=["technical"])

    with django_capture_on_commit_callbacks(execute=True):
        outbox.emit(
            "membership.created",
            payload={"id": membership.pk},
            partner_id=membership.partner_id,
        )

    assert PathEnrolment.objects.get().path == path
    assert PathEnrolment.objects.get().user == membership.user
