"""What routing needs from the database, loaded in a fixed number of queries: the
active rules, and the candidate partners with their tier, score, lead record,
open leads and capacity. Used by the single-lead service and the batch router
alike, so that both make the same decisions (routing.py)."""

import json
from collections.abc import Iterable

from django.conf import settings
from django.db import connection
from django.db.models import Count, FloatField, Max, Q, TextField
from django.db.models.functions import Cast

from openprm.core.db import JSONListContains
from openprm.leads.models import (
    OPEN_STATUSES,
    AssignmentOutcome,
    Lead,
    LeadAssignment,
    LeadRoutingRule,
    LeadStatus,
    RoutingStrategy,
)
from openprm.leads.routing import (
    Candidate,
    CandidatePool,
    LeadFacts,
    RuleSpec,
    rule_matches,
)
from openprm.partners.choices import PartnerStatus
from openprm.partners.models import Partner
from openprm.programs.models import Enrolment
from openprm.scoring.models import PartnerScore


def _float(value) -> float | None:
    return None if value is None else float(value)


def lead_facts(lead: Lead) -> LeadFacts:
    return LeadFacts(
        country=lead.country,
        region=lead.region,
        postal_code=lead.postal_code,
        industry=lead.industry,
        product_interest=lead.product_interest,
        size_band=lead.size_band,
        latitude=_float(lead.latitude),
        longitude=_float(lead.longitude),
    )


def rule_spec(rule: LeadRoutingRule) -> RuleSpec:
    return RuleSpec(
        id=rule.pk,
        name=rule.name,
        strategy=rule.strategy,
        countries=tuple(rule.countries),
        regions=tuple(rule.regions),
        postal_prefixes=tuple(rule.postal_prefixes),
        industries=tuple(rule.industries),
        product_interests=tuple(rule.product_interests),
        size_bands=tuple(rule.size_bands),
        same_country=rule.same_country,
        same_region=rule.same_region,
        match_specialisation=rule.match_specialisation,
        match_industry=rule.match_industry,
        named_partner_id=rule.named_partner_id,
        tier_weight=rule.tier_weight,
        score_weight=rule.score_weight,
        acceptance_weight=rule.acceptance_weight,
        win_weight=rule.win_weight,
        last_partner_id=rule.last_partner_id,
    )


def active_rules() -> list[RuleSpec]:
    """The active rules in their order (one query)."""
    return [
        rule_spec(rule)
        for rule in LeadRoutingRule.objects.filter(is_active=True).order_by(
            "order", "id"
        )
    ]


def _candidate_filter(leads: list[LeadFacts], rules: list[RuleSpec]) -> Q:
    """Active partners that some rule could choose for one of these leads."""
    condition = Q(pk__in=[])
    named = sorted({rule.named_partner_id for rule in rules if rule.named_partner_id})
    if named:
        condition |= Q(pk__in=named)
    territorial = [rule for rule in rules if rule.strategy != RoutingStrategy.NAMED]
    if any(not (rule.same_country or rule.same_region) for rule in territorial):
        return Q(status=PartnerStatus.ACTIVE)
    if any(rule.same_country for rule in territorial):
        condition |= Q(country__in=sorted({lead.country for lead in leads}))
    if any(rule.same_region for rule in territorial):
        condition |= Q(region__in=sorted({lead.region for lead in leads}))
    return Q(status=PartnerStatus.ACTIVE) & condition


def _fitting_filter(lead: LeadFacts, rules: list[RuleSpec]) -> Q:
    """Active partners that one of ``rules`` (none of them named) could offer this
    lead to or name as passed over: in the rule's territory and its candidate set
    (routing._fits: region, specialisation, industry), in SQL. routing.py reads a
    candidate of a rule only through its territory and ``_fits``, so a pool of
    these partners decides as a pool of the whole territory."""
    condition = Q(pk__in=[])
    for rule in rules:
        wanted = Q()
        if rule.same_country:
            wanted &= Q(country=lead.country)
        if rule.same_region:
            wanted &= Q(region=lead.region)
        if rule.match_specialisation and lead.product_interest:
            wanted &= JSONListContains("specialisations", lead.product_interest)
        if rule.match_industry and lead.industry:
            wanted &= JSONListContains("industries", lead.industry)
        if not wanted:  # any partner: an empty Q would drop out of the OR
            return Q(status=PartnerStatus.ACTIVE)
        condition |= wanted
    return Q(status=PartnerStatus.ACTIVE) & condition


