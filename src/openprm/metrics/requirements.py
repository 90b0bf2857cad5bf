"""The figures tier requirements read: every metric of the catalogue over the last
12 months (this one included), from the month rollup, for many partners at once;
and the scorecard score, the scoring app's current fit score."""

from collections.abc import Iterable

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from openprm.metrics import catalogue, selectors
from openprm.programs import metrics as programme_metrics
from openprm.scoring.models import PartnerScore

# Codes programmes declared before the catalogue existed, and the metric each
# reads: sales are the sales partners reported (incentives), in the reporting
# currency, as the ``reported_sales`` metric (won deal revenue is ``won_revenue``).
ALIASES = {"trailing_12m_sales": "reported_sales", "deals_won_12m": "deals_won"}


def requirement_values(
    partner_ids: list[int], *, months: int = selectors.REQUIREMENT_MONTHS
) -> dict[int, dict]:
    """Each partner's figures over the last ``months`` months (one query)."""
    period = selectors.Period.trailing(months)
    found = selectors.values_for_partners(partner_ids, period=period)
    values: dict[int, dict] = {}
    for partner_id, figures in found.items():
        own = {code: value for code, value in figures.items() if value is not None}
        for alias, code in ALIASES.items():
            if code in own:
                own[alias] = own[code]
        values[partner_id] = own
    return values


def scorecard_values(partner_ids: list[int]) -> dict[int, dict]:
    """``scorecard_score``: each partner's best current score on an active
    scorecard (one grouped query); a partner never scored has no figure."""
    rows = (
        PartnerScore.objects.filter(
            partner_id__in=partner_ids, is_current=True, scorecard__is_active=True
        )
        .order_by()
        .values("partner_id")
        .annotate(best=Max("score"))
    )
    return {row["partner_id"]: {"scorecard_score": row["best"]} for row in rows}


def evaluation_values(
    partner_ids: list[int],
    *,
    months: int = selectors.REQUIREMENT_MONTHS,
    metrics: Iterable[str] | None = None,
) -> dict[int, dict]:
    """What a tier evaluation reads: every registered provider's figures (this
    app's rollups over ``months`` months, certified people and accreditations
    among them, and the scorecard score); with ``metrics``, only the providers
    that may answer for one of them."""
    values = programme_metrics.measured_values(partner_ids, metrics=metrics)
    if months != selectors.REQUIREMENT_MONTHS:
        for partner_id, figures in requirement_values(
            partner_ids, months=months
        ).items():
            values.setdefault(partner_id, {}).update(figures)
    return values


def register() -> None:
    for metric in catalogue.metrics():
        known = programme_metrics.get_metric(metric.code)
        if known is not None:  # declared by the programs app: its words stay
            programme_metrics.register_metric(
                programme_metrics.Metric(known.code, known.label, known.unit, True)
            )
            continue
        programme_metrics.register_metric(
            programme_metrics.Metric(
                metric.code,
                _("%(metric)s, last 12 months") % {"metric": metric.label},
                catalogue.Unit(metric.unit).label,
                available=True,
            )
        )
    for alias in [*ALIASES, "scorecard_score"]:
        known = programme_metrics.get_metric(alias)
        programme_metrics.register_metric(
            programme_metrics.Metric(known.code, known.label, known.unit, True)
        )
    # Registered after the certifications app's provider (INSTALLED_APPS order):
    # certified people and accreditations held are the catalogue's figures.
    programme_metrics.register_values("metrics.rollups", requirement_values)
    programme_metrics.register_values(
        "metrics.scorecards", scorecard_values, metrics=("scorecard_score",)
    )
