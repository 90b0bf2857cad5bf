import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openprm.content.tests.factories import AudienceFactory, audience_of
from openprm.learning import services
from openprm.learning.choices import LessonKind
from openprm.learning.models import LessonProgress
from openprm.learning.tests.factories import (
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    QuizFactory,
    add_questions,
    path_of,
    scorm_upload,
)
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("portal:learning")


@pytest.fixture
def reader(client):
    membership = MembershipFactory(roles=["technical"])
    client.force_login(membership.user)
    return membership


def test_the_catalogue_lists_published_courses_of_the_readers_audiences(
    client, reader, django_assert_num_queries
):
    everyone = AudienceFactory(name="Everyone")
    CourseFactory(title="For all", audience=everyone)
    CourseFactory(title="For us", audience=audience_of(reader.partner))
    CourseFactory(
        title="For them", audience=audience_of(PartnerFactory(), tag="someone-else")
    )
    CourseFactory(title="Draft", audience=everyone, is_published=False)
    CourseFactory(
        title="Admins only", audience=AudienceFactory(partner_roles=["partner_admin"])
    )
    for index in range(3):
        CourseFactory(title=f"More {index}", audience=everyone)
    client.get(CATALOGUE)  # the session and the navigation, warmed

    with django_assert_num_queries(9):
        response = client.get(CATALOGUE)

    assert response.status_code == 200
    titles = [course.title for course in response.context["page"].object_list]
    assert titles == ["For all", "For us", "More 0", "More 1", "More 2"]


def _catalogue_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CATALOGUE)
    assert response.status_code == 200
    return len(queries)


def test_the_catalogue_costs_the_same_queries_for_1_or_many_courses_and_audiences(
    client, reader
):
    """The catalogue reads a constant number of queries (the bench's 2,000-course
    page relies on it) and counts each card's lessons right."""
    LessonFactory(module__course__title="Alone")
    client.get(CATALOGUE)  # the session and the navigation, warmed
    few = _catalogue_queries(client)

    audiences = [AudienceFactory(name=f"Everyone {n}") for n in range(5)]
    for index in range(30):
        course = CourseFactory(title=f"Many {index:02d}", audience=audiences[index % 5])
        for _ in range(2):
            module = ModuleFactory(course=course)
            LessonFactory.create_batch(index % 3, module=module)
        if index % 10 == 0:
            path_of(course, title=f"Path {index}")

    assert _catalogue_queries(client) == few == 9
    cards = {
        course.title: course.lesson_count
        for course in client.get(CATALOGUE).context["page"].object_list
    }
    assert cards["Alone"] == 1
    assert [cards[f"Many {index:02d}"] for index in range(4)] == [0, 2, 4, 0]


def test_the_catalogue_cards_filters_and_pages(client, reader):
    """The card's words (lessons, language, cut summary, link), a filter's count
    and the page after it, read by the compiled SQL."""
    everyone = AudienceFactory(name="Everyone")
    course = CourseFactory(
        title="Aaa firewall",
        audience=everyone,
        language="de",
        product_line="security",
        summary="word " * 60,
    )
    LessonFactory.create_batch(2, module=ModuleFactory(course=course))
    for index in range(30):
        CourseFactory(title=f"Bbb {index:02d}", audience=everyone, language="en")

    page = client.get(CATALOGUE)
    card = page.context["page"].object_list[0]
    assert (card.title, card.line) == ("Aaa firewall", "2 lessons · German")
    assert card.card_summary.endswith("…") and len(card.card_summary) == 160
    assert card.url == reverse("portal:learning_course", args=[course.public_id])
    assert page.context["form"].fields["language"].choices[1:] == [
        ("de", "de"),
        ("en", "en"),
    ]
    assert page.context["page"].paginator.count == 31
    second = client.get(CATALOGUE, {"page": 2}).context["page"].object_list
    assert [card.title for card in second] == [f"Bbb {n:02d}" for n in range(24, 30)]

    narrowed = client.get(CATALOGUE, {"language": "de"})
    assert [c.title for c in narrowed.context["page"].object_list] == ["Aaa firewall"]
    assert narrowed.context["page"].paginator.count == 1
    searched = client.get(CATALOGUE, {"q": "bbb 2"}).context["page"]
    assert searched.paginator.count == 12  # 02, 12, 20 to 29


