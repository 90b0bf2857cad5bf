"""Access policies of learning (see openprm.testing.authz).

Console: every vendor role reads courses, quizzes, packages, paths and enrolments
(learning.READ); channel marketing and vendor admins author them
(learning.MANAGE); partner users get 403. Portal: a course or a path is for its
audience — here one holding world.owner alone, so another partner, even the
distributor above, gets 404; vendor staff get 403 (no membership). A learner's
own things (a lesson of their enrolment, their quiz attempt, their SCORM attempt
and the package it launches) belong to world.owner's learner: the owner's other
users get 404 as well.
"""

import uuid

from openprm.content.tests.factories import audience_of, pdf_upload
from openprm.content.tests.policies_library import (
    api_audience_reader,
    audience_reader,
)
from openprm.learning import permissions, services
from openprm.learning.choices import LessonKind
from openprm.learning.models import QuizAttempt, ScormAttempt
from openprm.learning.tests.factories import (
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    QuizFactory,
    add_questions,
    path_of,
    scorm_upload,
)
from openprm.testing.authz import (
    ALLOW,
    FORBID,
    HIDE,
    LOGIN,
    SIGNED_OUT_ACTORS,
    VENDOR_ACTORS,
    Policy,
    gated,
    partner_area,
    signed_in,
    vendor,
)

READ = vendor(rule=permissions.READ)
MANAGE = vendor(rule=permissions.MANAGE)
API = "api:{method} /api/v1{path}"
LEARNER = "owner_learner"


def _signed_out(actor: str) -> bool:
    return actor in (*SIGNED_OUT_ACTORS, "revoked_token")


def enrolled_learner(actor: str):
    """world.owner's learner's own enrolment: vendor staff take no courses (403);
    every other partner user gets 404."""
    if _signed_out(actor):
        return LOGIN
    if actor == LEARNER:
        return ALLOW
    return FORBID if actor in VENDOR_ACTORS else HIDE


def own_attempt(actor: str):
    """world.owner's learner's attempt, looked up among the caller's own."""
    if _signed_out(actor):
        return LOGIN
    return ALLOW if actor == LEARNER else HIDE


# --- objects


def owner_course(world):
    return CourseFactory(audience=audience_of(world.owner))


def owner_lesson(world):
    return LessonFactory(module=ModuleFactory(course=owner_course(world)))


def _enrol(world, course):
    learner = world.users[LEARNER]
    return services.course_enrol(
        actor=learner, course=course, partner_id=world.owner.pk
    )


def enrolled_lesson(world):
    lesson = owner_lesson(world)
    _enrol(world, lesson.module.course)
    return lesson


def enrolled_file_lesson(world):
    lesson = LessonFactory(
        module=ModuleFactory(course=owner_course(world)),
        kind=LessonKind.FILE,
        body="",
        file_name="guide.pdf",
        file_type="application/pdf",
    )
    lesson.file.save("guide.pdf", pdf_upload(), save=True)
    _enrol(world, lesson.module.course)
    return lesson


def enrolled_quiz_lesson(world):
    quiz = QuizFactory()
    add_questions(quiz, 2)
    lesson = LessonFactory(
        module=ModuleFactory(course=owner_course(world)),
        kind=LessonKind.QUIZ,
        quiz=quiz,
        body="",
    )
    _enrol(world, lesson.module.course)
    return lesson


def learner_attempt(world):
    lesson = enrolled_quiz_lesson(world)
    return services.quiz_attempt_start(
        actor=world.users[LEARNER],
        quiz=lesson.quiz,
        partner_id=world.owner.pk,
        lesson=lesson,
    )


def learner_scorm_attempt(world):
    from openprm.accounts.models import User

    author = User.objects.filter(vendor_role="vendor_admin", is_active=True).first()
    package = services.scorm_package_upload(actor=author, file=scorm_upload())
    lesson = LessonFactory(
        module=ModuleFactory(course=owner_course(world)),
        kind=LessonKind.SCORM,
        scorm_package=package,
        body="",
    )
    enrolment = _enrol(world, lesson.module.course)
    return services.scorm_attempt_for(
        actor=world.users[LEARNER], enrolment=enrolment, lesson=lesson
    )


def owner_path(world):
    return path_of(owner_course(world), audience=audience_of(world.owner))


