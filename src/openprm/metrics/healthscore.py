"""The health score: a partner's figures against a programme's weighted targets,
0 to 100, with a reason per metric; and when a new score calls for an alert
(no I/O).

Each measure earns its weight times the share of its target reached over the
last 12 months (capped at the whole weight): higher figures are healthier. A
metric with no figure (nothing to divide by yet) earns nothing.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from openprm.metrics import catalogue
from openprm.metrics.formatting import figure

HUNDRED = Decimal(100)
PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Measure:
    metric: str
    weight: int
    target: Decimal


def score(
    measures: Iterable[Measure], values: Mapping[str, Decimal | None]
) -> tuple[Decimal, list[dict]]:
    """The score (0-100, two decimals) and its breakdown: per measure the metric,
    its label, weight, target, the figure, the points earned and a reason."""
    rows, earned, total = [], Decimal(0), 0
    for measure in measures:
        target = Decimal(measure.target)
        metric = catalogue.get_metric(measure.metric)
        value = values.get(measure.metric)
        share = Decimal(0)
        if value is not None and target > 0:
            share = min(Decimal(value) / target, Decimal(1))
            share = max(share, Decimal(0))
        points = (share * measure.weight).quantize(PLACES)
        earned += share * measure.weight
        total += measure.weight
        label = str(metric.label) if metric else measure.metric
        if value is None:
            reason = _("%(metric)s: no figure yet.") % {"metric": label}
        else:
            reason = _("%(metric)s is %(value)s of a target of %(target)s.") % {
                "metric": label,
                "value": figure(Decimal(value), metric) if metric else value,
                "target": figure(target, metric) if metric else target,
            }
        rows.append(
            {
                "metric": measure.metric,
                "label": label,
                "weight": measure.weight,
                "target": str(target),
                "value": None if value is None else str(value),
                "points": str(points),
                "reason": reason,
            }
        )
    result = (earned * HUNDRED / total).quantize(PLACES) if total else Decimal(0)
    return result, rows


def alert_reason(
    *,
    previous: Decimal | None,
    current: Decimal,
    at_risk_below: Decimal,
    alert_drop: Decimal,
) -> str:
    """Why the channel manager should hear of this score, or "" : it fell below
    the at-risk line (not while it stays there), or it dropped by at least
    ``alert_drop`` points since the last score."""
    if current < at_risk_below and (previous is None or previous >= at_risk_below):
        return _("Its health score fell to %(score)s, below %(line)s.") % {
            "score": current,
            "line": at_risk_below,
        }
    if previous is not None and previous - current >= alert_drop:
        return _("Its health score dropped by %(points)s points, to %(score)s.") % {
            "points": previous - current,
            "score": current,
        }
    return ""