def test_the_catalogue_sql_shared_by_readers_shows_each_their_own(client):
    """One compiled SQL serves every reader: each sees their audiences' courses,
    and a course given to a partner shows on its next page."""
    ours, theirs = MembershipFactory(roles=["technical"]), MembershipFactory()
    CourseFactory(title="Ours", audience=audience_of(ours.partner))
    theirs_course = CourseFactory(
        title="Theirs", audience=audience_of(theirs.partner, tag="theirs")
    )

    def titles(membership):
        client.force_login(membership.user)
        return [c.title for c in client.get(CATALOGUE).context["page"].object_list]

    assert titles(ours) == ["Ours"]
    assert titles(theirs) == ["Theirs"]
    theirs_course.audience = audience_of(ours.partner, tag="now-ours")
    theirs_course.save()
    assert titles(ours) == ["Ours", "Theirs"]
    assert titles(theirs) == []


def test_a_course_outside_the_audience_is_not_found(client, reader):
    course = CourseFactory(audience=audience_of(PartnerFactory(), tag="someone-else"))
    assert (
        client.get(
            reverse("portal:learning_course", args=[course.public_id])
        ).status_code
        == 404
    )
    response = client.post(reverse("portal:learning_enrol", args=[course.public_id]))
    assert response.status_code == 404


def test_a_learner_enrols_plays_lessons_in_order_and_resumes(client, reader):
    first = LessonFactory(title="One")
    second = LessonFactory(title="Two", module=first.module)
    course = first.module.course
    course_url = reverse("portal:learning_course", args=[course.public_id])

    client.post(reverse("portal:learning_enrol", args=[course.public_id]))
    page = client.get(course_url)
    assert page.context["resume"] == first

    lesson = client.get(
        reverse("portal:learning_lesson", args=[course.public_id, first.public_id])
    )
    assert lesson.context["next"] == second
    assert lesson.context["previous"] is None
    done = client.post(
        reverse("portal:learning_lesson_done", args=[course.public_id, first.public_id])
    )
    assert done["Location"] == reverse(
        "portal:learning_lesson", args=[course.public_id, second.public_id]
    )
    assert client.get(course_url).context["resume"] == second
    client.post(
        reverse(
            "portal:learning_lesson_done", args=[course.public_id, second.public_id]
        )
    )
    page = client.get(course_url)
    assert page.context["enrolment"].completed_at is not None
    assert LessonProgress.objects.filter(completed_at__isnull=False).count() == 2
    mine = client.get(reverse("portal:learning_mine"))
    assert [e.course for e in mine.context["enrolments"]] == [course]
    transcript = client.get(reverse("portal:learning_transcript"))
    assert [e.course for e in transcript.context["courses"]] == [course]


def test_the_quiz_page_never_sends_the_right_answers(client, reader):
    quiz = QuizFactory(questions_per_attempt=3)
    questions = add_questions(quiz, 3)
    lesson = LessonFactory(kind=LessonKind.QUIZ, quiz=quiz, body="")
    course = lesson.module.course
    client.post(reverse("portal:learning_enrol", args=[course.public_id]))
    started = client.post(
        reverse("portal:learning_quiz_start", args=[course.public_id, lesson.public_id])
    )
    page = client.get(started["Location"])

    html = page.content.decode()
    assert "Right" in html and "Wrong" in html
    assert "is_correct" not in html and "right)" not in html
    shown = [q["id"] for q in page.context["questions"]]
    assert sorted(shown) == sorted(q.pk for q in questions)


def test_the_scorm_player_frames_the_package_served_with_safe_headers(
    client, reader, settings, tmp_path
):
    from openprm.accounts.tests.factories import VendorUserFactory

    marketing = VendorUserFactory(vendor_role="channel_marketing")
    package = services.scorm_package_upload(actor=marketing, file=scorm_upload())
    lesson = LessonFactory(kind=LessonKind.SCORM, scorm_package=package, body="")
    course = lesson.module.course
    client.post(reverse("portal:learning_enrol", args=[course.public_id]))

    page = client.get(
        reverse("portal:learning_lesson", args=[course.public_id, lesson.public_id])
    )
    launch = page.context["scorm"]["launch"]
    served = client.get(launch)

    assert served.status_code == 200
    assert served["Content-Type"] == "text/html"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in served["Content-Security-Policy"]
    assert b"sco.js" in b"".join(served.streaming_content)
    escape = launch.replace("index.html", "..%2F..%2Fsettings.py")
    assert client.get(escape).status_code == 404

    other = MembershipFactory(partner=reader.partner, roles=["sales"])
    client.force_login(other.user)
    assert client.get(launch).status_code == 404


def test_console_course_list_counts_queries(client, django_assert_num_queries):
    from openprm.accounts.tests.factories import VendorUserFactory

    client.force_login(VendorUserFactory(vendor_role="channel_marketing"))
    for _ in range(4):
        LessonFactory(module=ModuleFactory())
    url = reverse("console:learning_courses")
    client.get(url)
    with django_assert_num_queries(4):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 4
