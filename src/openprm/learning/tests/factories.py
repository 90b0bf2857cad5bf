"""Factories of the learning app's rows (made directly: no audit entry or event)."""

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openprm.accounts.tests.factories import UserFactory
from openprm.content.tests.factories import AudienceFactory
from openprm.learning.choices import EnrolmentSource, LessonKind, QuestionKind
from openprm.learning.models import (
    Choice,
    Course,
    Enrolment,
    LearningPath,
    Lesson,
    Module,
    PathCourse,
    Question,
    Quiz,
    QuizAttempt,
)
from openprm.learning.scorm import build_package
from openprm.partners.tests.factories import PartnerFactory


class CourseFactory(factory.django.DjangoModelFactory):
    """A published course for every partner (no modules unless added)."""

    class Meta:
        model = Course

    code = factory.Sequence(lambda n: f"course-{n:03d}")
    title = factory.Sequence(lambda n: f"Course {n:03d}")
    summary = "What partners learn."
    audience = factory.SubFactory(AudienceFactory)
    is_published = True


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Module {n:03d}")
    position = factory.Sequence(lambda n: n)


class LessonFactory(factory.django.DjangoModelFactory):
    """A text lesson."""

    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    title = factory.Sequence(lambda n: f"Lesson {n:03d}")
    kind = LessonKind.TEXT
    body = "<p>Read this.</p>"
    position = factory.Sequence(lambda n: n)


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz

    title = factory.Sequence(lambda n: f"Quiz {n:03d}")
    questions_per_attempt = 2
    pass_mark = 50


def add_questions(quiz: Quiz, count: int = 3) -> list[Question]:
    """``count`` single-choice questions, each with a right answer "Right" and a
    wrong one "Wrong"."""
    questions = []
    for number in range(count):
        question = Question.objects.create(
            quiz=quiz,
            kind=QuestionKind.SINGLE,
            text=f"Question {number}",
            position=number,
        )
        Choice.objects.create(question=question, text="Right", is_correct=True)
        Choice.objects.create(question=question, text="Wrong", is_correct=False)
        questions.append(question)
    return questions


def answers_for(attempt, *, right: bool) -> dict[str, list[int]]:
    """Answers to each drawn question: all right or all wrong."""
    answers = {}
    for item in attempt.drawn:
        choice = Choice.objects.get(question_id=item["question"], is_correct=right)
        answers[str(item["question"])] = [choice.pk]
    return answers


def scorm_upload(name: str = "tour.zip", **options) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, build_package(**options), content_type="application/zip"
    )


def path_of(*courses, audience=None, **fields) -> LearningPath:
    path = LearningPath.objects.create(
        title=fields.pop("title", "Path"),
        audience=audience or courses[0].audience,
        is_published=fields.pop("is_published", True),
        **fields,
    )
    for position, course in enumerate(courses, start=1):
        PathCourse.objects.create(path=path, course=course, position=position)
        if position > 1:
            course.prerequisites.add(courses[position - 2])
    return path


class EnrolmentFactory(factory.django.DjangoModelFactory):
    """A learner's enrolment in a course, not completed."""

    class Meta:
        model = Enrolment

    user = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerFactory)
    course = factory.SubFactory(CourseFactory)
    source = EnrolmentSource.SELF


class QuizAttemptFactory(factory.django.DjangoModelFactory):
    """A submitted attempt, failed unless ``is_passed``."""

    class Meta:
        model = QuizAttempt

    quiz = factory.SubFactory(QuizFactory)
    user = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerFactory)
    started_at = factory.LazyFunction(timezone.now)
    submitted_at = factory.LazyFunction(timezone.now)
    score = 40
    is_passed = False
