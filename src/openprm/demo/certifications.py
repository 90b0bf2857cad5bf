"""Demo data of certifications: a catalogue (a path, an exam, an external one with
a recertification exam), Contoso's people certified — one expiring within the
month, one expired — an external certificate waiting for review, a few other
partners' certified people, and the accreditation Contoso holds.

The firewall certification is earned by the learning demo's path ("Certified
firewall engineer") and renewed by its quiz ("Firewall check") when they exist
(seed-demo builds learning first); the other paths and exams are made here.
Safe to run twice: nothing is added when the catalogue exists.
"""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from fpdf import FPDF

from openprm.certifications import services
from openprm.certifications.choices import AwardSource
from openprm.certifications.models import Certification, UserCertification
from openprm.demo.ecosystem import PARTNER_LOGIN
from openprm.learning import services as learning
from openprm.learning.choices import QuestionKind
from openprm.learning.models import Course, LearningPath, Quiz
from openprm.partners.models import Partner
from openprm.segments.models import Audience
from openprm.tenancy.models import Membership

FIREWALL_PATH = "Certified firewall engineer"  # the learning demo's
FIREWALL_RENEWAL = "Firewall check"  # the learning demo's quiz
CLOUD_EXAM = "Cloud Solutions Architect exam"
SALES_PATH = "Security sales professional"

CATALOGUE = [
    # name, kind, source, renewal, product line, role, months
    (
        "Firewall Certified Engineer",
        "path",
        FIREWALL_PATH,
        FIREWALL_RENEWAL,
        "security",
        "technical",
        24,
    ),
    ("Cloud Solutions Architect", "exam", CLOUD_EXAM, None, "cloud", "technical", 12),
    ("Security Sales Professional", "path", SALES_PATH, None, "security", "sales", 12),
    ("CISSP (external)", "external", None, None, "security", "technical", 36),
]
EXAM_QUESTIONS = [
    (QuestionKind.TRUE_FALSE, "A policy applies top to bottom.", ["*True", "False"]),
    (QuestionKind.SINGLE, "Which port does HTTPS use?", ["*443", "25"]),
    (
        QuestionKind.MULTIPLE,
        "What does a landing zone set up?",
        ["*Accounts and networks", "*Guardrails", "Office furniture"],
    ),
]


def _exam(actor, title: str) -> Quiz:
    quiz = Quiz.objects.filter(title=title).order_by("id").first()
    if quiz is not None:
        return quiz
    quiz = learning.quiz_create(
        actor=actor,
        title=title,
        questions_per_attempt=3,
        pass_mark=60,
        time_limit_minutes=20,
        max_attempts=3,
        wait_minutes=0,
    )
    for kind, text, answers in EXAM_QUESTIONS:
        learning.question_add(
            actor=actor,
            quiz=quiz,
            kind=kind,
            text=text,
            choices=[(a.lstrip("*"), a.startswith("*")) for a in answers],
        )
    return quiz


def _path(actor, title: str, audience) -> LearningPath:
    path = LearningPath.objects.filter(title=title).order_by("id").first()
    if path is not None:
        return path
    return learning.path_create(
        actor=actor,
        title=title,
        audience=audience,
        is_published=True,
        courses=list(Course.objects.filter(code="partner-onboarding")),
    )


def _source(actor, kind: str, title: str | None, audience):
    """The public id of the path or exam named ``title`` (made when missing)."""
    if title is None:
        return None
    if kind == "path" or title in (FIREWALL_PATH, SALES_PATH):
        return _path(actor, title, audience).public_id
    return _exam(actor, title).public_id


def _evidence() -> SimpleUploadedFile:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.cell(0, 10, "Certificate of completion (demo)")
    return SimpleUploadedFile(
        "cissp-certificate.pdf", bytes(pdf.output()), content_type="application/pdf"
    )


def _everyone(actor) -> Audience:
    audience = Audience.objects.filter(name="Every active partner").first()
    if audience is None:
        audience = Audience.objects.create(
            name="Every active partner",
            rule={"field": "status", "op": "eq", "value": "active"},
            created_by=actor,
        )
    return audience


def build_demo_certifications(*, actor) -> int:
    """Write the demo certifications; return how many are held."""
    if Certification.objects.exists():
        return 0
    audience = _everyone(actor)
    catalogue = {}
    for name, kind, source, renewal, line, role, months in CATALOGUE:
        catalogue[name] = services.certification_create(
            actor=actor,
            name=name,
            kind=kind,
            source_id=_source(actor, kind, source, audience),
            renewal_source_id=_source(actor, "exam", renewal, audience),
            product_line=line,
            role=role,
            validity_months=months,
            audience=audience,
        )
    services.accreditation_create(
        actor=actor,
        name="Firewall Specialist Partner",
        description="Two certified firewall engineers and a certified sales person.",
        conditions=[
            {
                "count": 2,
                "certification": catalogue["Firewall Certified Engineer"],
                "role": "",
            },
            {"count": 1, "product_line": "security", "role": "sales"},
        ],
    )
    services.accreditation_create(
        actor=actor,
        name="Cloud Partner",
        description="Three certified cloud architects.",
        conditions=[{"count": 3, "product_line": "cloud", "role": "technical"}],
    )

    now = timezone.now()
    contoso = Partner.objects.filter(
        memberships__user__email=PARTNER_LOGIN.email
    ).first()
    if contoso is not None:
        people = list(
            Membership.objects.filter(partner=contoso, is_active=True)
            .select_related("user")
            .order_by("id")
        )
        plan = [
            # certification, months ago earned, which person
            ("Firewall Certified Engineer", 3, 0),
            ("Firewall Certified Engineer", 23, 1),  # ends within the month
            ("Security Sales Professional", 2, 0),
            ("Cloud Solutions Architect", 14, 1),  # expired
        ]
        done = set()
        for index, (name, months_ago, person) in enumerate(plan):
            member = people[person % len(people)]
            if (name, member.pk) in done:  # a partner with one person
                continue
            done.add((name, member.pk))
            earned = services.add_months(now, -months_ago) - timedelta(days=10)
            services.certification_award(
                certification=catalogue[name],
                user=member.user,
                partner_id=contoso.pk,
                source=AwardSource.EXAM
                if catalogue[name].kind == "exam"
                else AwardSource.PATH,
                key=f"demo:{index}",
                actor=actor,
                now=earned,
            )
        services.external_certificate_submit(
            actor=people[0].user,
            partner_id=contoso.pk,
            certification=catalogue["CISSP (external)"],
            issuer="ISC2",
            credential_id="CISSP-448812",
            issued_on=timezone.localdate() - timedelta(days=20),
            evidence=_evidence(),
        )
    # A few other partners with certified engineers, one reaching the accreditation.
    others = (
        Membership.objects.filter(is_active=True, partner__status="active")
        .exclude(partner=contoso)
        .select_related("user")
        .order_by("partner_id", "id")[:12]
    )
    for index, member in enumerate(others):
        name = (
            "Firewall Certified Engineer"
            if index % 3
            else "Security Sales Professional"
        )
        services.certification_award(
            certification=catalogue[name],
            user=member.user,
            partner_id=member.partner_id,
            source=AwardSource.PATH,
            key=f"demo:other:{index}",
            actor=actor,
            now=now - timedelta(days=30 + index * 20),
        )
    services.certifications_expire(now=now)
    services.accreditations_evaluate(now=now)
    return UserCertification.objects.count()
