"""Demo data of enablement: four courses (text, link, file-free so seeding stays
fast), a quiz, a SCORM package made by the package builder, a learning path for
every partner's people, and learners part-way through: the demo partner admin
(partner@…) has finished the first course and started the second.

Safe to run twice: nothing is added when a course exists.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from openprm.demo.ecosystem import PARTNER_LOGIN
from openprm.learning import services
from openprm.learning.choices import LessonKind, QuestionKind
from openprm.learning.models import Course
from openprm.learning.scorm import build_package
from openprm.segments.models import Audience
from openprm.tenancy.models import Membership

COURSES = [
    (
        "partner-onboarding",
        "Partner onboarding",
        "How the programme works: the portal, deal registration and funds.",
        "",
    ),
    (
        "firewall-fundamentals",
        "Firewall fundamentals",
        "The product line, its models and where each one fits.",
        "Firewall",
    ),
    (
        "firewall-deployment",
        "Deploying the firewall",
        "From the box to the first policy, with an interactive lab.",
        "Firewall",
    ),
    (
        "cloud-suite-selling",
        "Selling the Cloud Suite",
        "Discovery questions, objections and pricing.",
        "Cloud Suite",
    ),
]
QUESTIONS = [
    (QuestionKind.SINGLE, "Which model suits a branch office?", ["*F-100", "F-900"]),
    (QuestionKind.TRUE_FALSE, "A policy applies top to bottom.", ["*True", "False"]),
    (
        QuestionKind.MULTIPLE,
        "What does the firewall inspect?",
        ["*Traffic between zones", "*VPN sessions", "Printer toner"],
    ),
    (QuestionKind.SINGLE, "Which port does HTTPS use?", ["*443", "25"]),
]


def _audience(actor) -> Audience:
    audience, _created = Audience.objects.get_or_create(
        name="Every partner",
        defaults={"rule": {"all": []}, "description": "Every partner that is active."},
    )
    return audience


def build_demo_learning(*, actor) -> int:
    """The demo courses, quiz, package and path; returns how many courses."""
    if Course.objects.exists():
        return 0
    audience = _audience(actor)
    courses = {}
    for code, title, summary, line in COURSES:
        course = services.course_create(
            actor=actor,
            code=code,
            title=title,
            summary=summary,
            product_line=line,
            language="en",
            audience=audience,
            is_published=True,
            owner=actor,
        )
        module = services.module_create(actor=actor, course=course, title="Essentials")
        for number in (1, 2):
            services.lesson_create(
                actor=actor,
                module=module,
                kind=LessonKind.TEXT,
                title=f"{title}: part {number}",
                body=f"<h2>Part {number}</h2><p>{summary}</p>"
                "<ul><li>What it is</li><li>Who buys it</li><li>How to win</li></ul>",
            )
        services.lesson_create(
            actor=actor,
            module=module,
            kind=LessonKind.LINK,
            title="Further reading",
            url="https://example.com/partners/reading",
        )
        courses[code] = (course, module)
    quiz = services.quiz_create(
        actor=actor,
        title="Firewall check",
        questions_per_attempt=3,
        pass_mark=60,
        time_limit_minutes=15,
        max_attempts=3,
        wait_minutes=0,
    )
    for kind, text, answers in QUESTIONS:
        services.question_add(
            actor=actor,
            quiz=quiz,
            kind=kind,
            text=text,
            choices=[(a.lstrip("*"), a.startswith("*")) for a in answers],
        )
    package = services.scorm_package_upload(
        actor=actor,
        file=SimpleUploadedFile(
            "firewall-lab.zip",
            build_package(
                title="Firewall lab",
                text="Configure a zone and a rule, then finish the module.",
            ),
        ),
    )
    _course, deployment = courses["firewall-deployment"]
    services.lesson_create(
        actor=actor,
        module=deployment,
        kind=LessonKind.SCORM,
        title="Interactive lab",
        scorm_package=package,
    )
    services.lesson_create(
        actor=actor, module=deployment, kind=LessonKind.QUIZ, title="Check", quiz=quiz
    )
    path = services.path_create(
        actor=actor,
        title="Certified firewall engineer",
        summary="Fundamentals, then deployment with a lab and a quiz.",
        audience=audience,
        is_published=True,
        courses=[
            courses["firewall-fundamentals"][0],
            courses["firewall-deployment"][0],
        ],
    )
    _learners_part_way(courses, path)
    return len(courses)


def _learners_part_way(courses, path) -> None:
    """The demo partner admin and a few other members, part-way through."""
    from openprm.learning.models import Lesson

    memberships = list(
        Membership.objects.filter(is_active=True)
        .select_related("user")
        .order_by("user__email")[:6]
    )
    lead = Membership.objects.filter(
        user__email=PARTNER_LOGIN.email, is_active=True
    ).first()
    if lead is not None and lead not in memberships:
        memberships.insert(0, lead)
    onboarding, _module = courses["partner-onboarding"]
    for index, membership in enumerate(memberships):
        user = membership.user
        enrolment = services.course_enrol(
            actor=user, course=onboarding, partner_id=membership.partner_id
        )
        lessons = list(
            Lesson.objects.filter(module__course=onboarding).order_by("position")
        )
        # Everyone a little further than the one before, the first finished.
        done = len(lessons) if index == 0 else index % len(lessons)
        for lesson in lessons[:done]:
            services.lesson_complete(
                actor=user, enrolment=enrolment, lesson=lesson, seconds=240
            )
        if index == 0:
            services.path_enrol(actor=user, path=path, partner_id=membership.partner_id)
            fundamentals, _ = courses["firewall-fundamentals"]
            first_enrolment = services.course_enrol(
                actor=user, course=fundamentals, partner_id=membership.partner_id
            )
            first = Lesson.objects.filter(module__course=fundamentals).order_by(
                "position"
            )[0]
            services.lesson_complete(
                actor=user, enrolment=first_enrolment, lesson=first, seconds=300
            )
