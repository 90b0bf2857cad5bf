"""A partner's technical user takes a learning path in the portal: a text lesson,
a SCORM package played through the real runtime (static/learning/scorm_api.js),
and a quiz failed once then passed; the path completes and so does the partner's
onboarding task that names the course. The path earns a certification: its PDF
certificate carries the holder's name and a code that the public verification page
confirms, the partner gains the accreditation it completes, and its tier
requirement on certified people reads the new figure."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from openprm.accounts.tests.factories import TEST_PASSWORD, UserFactory
from openprm.certifications.choices import EarningKind
from openprm.certifications.models import UserCertification
from openprm.certifications.tests.factories import (
    AccreditationConditionFactory,
    AccreditationFactory,
    CertificationFactory,
)
from openprm.journeys.choices import TaskKind
from openprm.journeys.models import JourneyTask
from openprm.journeys.tests.factories import JourneyFactory, JourneyTaskFactory
from openprm.learning import services
from openprm.learning.choices import LessonKind
from openprm.learning.models import (
    Enrolment,
    PathEnrolment,
    QuizAttempt,
    ScormAttempt,
)
from openprm.learning.scorm import build_package
from openprm.learning.tests.factories import (
    CourseFactory,
    EnrolmentFactory,
    LessonFactory,
    ModuleFactory,
    QuizAttemptFactory,
    QuizFactory,
    add_questions,
)
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests import factories as programmes
from openprm.segments.tests.factories import AudienceFactory
from openprm.tenancy.tests.factories import MembershipFactory
from openprm.testing.browser import sign_in
from tests.e2e.screens import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _build(marketing):
    technical = AudienceFactory(
        name="Technical people", rule={"all": []}, partner_roles=["technical"]
    )
    basics = services.course_create(
        actor=marketing,
        code="fw-basics",
        title="Firewall basics",
        summary="Zones, rules and the models.",
        product_line="Firewall",
        language="en",
        audience=technical,
        is_published=True,
    )
    module = services.module_create(actor=marketing, course=basics, title="Basics")
    services.lesson_create(
        actor=marketing,
        module=module,
        kind=LessonKind.TEXT,
        title="What a zone is",
        body="<p>A zone groups interfaces that trust each other.</p>",
    )
    deploy = services.course_create(
        actor=marketing,
        code="fw-deploy",
        title="Deploying the firewall",
        audience=technical,
        is_published=True,
    )
    module = services.module_create(actor=marketing, course=deploy, title="Lab")
    package = services.scorm_package_upload(
        actor=marketing,
        file=SimpleUploadedFile("lab.zip", build_package(title="Firewall lab")),
    )
    services.lesson_create(
        actor=marketing,
        module=module,
        kind=LessonKind.SCORM,
        title="Interactive lab",
        scorm_package=package,
    )
    quiz = QuizFactory(title="Firewall check", questions_per_attempt=2, pass_mark=50)
    add_questions(quiz, 2)
    services.lesson_create(
        actor=marketing, module=module, kind=LessonKind.QUIZ, title="Check", quiz=quiz
    )
    return services.path_create(
        actor=marketing,
        title="Firewall engineer",
        audience=technical,
        is_published=True,
        courses=[basics, deploy],
    )


def _certify(path, partner):
    """The certification the path earns, an accreditation asking for one person
    holding it, and the partner's tier requiring one certified person."""
    certification = CertificationFactory(
        name="Certified Firewall Engineer",
        kind=EarningKind.PATH,
        path=path,
        audience=path.audience,
    )
    AccreditationConditionFactory(
        accreditation=AccreditationFactory(name="Firewall Specialist Partner"),
        certification=certification,
        product_line="",
        role="",
        count=1,
    )
    enrolment = programmes.EnrolmentFactory(partner=partner)
    programmes.TierRequirementFactory(
        tier=enrolment.tier, metric="certified_people", threshold=1
    )


def _certified_people(page) -> str:
    """The partner's figure for "Certified people" on the portal's tier page."""
    page.goto("/portal/tier/")
    row = page.get_by_test_id("tier-requirements").get_by_role(
        "row", name=re.compile("Certified people")
    )
    return row.get_by_role("cell").nth(1).inner_text()


