"""The figures tier requirements read: every metric of the catalogue over the last
12 months (this one included), from the month rollup, for many partners at once."""

from django.utils.translation import gettext_lazy as _

from openprm.metrics import catalogue, selectors
from openprm.programs import metrics as programme_metrics

# Codes programmes declared before the catalogue existed, and the metric each
# reads. Reported sales are won deal revenue until the incentives app imports
# sales data and registers its own.
ALIASES = {"trailing_12m_sales": "won_revenue", "deals_won_12m": "deals_won"}


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


def evaluation_values(
    partner_ids: list[int], *, months: int = selectors.REQUIREMENT_MONTHS
) -> dict[int, dict]:
    """What a tier evaluation reads: every registered provider's figures (the
    certifications app's counted people and accreditations, ...), this app's
    rollups over ``months`` months among them."""
    values = programme_metrics.measured_values(partner_ids)
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
    for alias in ALIASES:
        known = programme_metrics.get_metric(alias)
        programme_metrics.register_metric(
            programme_metrics.Metric(known.code, known.label, known.unit, True)
        )
    programme_metrics.register_values("metrics.rollups", requirement_values)
