"""Evaluating a tier's requirements against measured metric values (no I/O).

Each requirement comes out met, not met, or not evaluable (its metric is not measured
yet, or no value was given), with a reason a person can read.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from openprm.core.formatting import format_number
from openprm.programs.choices import Operator
from openprm.programs.metrics import get_metric


class Outcome(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    NOT_EVALUABLE = "not_evaluable", _("Not yet measured")


@dataclass(frozen=True)
class RequirementRule:
    """What a requirement declares (a ``TierRequirement`` fits this shape)."""

    metric: str
    operator: str
    threshold: Decimal


@dataclass(frozen=True)
class RequirementResult:
    requirement: object
    outcome: Outcome
    value: Decimal | None
    reason: str

    @property
    def is_met(self) -> bool:
        return self.outcome == Outcome.MET


def _compare(value: Decimal, operator: str, threshold: Decimal) -> bool:
    if operator == Operator.AT_LEAST:
        return value >= threshold
    if operator == Operator.AT_MOST:
        return value <= threshold
    if operator == Operator.EQUAL:
        return value == threshold
    raise ValueError(f"Unknown operator {operator!r}")


def evaluate_requirement(requirement, values: Mapping[str, Decimal | int]):
    """One requirement against the metric values (missing key: not measured)."""
    metric = get_metric(requirement.metric)
    label = metric.label if metric else requirement.metric
    wanted = {
        "metric": label,
        "operator": Operator(requirement.operator).label,
        "threshold": format_number(requirement.threshold),
    }
    if metric is None or not metric.available or requirement.metric not in values:
        return RequirementResult(
            requirement,
            Outcome.NOT_EVALUABLE,
            None,
            str(
                _(
                    "%(metric)s is not measured yet "
                    "(needed: %(operator)s %(threshold)s)."
                )
                % wanted
            ),
        )
    value = Decimal(values[requirement.metric])
    met = _compare(value, requirement.operator, Decimal(requirement.threshold))
    message = (
        _("%(metric)s is %(value)s: %(operator)s %(threshold)s is met.")
        if met
        else _("%(metric)s is %(value)s: %(operator)s %(threshold)s is not met.")
    )
    return RequirementResult(
        requirement,
        Outcome.MET if met else Outcome.NOT_MET,
        value,
        str(message % {**wanted, "value": format_number(value)}),
    )


def evaluate_requirements(
    requirements: Iterable, values: Mapping[str, Decimal | int]
) -> list[RequirementResult]:
    """Every requirement of a tier, in the given order."""
    return [evaluate_requirement(item, values) for item in requirements]
