from decimal import Decimal

from openprm.programs import metrics
from openprm.programs.requirements import (
    Outcome,
    RequirementRule,
    evaluate_requirement,
    evaluate_requirements,
)


def rule(metric="active_users", operator=">=", threshold="3"):
    return RequirementRule(
        metric=metric, operator=operator, threshold=Decimal(threshold)
    )


def test_a_value_at_the_threshold_meets_at_least():
    result = evaluate_requirement(rule(), {"active_users": 3})

    assert result.outcome == Outcome.MET
    assert result.value == Decimal(3)
    assert result.reason == "Active portal users is 3: at least 3 is met."


def test_a_value_below_the_threshold_does_not_meet_at_least():
    result = evaluate_requirement(rule(), {"active_users": 2})

    assert result.outcome == Outcome.NOT_MET
    assert result.reason == "Active portal users is 2: at least 3 is not met."


def test_at_most_and_exactly_compare_as_declared():
    values = {"active_users": 5}

    assert evaluate_requirement(rule(operator="<=", threshold="5"), values).is_met
    assert not evaluate_requirement(rule(operator="<=", threshold="4"), values).is_met
    assert evaluate_requirement(rule(operator="==", threshold="5"), values).is_met
    assert not evaluate_requirement(rule(operator="==", threshold="6"), values).is_met


def test_a_metric_without_data_yet_is_not_evaluable_even_with_a_value(monkeypatch):
    # Every metric declared today is measured (the metrics app): one declared
    # ahead of its data.
    monkeypatch.setitem(
        metrics.CATALOGUE, "partner_nps", metrics.Metric("partner_nps", "NPS", "")
    )
    result = evaluate_requirement(
        rule(metric="partner_nps", threshold="2.00"), {"partner_nps": 9}
    )

    assert result.outcome == Outcome.NOT_EVALUABLE
    assert result.value is None
    assert result.reason == "NPS is not measured yet (needed: at least 2)."


def test_figures_read_as_numbers_not_as_stored():
    result = evaluate_requirement(
        rule(metric="certified_people", threshold="2.00"),
        {"certified_people": Decimal("23")},
    )

    assert result.reason == "Certified people is 23: at least 2 is met."


def test_an_available_metric_without_a_value_is_not_evaluable():
    result = evaluate_requirement(rule(), {})

    assert result.outcome == Outcome.NOT_EVALUABLE


def test_an_unknown_metric_is_not_evaluable():
    result = evaluate_requirement(rule(metric="moon_phase"), {"moon_phase": 1})

    assert result.outcome == Outcome.NOT_EVALUABLE


def test_every_requirement_is_evaluated_in_order():
    results = evaluate_requirements(
        [rule(), rule(metric="trailing_12m_sales", threshold="100000")],
        {"active_users": 4},
    )

    assert [result.outcome for result in results] == [
        Outcome.MET,
        Outcome.NOT_EVALUABLE,
    ]