def _answer_all(page, label: str) -> None:
    for fieldset in page.locator("fieldset").all():
        fieldset.get_by_label(label, exact=True).check()
    page.get_by_test_id("attempt-submit").click()


def test_a_technical_user_takes_a_path_and_earns_its_certification(
    page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    marketing = UserFactory(vendor_role="channel_marketing")
    # Who records the partner's activation when its journey is done.
    UserFactory(vendor_role="vendor_admin")
    path = _build(marketing)
    partner = PartnerFactory(name="Contoso Solutions")
    MembershipFactory(
        partner=partner,
        roles=["technical"],
        user__email="tess@contoso.example",
        user__full_name="Tess Ellison",
    )
    _certify(path, partner)
    journey = JourneyFactory(partner=partner)
    task = JourneyTaskFactory(
        journey=journey,
        kind=TaskKind.COURSE,
        title="Deploy the firewall",
        config={"course": "fw-deploy"},
    )

    page.set_default_timeout(30_000)  # many pages, on a machine that may be busy
    page.goto("/")
    page.get_by_label("Email").fill("tess@contoso.example")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert _certified_people(page) == "0"
    page.goto("/portal/organisation/")
    expect(page.get_by_test_id("accreditation")).to_contain_text("1 more needed")
    page.get_by_role("link", name="Learning", exact=True).click()
    expect(page.get_by_test_id("course-card")).to_have_count(2)
    shoot(page, "learning-catalogue")

    page.get_by_role("link", name="Firewall engineer").click()
    page.get_by_test_id("path-enrol").click()
    page.get_by_role("link", name="Deploying the firewall").click()
    expect(page.get_by_text("Complete these courses first")).to_be_visible()

    page.goto(f"/portal/learning/paths/{path.public_id}/")
    page.get_by_role("link", name="Firewall basics").click()
    page.get_by_test_id("resume").click()
    expect(page.get_by_test_id("lesson-body")).to_contain_text("A zone groups")
    shoot(page, "learning-player")
    page.get_by_test_id("mark-done").click()
    expect(page.get_by_test_id("course-complete")).to_be_visible()

    page.goto(f"/portal/learning/paths/{path.public_id}/")
    page.get_by_role("link", name="Deploying the firewall").click()
    page.get_by_test_id("resume").click()
    lab = page.frame_locator("[data-testid=scorm-frame]")
    expect(lab.get_by_text("Started (not attempted).")).to_be_visible()
    expect(page.locator("#scorm-status")).to_have_text("incomplete")
    lab.get_by_role("button", name="Finish the module").click()
    expect(lab.get_by_text("Finished.")).to_be_visible()
    expect(page.locator("#scorm-status")).to_have_text("passed")
    shoot(page, "learning-scorm")
    scorm = ScormAttempt.objects.get()
    assert (scorm.lesson_status, scorm.score_raw, scorm.suspend_data) == (
        "passed",
        90,
        "page=1",
    )
    assert scorm.total_seconds >= 1

    page.get_by_test_id("next").click()
    page.get_by_test_id("quiz-start").click()
    _answer_all(page, "Wrong")
    expect(page.get_by_text("Not passed: 0%.")).to_be_visible()
    page.get_by_test_id("quiz-start").click()
    _answer_all(page, "Right")
    expect(page.get_by_text("Passed with 100%.")).to_be_visible()
    assert [a.is_passed for a in QuizAttempt.objects.order_by("started_at")] == [
        False,
        True,
    ]

    page.get_by_role("link", name="Deploying the firewall").click()
    expect(page.get_by_test_id("course-complete")).to_be_visible()
    assert PathEnrolment.objects.get().completed_at is not None
    assert JourneyTask.objects.get(pk=task.pk).completed_at is not None
    page.get_by_test_id("portal-nav").get_by_role("link", name="Learning").click()
    page.get_by_role("link", name="Transcript").click()
    expect(page.get_by_test_id("transcript-quizzes")).to_contain_text("Not passed")

    # The path earned the certification: its certificate, and the public page.
    page.get_by_test_id("portal-nav").get_by_role("link", name="Certificates").click()
    expect(page.get_by_test_id("my-certificates")).to_contain_text(
        "Certified Firewall Engineer"
    )
    shoot(page, "learning-certificates")
    with page.expect_download() as download:
        page.get_by_test_id("certificate-pdf").click()
    pdf = PdfReader(download.value.path())
    text = " ".join(sheet.extract_text() for sheet in pdf.pages)
    held = UserCertification.objects.get()
    assert "Tess Ellison" in text
    assert "Certified Firewall Engineer" in text
    assert held.verification_code in text

    page.goto(f"/verify/{held.verification_code}/")
    expect(page.get_by_test_id("verify-name")).to_have_text("Tess Ellison")
    expect(page.get_by_test_id("verify-certification")).to_have_text(
        "Certified Firewall Engineer"
    )
    expect(page.get_by_test_id("verify-result")).to_have_text("Valid")
    expect(page.get_by_test_id("verification")).not_to_contain_text("contoso")
    shoot(page, "learning-verify")

    # The partner gained the accreditation; its tier counts the certified person.
    page.goto("/portal/organisation/")
    expect(page.get_by_test_id("certified-people")).to_have_text("1 certified person")
    expect(page.get_by_test_id("accreditation")).to_contain_text("Held")
    shoot(page, "learning-organisation")
    assert _certified_people(page) == "1"
    shoot(page, "learning-tier")


def test_the_console_reports_and_the_team_page(page, browser, live_server):
    """An analyst reads the learning reports (charts drawn, a table exported); a
    partner admin reads their team's progress."""
    partner = PartnerFactory(name="Contoso Solutions")
    admin = MembershipFactory(
        partner=partner, roles=["partner_admin"], user__email="ada@contoso.example"
    )
    tess = MembershipFactory(
        partner=partner, roles=["technical"], user__full_name="Tess Ellison"
    )
    course = CourseFactory(title="Firewall basics")
    LessonFactory(module=ModuleFactory(course=course))
    EnrolmentFactory(partner=partner, user=tess.user, course=course)
    EnrolmentFactory(partner=partner, user=admin.user, course=course)
    Enrolment.objects.filter(user=admin.user).update(completed_at=timezone.now())
    quiz = QuizFactory(title="Firewall check")
    QuizAttemptFactory(quiz=quiz, partner=partner, user=tess.user)
    QuizAttemptFactory(quiz=quiz, partner=partner, user=tess.user, is_passed=True)
    UserFactory(email="ann@vendor.example", vendor_role="analyst")

    page.set_default_timeout(30_000)  # a machine that may be busy
    sign_in(page, "ann@vendor.example", TEST_PASSWORD)
    page.goto("/console/")
    page.get_by_role("link", name="Learning reports").click()
    expect(page.get_by_test_id("learning-report-total")).to_have_text(
        "1 course completed in the period."
    )
    expect(page.get_by_test_id("learning-report-quizzes")).to_contain_text("50%")
    # Chart.js drew every chart: its canvases have their size.
    for chart in ("months", "courses", "partners", "quizzes"):
        box = page.locator(f"#learning-chart-{chart}").bounding_box()
        assert box is not None and box["height"] > 50
    shoot(page, "learning-reports")
    with page.expect_download() as download:
        page.get_by_test_id("learning-report-courses").get_by_role(
            "link", name="CSV"
        ).click()
    with open(download.value.path(), encoding="utf-8") as file:
        assert file.read().splitlines()[1].startswith("Firewall basics,")

    team = browser.new_context(base_url=live_server.url)
    admin_page = team.new_page()
    admin_page.set_default_timeout(30_000)
    sign_in(admin_page, "ada@contoso.example", TEST_PASSWORD)
    admin_page.goto("/portal/learning/mine/")
    admin_page.get_by_test_id("team-learning-tab").click()
    expect(admin_page.get_by_test_id("team-learning")).to_contain_text("Tess Ellison")
    expect(admin_page.get_by_test_id("team-learning")).to_contain_text("0 of 1 lessons")
    shoot(admin_page, "learning-team")
    team.close()
