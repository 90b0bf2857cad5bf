"""The catalogue of metrics a tier requirement can be declared on.

A metric is declared before its data exist: later capabilities (sales data, learning,
deals, scorecards) provide the values and flip ``available``. A requirement on a
metric that is not available is "not yet measured", never failed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    unit: str
    # Whether OpenPRM can measure it yet.
    available: bool = False


CATALOGUE: dict[str, Metric] = {
    metric.code: metric
    for metric in [
        Metric("trailing_12m_sales", _("Sales, trailing 12 months"), _("currency")),
        # Counted by the certifications app (its registered source); read from the
        # partner's profile (settings.OPENPRM_CERTIFIED_PEOPLE_FIELD) without it.
        Metric("certified_people", _("Certified people"), _("people"), available=True),
        Metric(
            "accreditations_held",
            _("Accreditations held"),
            _("accreditations"),
            available=True,
        ),
        Metric("deals_won_12m", _("Deals won, trailing 12 months"), _("deals")),
        Metric("scorecard_score", _("Scorecard score"), _("points (0-100)")),
        Metric("lead_acceptance_rate", _("Lead acceptance rate"), _("%")),
        Metric("active_users", _("Active portal users"), _("users"), available=True),
    ]
}


def metric_choices() -> list[tuple[str, str]]:
    return [(metric.code, metric.label) for metric in CATALOGUE.values()]


def get_metric(code: str) -> Metric | None:
    return CATALOGUE.get(code)


# A metric measured by another app: the value for a partner (by id), or None when
# the partner has no figure.
MetricSource = Callable[[int], int | Decimal | None]
_sources: dict[str, MetricSource] = {}


def register_source(code: str, source: MetricSource) -> None:
    """Measure the catalogue's metric ``code`` with ``source`` (an app that holds
    the data registers it from its ``hooks.py``; programs cannot import it)."""
    if code not in CATALOGUE:
        raise ValueError(f"{code!r} is not a metric of the catalogue")
    _sources[code] = source


def sources() -> dict[str, MetricSource]:
    return dict(_sources)