def load_pool(
    leads: list[LeadFacts],
    rules: list[RuleSpec],
    *,
    max_tier_rank: int | None = None,
    only: Q | None = None,
) -> CandidatePool:
    """The candidate partners for ``leads`` under ``rules`` (five queries).
    ``max_tier_rank`` (the tier scale of the weights) defaults to the highest
    tier among the loaded candidates; ``only`` replaces the territorial filter
    (:func:`load_lead_pool`)."""
    partners = Partner.objects.filter(
        _candidate_filter(leads, rules) if only is None else only
    )
    # The lists come as their JSON text, decoded once per distinct text (a few
    # combinations of choices among hundreds of partners), and the coordinates as
    # floats, instead of a converter call per value (a profile's largest item).
    decoded: dict[str | None, frozenset] = {}

    def listed(text: str | None) -> frozenset:
        found = decoded.get(text)
        if found is None:
            value = json.loads(text) if text else None
            found = decoded[text] = frozenset(value if isinstance(value, list) else ())
        return found

    # As the Decimal the field would give, made a float: its places, rounded.
    places = Partner._meta.get_field("latitude").decimal_places

    def coordinate(value: float | None) -> float | None:
        return None if value is None else round(value, places)

    default = settings.OPENPRM_LEAD_DEFAULT_CAPACITY
    candidates = {
        row[0]: Candidate(
            partner_id=row[0],
            name=row[1],
            country=row[2],
            region=row[3],
            specialisations=listed(row[4]),
            industries=listed(row[5]),
            latitude=coordinate(row[6]),
            longitude=coordinate(row[7]),
            capacity=default if row[8] is None else row[8],
        )
        for row in partners.values_list(
            "id",
            "name",
            "country",
            "region",
            Cast("specialisations", TextField()),
            Cast("industries", TextField()),
            Cast("latitude", FloatField()),
            Cast("longitude", FloatField()),
            "lead_capacity__max_open_leads",  # one to one: a LEFT JOIN
        )
    }
    if not candidates:
        return CandidatePool(candidates=[], max_tier_rank=max_tier_rank or 0)
    ids = partners.values("id")
    # Sub-selects rather than lists of ids: 10,000 partners stay one query each.
    tiers = (
        Enrolment.objects.filter(status="active", partner_id__in=ids)
        .values("partner_id")
        .annotate(rank=Max("tier__rank"))
        .values_list("partner_id", "rank")
    )
    for partner_id, rank in tiers:
        candidates[partner_id].tier_rank = rank or 0
    scores = (
        PartnerScore.objects.filter(
            is_current=True, scorecard__is_active=True, partner_id__in=ids
        )
        .values("partner_id")
        .annotate(best=Max("score"))
        .values_list("partner_id", "best")
    )
    for partner_id, best in scores:
        candidates[partner_id].score = float(best or 0)
    answered = (
        AssignmentOutcome.ACCEPTED,
        AssignmentOutcome.REJECTED,
        AssignmentOutcome.RECALLED,
    )
    record = (
        LeadAssignment.objects.filter(partner_id__in=ids, outcome__in=answered)
        .values("partner_id")
        .annotate(
            offered=Count("id"),
            accepted=Count("id", filter=Q(outcome=AssignmentOutcome.ACCEPTED)),
        )
        .values_list("partner_id", "offered", "accepted")
    )
    for partner_id, offered, accepted in record:
        candidates[partner_id].offered = offered
        candidates[partner_id].accepted = accepted
    holding = (
        Lead.objects.filter(current_partner_id__in=ids)
        .values("current_partner_id")
        .annotate(
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            won=Count("id", filter=Q(status=LeadStatus.CONVERTED)),
            lost=Count("id", filter=Q(status=LeadStatus.LOST)),
        )
        .values_list("current_partner_id", "open", "won", "lost")
    )
    for partner_id, open_leads, won, lost in holding:
        candidate = candidates[partner_id]
        candidate.open_leads, candidate.won, candidate.lost = open_leads, won, lost
    return CandidatePool(
        candidates=candidates.values(), max_tier_rank=max_tier_rank or 0
    )


def load_lead_pool(lead: LeadFacts, rules: list[RuleSpec]) -> CandidatePool:
    """The candidates one lead can be routed to: only those of the rules whose
    conditions the lead meets (routing.route skips the others without looking at
    a candidate; all the rules when a named rule matches), in those rules'
    territory (the lead's country or region, or the named partner). The tier
    scale stays that of every active rule's candidates, as :func:`load_pool` with
    all the rules gives it, so that the weights and reasons are the same (one
    aggregate query). Six queries whose rows grow with the lead's territory, not
    with every partner."""
    matching = [rule for rule in rules if rule_matches(rule, lead) is not None]
    if not matching:
        return CandidatePool(candidates=[])
    only = _fitting_filter(lead, matching)
    if any(rule.strategy == RoutingStrategy.NAMED for rule in matching):
        # A named rule lists the partners offered this lead before among those
        # loaded for any rule (routing._with_exclusions): load them all, as before.
        matching, only = rules, None
    highest = Enrolment.objects.filter(
        status="active",
        partner_id__in=Partner.objects.filter(_candidate_filter([lead], rules)).values(
            "id"
        ),
    ).aggregate(rank=Max("tier__rank"))["rank"]
    return load_pool([lead], matching, max_tier_rank=highest or 0, only=only)


def exclusions(lead_ids: Iterable[int]) -> dict[int, dict[int, str]]:
    """For each lead, the partners it was offered to before and why they may not
    get it again (one query)."""
    why = {
        AssignmentOutcome.REJECTED: "rejected this lead before",
        AssignmentOutcome.RECALLED: "let this lead's acceptance time pass before",
        AssignmentOutcome.ACCEPTED: "accepted this lead before",
        AssignmentOutcome.PENDING: "holds this lead's open offer",
    }
    found: dict[int, dict[int, str]] = {}
    lead_ids = list(lead_ids)
    if not lead_ids:
        return found
    # A plain query: the ORM would prepare each of a batch's 2,000 ids in turn.
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        wanted, parameters = "= ANY(%s)", [lead_ids]  # one array parameter
    else:
        wanted, parameters = f"IN ({', '.join(['%s'] * len(lead_ids))})", lead_ids
    # Identifiers from the model's metadata, quoted; values are parameters.
    sql = (
        "SELECT lead_id, partner_id, outcome FROM "  # noqa: S608
        f"{quote(LeadAssignment._meta.db_table)} WHERE lead_id {wanted}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        rows = cursor.fetchall()
    for lead_id, partner_id, outcome in rows:
        found.setdefault(lead_id, {})[partner_id] = why[outcome]
    return found
