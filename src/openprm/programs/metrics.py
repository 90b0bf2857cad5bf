"""The catalogue of metrics a tier requirement can be declared on.

A metric is declared before its data exist: later capabilities (sales data, learning,
deals, scorecards) provide the values and flip ``available``. A requirement on a
metric that is not available is "not yet measured", never failed.

The apps that measure (``metrics``, ``certifications``) register from their
``hooks.py``: :func:`register_metric` declares or replaces a metric, and
:func:`register_values` a provider of figures for many partners at once,
``provider(partner_ids) -> {partner id: {metric code: value}}``.
"""

from collections.abc import Callable, Iterable
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
        # Counted by the certifications app (its registered values); read from the
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


ValuesProvider = Callable[[list[int]], dict[int, dict[str, Decimal | int]]]
_providers: dict[str, ValuesProvider] = {}
# The metrics each provider answers for, when it declared them.
_provides: dict[str, frozenset[str]] = {}


def register_metric(metric: Metric) -> None:
    CATALOGUE[metric.code] = metric


def register_values(
    name: str, provider: ValuesProvider, *, metrics: Iterable[str] | None = None
) -> None:
    """Add a provider of figures; ``metrics`` names the only metrics it answers
    for, so that a reader needing none of them does not ask it."""
    _providers[name] = provider
    if metrics is None:
        _provides.pop(name, None)
    else:
        _provides[name] = frozenset(metrics)


def measured_values(
    partner_ids: Iterable[int], *, metrics: Iterable[str] | None = None
) -> dict[int, dict[str, Decimal | int]]:
    """Every registered provider's figures for these partners (a fixed number of
    queries per provider, whatever the number of partners); with ``metrics``,
    only the providers that may answer for one of them (the others' figures
    would not be read: a tier card whose requirements name no certification
    does not count certified people)."""
    ids = list(partner_ids)
    wanted = None if metrics is None else frozenset(metrics)
    values: dict[int, dict[str, Decimal | int]] = {pk: {} for pk in ids}
    for name, provider in _providers.items():
        provides = _provides.get(name)
        if wanted is not None and provides is not None and provides.isdisjoint(wanted):
            continue
        for partner_id, figures in provider(ids).items():
            values.setdefault(partner_id, {}).update(figures)
    return values


def metric_choices() -> list[tuple[str, str]]:
    return [(metric.code, metric.label) for metric in CATALOGUE.values()]


def get_metric(code: str) -> Metric | None:
    return CATALOGUE.get(code)
