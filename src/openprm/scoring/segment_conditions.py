"""The ``score`` condition of segment rules: partners whose current score on a
scorecard lies between two bounds.

Registered with ``segments.rules.register_field`` when this module is imported
(``SegmentsConfig.ready()`` imports every app's ``segment_conditions``); a
condition reads::

    {"field": "score", "op": "between",
     "value": {"scorecard": "<scorecard id>", "min": 60, "max": 100}}

``gte`` takes ``min`` only, ``lte`` ``max`` only; bounds are inclusive, 0-100. The
query reads the current scores (``is_current``), which follow their partner (the
``scoring.recompute_partner`` subscriber), so membership follows the partner too.
"""

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openprm.scoring.models import PartnerScore, Scorecard
from openprm.segments.rules import FieldSpec, RuleError, register_field

OPS = ("between", "gte", "lte")
BOUNDS = {"between": ("min", "max"), "gte": ("min",), "lte": ("max",)}


def _bound(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RuleError(_("Give scores as numbers from 0 to 100."))
    if not 0 <= value <= 100:
        raise RuleError(_("Give scores as numbers from 0 to 100."))
    return Decimal(str(value))


def clean(op: str, value: Any) -> Any:
    bounds = BOUNDS[op]
    if not isinstance(value, dict) or set(value) != {"scorecard", *bounds}:
        keys = ", ".join(f'"{key}"' for key in ("scorecard", *bounds))
        raise RuleError(_("Give an object with %(keys)s.") % {"keys": keys})
    try:
        public_id = UUID(str(value["scorecard"]))
    except ValueError:
        raise RuleError(_("Give the scorecard's id.")) from None
    numbers = [_bound(value[key]) for key in bounds]
    if op == "between" and numbers[0] > numbers[1]:
        raise RuleError(_("The minimum is above the maximum."))
    if not Scorecard.objects.filter(public_id=public_id).exists():
        raise RuleError(_("Unknown scorecard."))
    return value


def to_q(op: str, value: Any) -> Q:
    scores = PartnerScore.objects.filter(
        scorecard__public_id=value["scorecard"], is_current=True
    )
    if "min" in value:
        scores = scores.filter(score__gte=_bound(value["min"]))
    if "max" in value:
        scores = scores.filter(score__lte=_bound(value["max"]))
    return Q(pk__in=scores.values("partner_id"))


def scorecard_choices() -> list[dict]:
    """The scorecards a condition may name, for the rule editor."""
    return [
        {"id": str(public_id), "name": name}
        for public_id, name in Scorecard.objects.order_by("name", "id").values_list(
            "public_id", "name"
        )
    ]


SCORE_FIELD = FieldSpec(_("Score"), OPS, clean, to_q, choices=scorecard_choices)
register_field("score", SCORE_FIELD)
