"""A partner admin follows their organisation's learning in the portal and the API:
who takes which course and how far each has got; nobody else sees it."""

import pytest
from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.learning.models import LessonProgress
from openprm.learning.tests.factories import (
    CourseFactory,
    EnrolmentFactory,
    LessonFactory,
    ModuleFactory,
)
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PAGE = "/portal/learning/team/"
API = "/api/v1/learning/team-progress"
# The session, the user, the portal's memberships with their organisations (the
# roles come from them), the page's count and its rows.
QUERIES = 5


def _course_of(lessons: int, title: str):
    course = CourseFactory(title=title)
    module = ModuleFactory(course=course)
    return course, [LessonFactory(module=module) for _ in range(lessons)]


def _done(enrolment, lesson, seconds=60):
    LessonProgress.objects.create(
        enrolment=enrolment,
        lesson=lesson,
        seconds_spent=seconds,
        completed_at=timezone.now(),
    )


@pytest.fixture
def contoso():
    """Contoso's admin, Tess half-way through a course of four lessons and done
    with another; Fabrikam's learner in the same course."""
    partner = PartnerFactory(name="Contoso")
    admin = MembershipFactory(
        partner=partner, roles=["partner_admin"], user__full_name="Ada Admin"
    )
    tess = MembershipFactory(
        partner=partner, roles=["technical"], user__full_name="Tess Ellison"
    )
    firewall, lessons = _course_of(4, "Firewall basics")
    sales, [only] = _course_of(1, "Sales 101")
    enrolment = EnrolmentFactory(partner=partner, user=tess.user, course=firewall)
    _done(enrolment, lessons[0])
    _done(enrolment, lessons[1])
    finished = EnrolmentFactory(
        partner=partner, user=tess.user, course=sales, completed_at=timezone.now()
    )
    _done(finished, only)
    other = MembershipFactory(
        partner=PartnerFactory(name="Fabrikam"), user__full_name="Fay Fabrikam"
    )
    EnrolmentFactory(partner=other.partner, user=other.user, course=firewall)
    return {"partner": partner, "admin": admin.user, "tess": tess.user}


def test_a_partner_admin_sees_each_colleagues_progress(client, contoso):
    client.force_login(contoso["admin"])

    page = client.get(PAGE).content.decode()
    rows = client.get(API).json()["items"]

    assert "Tess Ellison" in page and "2 of 4 lessons" in page
    assert "Fay Fabrikam" not in page
    assert [
        (row["learner_name"], row["course_title"], row["lessons_done"]) for row in rows
    ] == [("Tess Ellison", "Firewall basics", 2), ("Tess Ellison", "Sales 101", 1)]
    assert [row["lesson_count"] for row in rows] == [4, 1]


def test_the_team_can_be_narrowed_to_open_or_completed_courses(client, contoso):
    client.force_login(contoso["admin"])

    open_rows = client.get(API, {"status": "open"}).json()["items"]
    page = client.get(PAGE, {"status": "completed"}).content.decode()
    refused = client.get(API, {"status": "later"})

    assert [row["course_title"] for row in open_rows] == ["Firewall basics"]
    assert "Sales 101" in page and "Firewall basics" not in page
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "status"


def test_a_learner_and_vendor_staff_are_refused(client, contoso):
    client.force_login(contoso["tess"])
    learner = (client.get(PAGE).status_code, client.get(API).status_code)
    client.force_login(VendorUserFactory())
    staff = (client.get(PAGE).status_code, client.get(API).status_code)

    assert learner == (403, 403)
    assert staff == (403, 403)


def test_my_learning_counts_lessons_and_time_once(client, contoso):
    client.force_login(contoso["tess"])

    page = client.get("/portal/learning/mine/").content.decode()

    assert "2 of 4 lessons done" in page


def test_the_team_page_costs_the_same_for_more_colleagues(
    client, contoso, django_assert_num_queries
):
    client.force_login(contoso["admin"])
    client.get(PAGE)  # warm the session's caches

    with django_assert_num_queries(QUERIES):
        client.get(PAGE)
    for index in range(3):
        member = MembershipFactory(partner=contoso["partner"], roles=["sales"])
        course, lessons = _course_of(2, f"More {index}")
        _done(
            EnrolmentFactory(partner=member.partner, user=member.user, course=course),
            lessons[0],
        )

    with django_assert_num_queries(QUERIES):
        client.get(PAGE)
