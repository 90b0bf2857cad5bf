"""Enablement: courses (modules of lessons), quizzes with their question banks,
SCORM packages, learning paths, and each learner's enrolments, progress and
attempts."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openprm.core.models import TimeStampedModel
from openprm.core.scoping import PartnerOwnedModel, PartnerOwnedQuerySet
from openprm.learning.choices import EnrolmentSource, LessonKind, QuestionKind


class Course(TimeStampedModel):
    """A course partners take, shown in the portal to its audience once published."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # What an onboarding journey's course task names ("sales-101").
    code = models.SlugField(_("code"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    product_line = models.CharField(_("product line"), max_length=100, blank=True)
    # An ISO 639-1 code ("en", "de"); "" for any language.
    language = models.CharField(_("language"), max_length=8, blank=True)
    audience = models.ForeignKey(
        "segments.Audience",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("audience"),
    )
    is_published = models.BooleanField(_("published"), default=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    # Courses a learner completes before starting this one.
    prerequisites = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="required_by",
        verbose_name=_("prerequisites"),
    )

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("course")
        indexes = [
            models.Index(
                fields=["audience", "is_published", "title", "id"],
                name="learning_course_reader_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Module(TimeStampedModel):
    """A chapter of a course: an ordered group of lessons."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["course_id", "position", "id"]
        verbose_name = _("module")

    def __str__(self) -> str:
        return self.title


class Quiz(TimeStampedModel):
    """A question bank with the rules of its attempts: how many questions are
    drawn, the pass mark, the time limit, the attempts allowed and the wait
    between them."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    questions_per_attempt = models.PositiveIntegerField(
        _("questions per attempt"), default=5
    )
    # Percent of the drawn questions answered right.
    pass_mark = models.PositiveIntegerField(_("pass mark (%)"), default=70)
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"), null=True, blank=True
    )
    max_attempts = models.PositiveIntegerField(
        _("attempts allowed"), null=True, blank=True
    )
    wait_minutes = models.PositiveIntegerField(
        _("wait between attempts (minutes)"), default=0
    )

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__lte=100), name="learning_quiz_pass_mark_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Question(TimeStampedModel):
    """One question of a quiz's bank, with its choices."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["quiz_id", "position", "id"]
        verbose_name = _("question")

    def __str__(self) -> str:
        return self.text[:80]


class Choice(models.Model):
    """One answer offered to a question; the right ones are never sent to a
    learner."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices"
    )
    text = models.CharField(_("answer"), max_length=500)
    is_correct = models.BooleanField(_("right"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["question_id", "position", "id"]
        verbose_name = _("answer")

    def __str__(self) -> str:
        return self.text[:80]


class ScormPackage(TimeStampedModel):
    """A SCORM 1.2 package: its zip checked and unpacked into storage under
    ``storage_prefix``, launched from ``entry`` (the manifest's SCO)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    identifier = models.CharField(_("manifest identifier"), max_length=200)
    # The launch file, relative to the package's root.
    entry = models.CharField(_("launch file"), max_length=500)
    storage_prefix = models.CharField(max_length=200, editable=False)
    file_count = models.PositiveIntegerField(_("files"))
    size = models.PositiveBigIntegerField(_("unpacked size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("SCORM package")

    def __str__(self) -> str:
        return self.title


class Lesson(TimeStampedModel):
    """One step of a module: a text, a file, a link, a SCORM package or a quiz."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=LessonKind.choices)
    position = models.PositiveIntegerField(_("position"), default=0)
    # A text lesson's HTML, sanitised when it is saved (core.sanitise).
    body = models.TextField(_("text"), blank=True)
    url = models.URLField(_("address"), blank=True, max_length=2000)
    file = models.FileField(_("file"), upload_to="learning/files/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_type = models.CharField(_("file type"), max_length=100, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    scorm_package = models.ForeignKey(
        ScormPackage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("SCORM package"),
    )
    quiz = models.ForeignKey(
        Quiz,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("quiz"),
    )

    class Meta:
        ordering = ["module_id", "position", "id"]
        verbose_name = _("lesson")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=LessonKind.values),
                name="learning_lesson_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Enrolment(PartnerOwnedModel, TimeStampedModel):
    """A learner taking a course for their organisation: where they are (the last
    lesson opened, to resume) and when they finished."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="enrolments"
    )
    source = models.CharField(
        _("enrolled"), max_length=16, choices=EnrolmentSource.choices
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_lesson = models.ForeignKey(
        Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("enrolment")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="learning_enrolment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course}"


class LessonProgress(models.Model):
    """A learner's progress in one lesson: time spent and when it was done."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    seconds_spent = models.PositiveIntegerField(_("time spent (seconds)"), default=0)
    completed_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["enrolment_id", "lesson_id"]
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson"], name="learning_progress_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}/{self.lesson_id}"


class QuizAttempt(PartnerOwnedModel, TimeStampedModel):
    """One attempt at a quiz: the questions drawn (and the order their answers were
    shown in), the answers given, the score and whether it passed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    lesson = models.ForeignKey(
        Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # [{"question": id, "choices": [ids in the order shown]}, ...]
    drawn = models.JSONField(default=list)
    # {"<question id>": [choice ids]}
    answers = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("answer by"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    score = models.PositiveIntegerField(_("score (%)"), null=True, blank=True)
    is_passed = models.BooleanField(_("passed"), default=False)

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("quiz attempt")
        indexes = [
            models.Index(
                fields=["quiz", "user", "started_at"], name="learning_attempt_user_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} by {self.user_id}"


class ScormAttempt(PartnerOwnedModel, TimeStampedModel):
    """A learner's run of a SCORM lesson, as its runtime reported it (SCORM 1.2
    ``cmi.core.lesson_status``, ``score.raw``, ``session_time`` summed,
    ``suspend_data`` to resume)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="scorm_attempts"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    lesson_status = models.CharField(
        _("status"), max_length=16, default="not attempted"
    )
    score_raw = models.DecimalField(
        _("score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    total_seconds = models.PositiveIntegerField(_("time (seconds)"), default=0)
    suspend_data = models.TextField(blank=True)
    lesson_location = models.CharField(max_length=255, blank=True)

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("SCORM attempt")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson"], name="learning_scorm_attempt_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lesson} by {self.user_id}"


class LearningPath(TimeStampedModel):
    """An ordered series of courses for an audience; with ``auto_enrol`` every
    user the audience holds is enrolled."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    audience = models.ForeignKey(
        "segments.Audience",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("audience"),
    )
    is_published = models.BooleanField(_("published"), default=False)
    auto_enrol = models.BooleanField(
        _("enrol the audience automatically"), default=False
    )
    courses = models.ManyToManyField(
        Course, through="PathCourse", related_name="paths", verbose_name=_("courses")
    )

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("learning path")

    def __str__(self) -> str:
        return self.title


class PathCourse(models.Model):
    """A course's place in a path."""

    path = models.ForeignKey(
        LearningPath, on_delete=models.CASCADE, related_name="steps"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["path_id", "position", "id"]
        verbose_name = _("path course")
        constraints = [
            models.UniqueConstraint(
                fields=["path", "course"], name="learning_path_course_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.path_id}#{self.position}"


class PathEnrolment(PartnerOwnedModel, TimeStampedModel):
    """A learner following a path for their organisation."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    path = models.ForeignKey(
        LearningPath, on_delete=models.CASCADE, related_name="enrolments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(
        _("enrolled"), max_length=16, choices=EnrolmentSource.choices
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("path enrolment")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "path"], name="learning_path_enrolment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.path}"
