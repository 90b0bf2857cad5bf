"""The pure decisions: routing and the checking of answers."""

from types import SimpleNamespace

import pytest

from openprm.onboarding import questions, routing
from openprm.onboarding.choices import QuestionKind

FACTS = routing.Facts(
    programme_id=7, region="EMEA", country="DE", partner_types=("reseller", "msp")
)


def rule(name, **conditions):
    values = {
        "name": name,
        "is_active": True,
        "programme_id": None,
        "programme": None,
        "regions": [],
        "countries": [],
        "partner_types": [],
        "user": SimpleNamespace(email=f"{name}@vendor.example"),
        "queue": None,
    }
    values.update(conditions)
    return SimpleNamespace(**values)


def test_the_first_matching_rule_in_order_wins():
    rules = [
        rule("apac", regions=["APAC"]),
        rule("emea", regions=["EMEA"]),
        rule("any"),
    ]
    decision = routing.route(FACTS, rules)
    assert decision.rule.name == "emea"
    assert decision.user.email == "emea@vendor.example"
    assert "region EMEA" in decision.reason
    assert "emea@vendor.example" in decision.reason


@pytest.mark.parametrize(
    "conditions",
    [
        {"countries": ["FR"]},
        {"partner_types": ["distributor"]},
        {"programme_id": 8, "programme": "Other"},
        {"regions": ["EMEA"], "countries": ["FR"]},
        {"is_active": False},
    ],
)
def test_a_rule_whose_condition_fails_does_not_match(conditions):
    decision = routing.route(FACTS, [rule("strict", **conditions)])
    assert decision.rule is None


def test_every_condition_holding_matches_and_says_which():
    decision = routing.route(
        FACTS,
        [
            rule(
                "all",
                programme_id=7,
                programme="Reseller",
                regions=["EMEA"],
                countries=["DE", "AT"],
                partner_types=["msp"],
            )
        ],
    )
    assert decision.rule.name == "all"
    for words in ("programme Reseller", "country DE", "partner type msp"):
        assert words in decision.reason


def test_no_match_goes_to_the_fallback_queue():
    fallback = SimpleNamespace(name="Triage")
    decision = routing.route(FACTS, [rule("apac", regions=["APAC"])], fallback)
    assert decision.rule is None
    assert decision.queue is fallback
    assert "fallback queue Triage" in decision.reason


def test_no_match_and_no_fallback_is_said():
    decision = routing.route(FACTS, [])
    assert (decision.user, decision.queue) == (None, None)
    assert "no fallback queue" in decision.reason


def question(kind, **fields):
    values = {"key": "q", "kind": kind, "choices": [], "is_required": False}
    values.update(fields)
    return SimpleNamespace(**values)


@pytest.mark.parametrize(
    ("q", "answer", "expected"),
    [
        (question(QuestionKind.TEXT), "  Yes we do ", "Yes we do"),
        (question(QuestionKind.NUMBER), "12", 12),
        (question(QuestionKind.NUMBER), "2.5", 2.5),
        (question(QuestionKind.CHOICE, choices=["a", "b"]), "b", "b"),
        (
            question(QuestionKind.MULTI_CHOICE, choices=["a", "b", "c"]),
            ["c", "a"],
            ["a", "c"],
        ),
        (question(QuestionKind.BOOLEAN), "on", True),
    ],
)
def test_answers_are_stored_by_type(q, answer, expected):
    checked = questions.check_answers([q], {"q": answer})
    assert checked.errors == {}
    assert checked.values == {"q": expected}


@pytest.mark.parametrize(
    ("q", "answer"),
    [
        (question(QuestionKind.NUMBER), "twelve"),
        (question(QuestionKind.NUMBER), True),
        (question(QuestionKind.CHOICE, choices=["a", "b"]), "z"),
        (question(QuestionKind.MULTI_CHOICE, choices=["a", "b"]), ["a", "z"]),
        (question(QuestionKind.TEXT, is_required=True), ""),
        (question(QuestionKind.BOOLEAN, is_required=True), False),
    ],
)
def test_wrong_or_missing_answers_are_refused(q, answer):
    checked = questions.check_answers([q], {"q": answer})
    assert list(checked.errors) == ["answers.q"]


def test_an_answer_to_no_question_is_refused():
    checked = questions.check_answers([], {"ghost": "boo"})
    assert list(checked.errors) == ["answers.ghost"]


def test_an_optional_yes_no_question_left_out_is_no_answer_and_no_error():
    checked = questions.check_answers([question(QuestionKind.BOOLEAN)], {})
    assert (checked.errors, checked.values) == ({}, {})


def test_a_required_yes_no_question_left_out_must_be_confirmed():
    checked = questions.check_answers(
        [question(QuestionKind.BOOLEAN, is_required=True)], {}
    )
    assert checked.errors == {"answers.q": ["This must be confirmed."]}