def two_modules(world):
    course = CourseFactory()
    ModuleFactory(course=course, position=1)
    return ModuleFactory(course=course, position=2)


def two_lessons(world):
    module = ModuleFactory()
    LessonFactory(module=module, position=1)
    return LessonFactory(module=module, position=2)


def course_and_learner(world):
    return owner_course(world), world.users[LEARNER]


# --- arguments


def public_kwargs(obj):
    return {"public_id": obj.public_id}


def lesson_kwargs(lesson):
    return {"public_id": lesson.module.course.public_id, "lesson_id": lesson.public_id}


def api_lesson_kwargs(lesson):
    return {"course_id": lesson.module.course.public_id, "lesson_id": lesson.public_id}


def new_course_data(course):
    return {
        "title": "Firewall basics",
        "code": f"fw-{uuid.uuid4().hex[:8]}",
        "audience": str(course.audience.public_id),
    }


def attempt_made(lesson):
    return QuizAttempt.objects.filter(quiz=lesson.quiz).exists()


POLICIES = [
    # --- console
    Policy("web:console:learning_courses", READ),
    Policy(
        "web:console:learning_course_create",
        MANAGE,
        method="POST",
        make=lambda world: CourseFactory(),
        data=new_course_data,
    ),
    Policy(
        "web:console:learning_course",
        READ,
        make=lambda world: CourseFactory(),
        kwargs=public_kwargs,
    ),
    Policy(
        "web:console:learning_course_edit",
        MANAGE,
        method="POST",
        make=lambda world: CourseFactory(),
        kwargs=public_kwargs,
        data=lambda course: {**new_course_data(course), "title": "Renamed"},
    ),
    Policy(
        "web:console:learning_module_create",
        MANAGE,
        method="POST",
        make=lambda world: CourseFactory(),
        kwargs=public_kwargs,
        data=lambda course: {"title": "Basics"},
    ),
    Policy(
        "web:console:learning_module_move",
        MANAGE,
        method="POST",
        make=two_modules,
        kwargs=lambda module: {"pk": module.pk, "direction": "up"},
    ),
    Policy(
        "web:console:learning_lesson_create",
        MANAGE,
        method="POST",
        make=lambda world: ModuleFactory(),
        kwargs=lambda module: {"pk": module.pk},
        data=lambda module: {"kind": "text", "title": "Hello", "body": "<p>Hi</p>"},
    ),
    Policy(
        "web:console:learning_lesson_edit",
        MANAGE,
        method="POST",
        make=lambda world: LessonFactory(),
        kwargs=public_kwargs,
        data=lambda lesson: {"title": "Renamed", "body": "<p>New</p>"},
    ),
    Policy(
        "web:console:learning_lesson_move",
        MANAGE,
        method="POST",
        make=two_lessons,
        kwargs=lambda lesson: {"public_id": lesson.public_id, "direction": "up"},
    ),
    Policy(
        "web:console:learning_lesson_delete",
        MANAGE,
        method="POST",
        make=lambda world: LessonFactory(),
        kwargs=public_kwargs,
    ),
    Policy("web:console:learning_enrolments", READ),
    Policy("web:console:learning_reports", READ),
    Policy("web:console:learning_quizzes", READ),
    Policy(
        "web:console:learning_quiz_create",
        MANAGE,
        method="POST",
        data=lambda obj: {
            "title": "Check",
            "questions_per_attempt": 2,
            "pass_mark": 50,
            "wait_minutes": 0,
        },
    ),
    Policy(
        "web:console:learning_quiz",
        READ,
        make=lambda world: QuizFactory(),
        kwargs=public_kwargs,
    ),
    Policy(
        "web:console:learning_question_add",
        MANAGE,
        method="POST",
        make=lambda world: QuizFactory(),
        kwargs=public_kwargs,
        data=lambda quiz: {"kind": "single", "text": "Pick", "choices": "*A\nB"},
    ),
    Policy("web:console:learning_packages", READ),
    Policy(
        "web:console:learning_package_create",
        MANAGE,
        method="POST",
        data=lambda obj: {"title": "Tour"},
        files=lambda obj: {"file": scorm_upload()},
    ),
    Policy("web:console:learning_paths", READ),
    Policy(
        "web:console:learning_path_create",
        MANAGE,
        method="POST",
        make=lambda world: CourseFactory(),
        data=lambda course: {
            "title": "Engineer",
            "audience": str(course.audience.public_id),
            "courses": course.code,
        },
    ),
    Policy(
        "web:console:learning_path_edit",
        MANAGE,
        method="POST",
        make=lambda world: path_of(CourseFactory()),
        kwargs=public_kwargs,
        data=lambda path: {
            "title": "Renamed",
            "audience": str(path.audience.public_id),
            "courses": path.steps.get().course.code,
        },
    ),
    # --- portal
    Policy("web:portal:learning", partner_area()),
    Policy("web:portal:learning_mine", partner_area()),
    Policy("web:portal:learning_transcript", partner_area()),
    Policy("web:portal:learning_team", partner_area(rule=permissions.ENROL_TEAM)),
    Policy(
        "web:portal:learning_course",
        audience_reader,
        make=owner_course,
        kwargs=public_kwargs,
    ),
    Policy(
        "web:portal:learning_enrol",
        audience_reader,
        method="POST",
        make=owner_course,
        kwargs=public_kwargs,
    ),
    Policy(
        "web:portal:learning_enrol_colleague",
        gated(rule=permissions.ENROL_TEAM, owner_only=True),
        method="POST",
        make=course_and_learner,
        kwargs=lambda obj: {"public_id": obj[0].public_id},
        data=lambda obj: {"learner": str(obj[1].public_id)},
    ),
    Policy(
        "web:portal:learning_path",
        audience_reader,
        make=owner_path,
        kwargs=public_kwargs,
    ),
    Policy(
        "web:portal:learning_path_enrol",
        audience_reader,
        method="POST",
        make=owner_path,
        kwargs=public_kwargs,
    ),
    Policy(
        "web:portal:learning_lesson",
        enrolled_learner,
        make=enrolled_lesson,
        kwargs=lesson_kwargs,
    ),
    Policy(
        "web:portal:learning_lesson_done",
        enrolled_learner,
        method="POST",
        make=enrolled_lesson,
        kwargs=lesson_kwargs,
    ),
    Policy(
        "web:portal:learning_lesson_file",
        enrolled_learner,
        make=enrolled_file_lesson,
        kwargs=lesson_kwargs,
    ),
    Policy(
        "web:portal:learning_quiz_start",
        enrolled_learner,
        method="POST",
        make=enrolled_quiz_lesson,
        kwargs=lesson_kwargs,
        happened=attempt_made,
    ),
    Policy(
        "web:portal:learning_attempt",
        enrolled_learner,
        make=learner_attempt,
        kwargs=public_kwargs,
    ),
    Policy(
        "web:portal:learning_scorm_commit",
        enrolled_learner,
        method="POST",
        make=learner_scorm_attempt,
        kwargs=public_kwargs,
        data=lambda attempt: {"cmi.core.lesson_status": "incomplete"},
        happened=lambda attempt: (
            ScormAttempt.objects.get(pk=attempt.pk).lesson_status == "incomplete"
        ),
    ),
    Policy(
        "web:portal:learning_scorm_file",
        enrolled_learner,
        make=learner_scorm_attempt,
        kwargs=lambda attempt: {
            "public_id": attempt.lesson.scorm_package.public_id,
            "path": "index.html",
        },
    ),
    # --- API
    Policy(API.format(method="GET", path="/learning/courses"), signed_in()),
    Policy(
        API.format(method="POST", path="/learning/courses"),
        MANAGE,
        make=lambda world: CourseFactory(),
        data=new_course_data,
    ),
    Policy(
        API.format(method="GET", path="/learning/courses/{course_id}"),
        api_audience_reader,
        make=owner_course,
        kwargs=lambda course: {"course_id": course.public_id},
    ),
    Policy(
        API.format(method="PATCH", path="/learning/courses/{course_id}"),
        MANAGE,
        make=lambda world: CourseFactory(),
        kwargs=lambda course: {"course_id": course.public_id},
        data=lambda course: {"title": "Renamed"},
    ),
    Policy(
        API.format(method="POST", path="/learning/courses/{course_id}/modules"),
        MANAGE,
        make=lambda world: CourseFactory(),
        kwargs=lambda course: {"course_id": course.public_id},
        data=lambda course: {"title": "Basics"},
    ),
    Policy(
        API.format(method="POST", path="/learning/modules/{module_id}/lessons"),
        MANAGE,
        make=lambda world: ModuleFactory(),
        kwargs=lambda module: {"module_id": module.pk},
        data=lambda module: {
            "kind": "link",
            "title": "Docs",
            "url": "https://x.example",
        },
    ),
    Policy(
        API.format(method="DELETE", path="/learning/lessons/{lesson_id}"),
        MANAGE,
        make=lambda world: LessonFactory(),
        kwargs=lambda lesson: {"lesson_id": lesson.public_id},
    ),
    Policy(
        API.format(method="POST", path="/learning/courses/{course_id}/enrol"),
        lambda actor: FORBID if actor in VENDOR_ACTORS else audience_reader(actor),
        make=owner_course,
        kwargs=lambda course: {"course_id": course.public_id},
        data=lambda course: {},
    ),
    Policy(API.format(method="GET", path="/learning/enrolments"), signed_in()),
    Policy(API.format(method="GET", path="/learning/reports/completions"), READ),
    Policy(
        API.format(method="GET", path="/learning/team-progress"),
        partner_area(rule=permissions.ENROL_TEAM),
    ),
    Policy(API.format(method="GET", path="/learning/reports/quiz-pass-rates"), READ),
    Policy(
        API.format(method="GET", path="/learning/courses/{course_id}/progress"),
        enrolled_learner,
        make=enrolled_lesson,
        kwargs=lambda lesson: {"course_id": lesson.module.course.public_id},
    ),
    Policy(
        API.format(
            method="POST",
            path="/learning/courses/{course_id}/lessons/{lesson_id}/complete",
        ),
        enrolled_learner,
        make=enrolled_lesson,
        kwargs=api_lesson_kwargs,
        data=lambda lesson: {"seconds": 30},
    ),
    Policy(
        API.format(
            method="POST",
            path="/learning/courses/{course_id}/lessons/{lesson_id}/attempts",
        ),
        enrolled_learner,
        make=enrolled_quiz_lesson,
        kwargs=api_lesson_kwargs,
        happened=attempt_made,
    ),
    Policy(
        API.format(method="GET", path="/learning/attempts/{attempt_id}"),
        own_attempt,
        make=learner_attempt,
        kwargs=lambda attempt: {"attempt_id": attempt.public_id},
    ),
    Policy(
        API.format(method="POST", path="/learning/attempts/{attempt_id}/submit"),
        own_attempt,
        make=learner_attempt,
        kwargs=lambda attempt: {"attempt_id": attempt.public_id},
        data=lambda attempt: {"answers": {}},
    ),
    Policy(
        API.format(method="POST", path="/learning/quizzes"),
        MANAGE,
        data=lambda obj: {"title": "Check", "questions_per_attempt": 2},
    ),
    Policy(
        API.format(method="POST", path="/learning/quizzes/{quiz_id}/questions"),
        MANAGE,
        make=lambda world: QuizFactory(),
        kwargs=lambda quiz: {"quiz_id": quiz.public_id},
        data=lambda quiz: {
            "kind": "true_false",
            "text": "Is it?",
            "choices": [{"text": "True", "is_correct": True}, {"text": "False"}],
        },
    ),
    Policy(
        API.format(method="POST", path="/learning/scorm-packages"),
        MANAGE,
        data=lambda obj: {"title": "Tour"},
        files=lambda obj: {"file": scorm_upload()},
    ),
    Policy(API.format(method="GET", path="/learning/paths"), signed_in()),
    Policy(
        API.format(method="POST", path="/learning/paths"),
        MANAGE,
        make=lambda world: CourseFactory(),
        data=lambda course: {
            "title": "Engineer",
            "audience": str(course.audience.public_id),
            "courses": [str(course.public_id)],
        },
    ),
    Policy(
        API.format(method="POST", path="/learning/paths/{path_id}/enrol"),
        lambda actor: FORBID if actor in VENDOR_ACTORS else audience_reader(actor),
        make=owner_path,
        kwargs=lambda path: {"path_id": path.public_id},
        data=lambda path: {},
    ),
]
