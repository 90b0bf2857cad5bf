"""The console's learning reports and their API: completions by course, partner and
month, quiz pass rates, filters, exports, scope and refusals."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.learning.models import Enrolment, QuizAttempt
from openprm.learning.tests.factories import (
    CourseFactory,
    EnrolmentFactory,
    LessonFactory,
    ModuleFactory,
    QuizAttemptFactory,
    QuizFactory,
)
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db

PAGE = "/console/learning/reports/"
COMPLETIONS = "/api/v1/learning/reports/completions"
QUIZZES = "/api/v1/learning/reports/quiz-pass-rates"
# The session and the user; the filter's courses and product lines; the three
# completion tables and the quiz table.
QUERIES = 8
# The session and the user, and the three completion tables.
API_QUERIES = 5


def _months_ago(months: int):
    return timezone.now() - timedelta(days=31 * months)


def _enrol(partner, course, *, completed=None, created=None):
    enrolment = EnrolmentFactory(partner=partner, course=course)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        completed_at=completed, created_at=created or timezone.now()
    )
    return enrolment


@pytest.fixture
def world():
    """Acme (EMEA) and Bolt (APAC); Firewall basics and Sales 101; a quiz in the
    firewall course; one enrolment and one attempt 20 months old."""
    acme = PartnerFactory(name="Acme", region="EMEA")
    bolt = PartnerFactory(name="Bolt", region="APAC")
    firewall = CourseFactory(title="Firewall basics", product_line="Firewall")
    sales = CourseFactory(title="Sales 101", product_line="Sales")
    now = timezone.now()
    _enrol(acme, firewall, completed=now)
    _enrol(acme, firewall, completed=now)
    _enrol(acme, firewall)
    _enrol(acme, sales)
    _enrol(bolt, firewall, completed=now)
    _enrol(bolt, sales, completed=_months_ago(20), created=_months_ago(20))
    quiz = QuizFactory(title="Firewall check")
    lesson = LessonFactory(module=ModuleFactory(course=firewall), quiz=quiz)
    first = QuizAttemptFactory(quiz=quiz, partner=acme, lesson=lesson)
    QuizAttemptFactory(
        quiz=quiz, partner=acme, lesson=lesson, user=first.user, is_passed=True
    )
    QuizAttemptFactory(quiz=quiz, partner=acme, lesson=lesson)
    QuizAttemptFactory(quiz=quiz, partner=bolt, lesson=lesson, is_passed=True)
    old = QuizAttemptFactory(quiz=quiz, partner=bolt, lesson=lesson, is_passed=True)
    QuizAttempt.objects.filter(pk=old.pk).update(submitted_at=_months_ago(20))
    # Started, never submitted: not an attempt to count.
    QuizAttemptFactory(quiz=quiz, partner=acme, lesson=lesson, submitted_at=None)
    return {"acme": acme, "bolt": bolt, "firewall": firewall, "sales": sales}


@pytest.fixture
def staff(client):
    client.force_login(VendorUserFactory(vendor_role="analyst"))
    return client


def test_completions_are_counted_by_course_partner_and_month(staff, world):
    body = staff.get(COMPLETIONS).json()

    assert body["completed"] == 3
    assert [
        (row["title"], row["enrolled"], row["completed"], row["completion_rate"])
        for row in body["by_course"]
    ] == [("Firewall basics", 4, 3, 75), ("Sales 101", 1, 0, 0)]
    assert [
        (row["name"], row["enrolled"], row["completed"]) for row in body["by_partner"]
    ] == [("Acme", 4, 2), ("Bolt", 1, 1)]
    assert len(body["by_month"]) == 12
    assert body["by_month"][-1] == {
        "month": timezone.localdate().strftime("%Y-%m"),
        "completed": 3,
    }
    assert sum(row["completed"] for row in body["by_month"]) == 3


def test_quiz_pass_rates_count_submitted_attempts_and_learners(staff, world):
    [row] = staff.get(QUIZZES).json()["items"]

    assert (row["title"], row["attempts"], row["passed"], row["pass_rate"]) == (
        "Firewall check",
        4,
        2,
        50,
    )
    assert (row["learners"], row["learners_passed"]) == (3, 2)


def test_a_longer_period_reaches_older_completions_and_attempts(staff, world):
    body = staff.get(COMPLETIONS, {"months": 24}).json()
    [quiz] = staff.get(QUIZZES, {"months": 24}).json()["items"]

    assert body["completed"] == 4
    assert len(body["by_month"]) == 24
    assert quiz["attempts"] == 5


def test_the_filters_narrow_every_table(staff, world):
    by_region = staff.get(COMPLETIONS, {"region": "APAC"}).json()
    by_line = staff.get(COMPLETIONS, {"product_line": "Sales"}).json()
    by_course = staff.get(
        COMPLETIONS, {"course": str(world["firewall"].public_id)}
    ).json()
    [quiz] = staff.get(QUIZZES, {"region": "EMEA"}).json()["items"]

    assert [row["name"] for row in by_region["by_partner"]] == ["Bolt"]
    assert [row["title"] for row in by_line["by_course"]] == ["Sales 101"]
    assert [row["title"] for row in by_course["by_course"]] == ["Firewall basics"]
    assert (quiz["attempts"], quiz["learners"]) == (3, 2)
    assert staff.get(QUIZZES, {"product_line": "Sales"}).json()["items"] == []


def test_bad_filters_are_field_errors(staff, world):
    response = staff.get(
        COMPLETIONS,
        {
            "months": 5,
            "region": "Mars",
            "course": "0" * 8 + "-0000-0000-0000-" + "0" * 12,
        },
    )

    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"months", "region", "course"}


def test_a_channel_manager_sees_only_their_partners(client, world):
    manager = VendorUserFactory(vendor_role="channel_manager")
    world["bolt"].channel_manager = manager
    world["bolt"].save(update_fields=["channel_manager"])
    client.force_login(manager)

    body = client.get(COMPLETIONS).json()
    [quiz] = client.get(QUIZZES).json()["items"]
    page = client.get(PAGE).content.decode()

    assert [row["name"] for row in body["by_partner"]] == ["Bolt"]
    assert body["completed"] == 1
    assert quiz["attempts"] == 1
    assert "Acme" not in page


def test_partner_users_are_refused_the_page_and_the_api(client, world):
    client.force_login(partner_user(partner=world["acme"], roles=["partner_admin"]))

    assert client.get(PAGE).status_code == 403
    assert client.get(COMPLETIONS).status_code == 403
    assert client.get(QUIZZES).status_code == 403


def test_the_page_shows_each_table_with_its_chart_data(staff, world):
    page = staff.get(PAGE).content.decode()

    assert "3 courses completed in the period." in page
    assert 'id="learning-chart-courses"' in page
    assert 'id="metrics-chart-data"' in page
    assert "Firewall basics" in page and "75%" in page
    assert "Firewall check" in page and "2 of 3" in page


def test_the_page_runs_the_same_queries_for_one_row_or_many(
    staff, world, django_assert_num_queries
):
    with django_assert_num_queries(QUERIES):
        assert staff.get(PAGE).status_code == 200
    for index in range(4):
        partner = PartnerFactory(name=f"More {index}")
        _enrol(partner, CourseFactory(), completed=timezone.now())
        QuizAttemptFactory(partner=partner)

    with django_assert_num_queries(QUERIES):
        assert staff.get(PAGE).status_code == 200


def test_the_api_runs_a_fixed_number_of_queries(
    staff, world, django_assert_num_queries
):
    with django_assert_num_queries(API_QUERIES):
        assert staff.get(COMPLETIONS).status_code == 200


def _quizzes(rows: int) -> None:
    """``rows`` quizzes attempted: the first twice, the others once."""
    quizzes = [QuizFactory(title=f"Quiz {number:02}") for number in range(rows)]
    QuizAttemptFactory(quiz=quizzes[0])
    for quiz in quizzes:
        QuizAttemptFactory(quiz=quiz)


def test_quiz_pass_rates_page_most_attempts_first_and_count_up_to_a_cap(
    staff, monkeypatch
):
    monkeypatch.setattr("openprm.core.api.COUNT_CAP", 3)
    _quizzes(7)

    first = staff.get(QUIZZES, {"limit": 2}).json()
    last = staff.get(QUIZZES, {"limit": 2, "offset": 6}).json()

    assert [(row["title"], row["attempts"]) for row in first["items"]] == [
        ("Quiz 00", 2),
        ("Quiz 01", 1),
    ]
    assert (first["count"], first["count_is_capped"]) == (3, True)
    assert [row["title"] for row in last["items"]] == ["Quiz 06"]
    assert (last["count"], last["count_is_capped"]) == (7, False)


@pytest.mark.parametrize("rows", [2, 30])
def test_quiz_pass_rates_take_the_same_queries_for_any_number_of_quizzes(
    staff, django_assert_num_queries, rows
):
    _quizzes(rows)
    staff.get(QUIZZES)

    # Session, user, the capped count of quizzes, the page's groups.
    with django_assert_num_queries(4):
        body = staff.get(QUIZZES, {"limit": 100}).json()

    assert len(body["items"]) == rows


def test_an_empty_report_says_what_to_do(staff):
    page = staff.get(PAGE).content.decode()

    assert "Nobody enrolled in or completed a course in this period" in page
    assert "No quiz was submitted in this period." in page


def test_each_table_exports_as_csv(staff, world):
    response = staff.get(PAGE, {"export": "csv", "table": "courses"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert rows == [
        ["Course", "Code", "Enrolled", "Completed", "Completion (%)"],
        ["Firewall basics", world["firewall"].code, "4", "3", "75"],
        ["Sales 101", world["sales"].code, "1", "0", "0"],
    ]


def test_the_xlsx_export_follows_the_filters(staff, world):
    response = staff.get(PAGE, {"export": "xlsx", "table": "quizzes", "region": "APAC"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active

    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        [
            "Quiz",
            "Attempts",
            "Passed",
            "Pass rate (%)",
            "Learners",
            "Learners who passed",
        ],
        ["Firewall check", 1, 1, 100, 1, 1],
    ]
