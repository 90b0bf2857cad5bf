import pytest

from openprm.content.tests.factories import AudienceFactory, audience_of
from openprm.learning.choices import LessonKind
from openprm.learning.models import Enrolment, QuizAttempt
from openprm.learning.tests.factories import (
    CourseFactory,
    LessonFactory,
    QuizFactory,
    add_questions,
    scorm_upload,
)
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/learning"


@pytest.fixture
def reader(client):
    membership = MembershipFactory(roles=["technical"])
    client.force_login(membership.user)
    return membership


def test_the_api_catalogue_holds_only_the_readers_courses(
    client, reader, django_assert_num_queries
):
    everyone = AudienceFactory(name="Everyone")
    CourseFactory(title="For all", audience=everyone)
    CourseFactory(title="Draft", audience=everyone, is_published=False)
    hidden = CourseFactory(
        title="For them", audience=audience_of(PartnerFactory(), tag="them")
    )
    client.get(f"{API}/courses")
    with django_assert_num_queries(8):
        response = client.get(f"{API}/courses")

    assert [item["title"] for item in response.json()["items"]] == ["For all"]
    assert client.get(f"{API}/courses/{hidden.public_id}").status_code == 404
    enrol = client.post(
        f"{API}/courses/{hidden.public_id}/enrol", {}, content_type="application/json"
    )
    assert enrol.status_code == 404
    assert Enrolment.objects.count() == 0


def test_a_learner_takes_a_quiz_through_the_api_without_seeing_the_answers(
    client, reader
):
    quiz = QuizFactory(questions_per_attempt=2, max_attempts=1)
    questions = add_questions(quiz, 3)
    lesson = LessonFactory(kind=LessonKind.QUIZ, quiz=quiz, body="")
    course = lesson.module.course
    assert (
        client.post(
            f"{API}/courses/{course.public_id}/enrol",
            {},
            content_type="application/json",
        ).status_code
        == 201
    )
    started = client.post(
        f"{API}/courses/{course.public_id}/lessons/{lesson.public_id}/attempts"
    )
    assert started.status_code == 201
    attempt = started.json()
    assert "is_correct" not in started.content.decode()
    drawn = {q["id"] for q in attempt["questions"]}
    not_drawn = next(q for q in questions if q.pk not in drawn)

    forged = client.post(
        f"{API}/attempts/{attempt['id']}/submit",
        {"answers": {str(not_drawn.pk): [not_drawn.choices.first().pk]}},
        content_type="application/json",
    )
    assert forged.status_code == 422
    assert QuizAttempt.objects.get().submitted_at is None

    right = {}
    for question in attempt["questions"]:
        chosen = next(c for c in question["choices"] if c["text"] == "Right")
        right[str(question["id"])] = [chosen["id"]]
    submitted = client.post(
        f"{API}/attempts/{attempt['id']}/submit",
        {"answers": right},
        content_type="application/json",
    )
    assert submitted.status_code == 200
    assert (submitted.json()["score"], submitted.json()["is_passed"]) == (100, True)
    progress = client.get(f"{API}/courses/{course.public_id}/progress").json()
    assert progress["lessons"][0]["is_done"] is True
    assert progress["enrolment"]["completed_at"] is not None
    again = client.post(
        f"{API}/courses/{course.public_id}/lessons/{lesson.public_id}/attempts"
    )
    assert again.status_code == 409


def test_a_bad_scorm_package_is_a_422_on_the_file_field(client, marketing):
    client.force_login(marketing)
    response = client.post(
        f"{API}/scorm-packages",
        {"file": scorm_upload(extra={"../../escape.js": b"x"})},
    )
    assert response.status_code == 422
    assert "outside itself" in str(response.json())
