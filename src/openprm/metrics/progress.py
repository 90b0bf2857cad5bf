"""What the partner sees of its tier ("frequent flyer"): each requirement of the
tier it holds and of the next one, its figure over the last 12 months, what is
left, and when the next evaluation runs; and, on the home's work list, a
demotion it can still avoid."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openprm.core.models import SweepRun
from openprm.core.worklist import Contribution, WorkItem
from openprm.metrics import requirements, selectors
from openprm.metrics.evaluation import judged
from openprm.metrics.models import RecommendationStatus, TierRecommendation
from openprm.programs.metrics import get_metric
from openprm.programs.selectors import partner_enrolments_for_portal

EVALUATION_SWEEP = "metrics.evaluate_tiers"


def next_evaluation() -> datetime.datetime:
    """When the nightly evaluation runs next (tomorrow when it never ran)."""
    found = (
        SweepRun.objects.filter(name=EVALUATION_SWEEP)
        .values_list("next_run_at", flat=True)
        .first()
    )
    return found or timezone.now() + datetime.timedelta(days=1)


def _rows(tier, values) -> list[dict]:
    rows = judged(tier.requirements.all(), values)
    for row in rows:
        metric = get_metric(row["metric"])
        row["label"] = metric.label if metric else row["metric"]
        row["unit"] = metric.unit if metric else ""
    return rows


def _held_and_next(enrolment) -> tuple:
    tiers = list(enrolment.programme.tiers.all())
    current = next(tier for tier in tiers if tier.pk == enrolment.tier_id)
    following = next((tier for tier in tiers if tier.rank > current.rank), None)
    return current, following


def tier_progress(*, partner) -> dict:
    """Each active enrolment with its tier's and the next tier's requirements,
    any open recommendation, and the health scores (a fixed number of queries)."""
    enrolments = partner_enrolments_for_portal(partner=partner, benefits=False)
    shown = [(enrolment, *_held_and_next(enrolment)) for enrolment in enrolments]
    # What the tier evaluation judges (the rollups and every measuring app's
    # figures, e.g. certified people), so the partner reads the same numbers;
    # only the providers of the metrics the shown requirements name are asked.
    named = {
        requirement.metric
        for _enrolment, current, following in shown
        for tier in (current, following)
        if tier is not None
        for requirement in tier.requirements.all()
    }
    values = (
        requirements.evaluation_values([partner.pk], metrics=named).get(partner.pk, {})
        if enrolments
        else {}
    )
    open_items = {
        item.enrolment_id: item
        for item in TierRecommendation.objects.filter(
            partner=partner,
            status__in=[RecommendationStatus.PENDING, RecommendationStatus.APPROVED],
        ).select_related("to_tier")
    }
    cards = []
    for enrolment, current, following in shown:
        cards.append(
            {
                "enrolment": enrolment,
                "tier": current,
                "held": _rows(current, values),
                "next_tier": following,
                "next": _rows(following, values) if following else [],
                "recommendation": open_items.get(enrolment.pk),
            }
        )
    return {
        "cards": cards,
        "next_evaluation": next_evaluation() if cards else None,
        "health": selectors.health_for_partner(partner_ids=[partner.pk])
        if cards
        else [],
    }


def portal_home_work(*, user, partner) -> Contribution:
    """A demotion under way is work for the partner: the requirement to meet
    before its grace period ends (one query)."""
    items = []
    for item in TierRecommendation.objects.filter(
        partner=partner,
        direction="demote",
        status__in=[RecommendationStatus.PENDING, RecommendationStatus.APPROVED],
    ).select_related("from_tier"):
        missed = [row for row in item.results if row["outcome"] == "not_met"]
        items.append(
            WorkItem(
                kind=_("Tier"),
                title=_("Keep your %(tier)s tier") % {"tier": item.from_tier.name},
                url=reverse("portal:tier_progress_page"),
                due_at=item.effective_at,
                detail=" ".join(row["reason"] for row in missed),
            )
        )
    return Contribution(items=items)
