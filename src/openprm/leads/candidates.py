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
    LeadCapacity,
    LeadRoutingRule,
    LeadStatus,
    RoutingStrategy,
)
from openprm.leads.routing import (
    PASSED_OVER_LIMIT,
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


def load_lead_pool(
    lead: LeadFacts, rules: list[RuleSpec], *, excluded: dict[int, str] | None = None
) -> CandidatePool:
    """The candidates one lead can be routed to, for ``routing.route`` with the
    same ``excluded``: only those of the rules whose conditions the lead meets
    (routing.route skips the others without looking at a candidate), and of those
    only what their strategies can look at (:func:`_lean_rows`), rule after rule
    until one has an eligible partner (routing stops there). A named rule needs
    every rule's candidates (:func:`_whole_lead_pool`). The tier scale stays that
    of every active rule's candidates, as :func:`load_pool` with all the rules
    gives it, so that the weights and reasons are the same (one aggregate query).
    A few queries whose rows do not grow with the partners but for the nearest
    strategy (its fitting partners with coordinates)."""
    excluded = excluded or {}
    matching = [rule for rule in rules if rule_matches(rule, lead) is not None]
    if not matching:
        return CandidatePool(candidates=[])
    highest = _highest_tier(lead, rules)
    if any(rule.strategy == RoutingStrategy.NAMED for rule in matching):
        return _whole_lead_pool(lead, rules, matching, highest)
    loaded: dict[int, Candidate] = {}
    if excluded:
        # routing._with_exclusions names the partners offered the lead before
        # among every loaded candidate that fits the rule: load them all.
        only = _fitting_filter(lead, matching) & Q(pk__in=sorted(excluded))
        loaded.update(_lean_rows(only, "", []))
    for rule in matching:
        if rule.strategy == RoutingStrategy.NEAREST and (
            lead.latitude is None or lead.longitude is None
        ):
            continue  # the strategy finds nobody without the lead's coordinates
        rows = _rule_rows(rule, lead, excluded, highest or 0)
        loaded.update(rows)
        if any(
            item.has_room and item.partner_id not in excluded for item in rows.values()
        ):
            break  # this rule finds a partner: routing tries no later rule
    return CandidatePool(candidates=loaded.values(), max_tier_rank=highest or 0)


def _highest_tier(lead: LeadFacts, rules: list[RuleSpec]) -> int | None:
    return Enrolment.objects.filter(
        status="active",
        partner_id__in=Partner.objects.filter(_candidate_filter([lead], rules)).values(
            "id"
        ),
    ).aggregate(rank=Max("tier__rank"))["rank"]


def _whole_lead_pool(lead, rules, matching, highest) -> CandidatePool:
    """Every candidate of the matching rules' fitting territories (of every rule
    when a named rule matches: it lists the partners offered this lead before
    among those loaded for any rule, routing._with_exclusions)."""
    only = _fitting_filter(lead, matching)
    if any(rule.strategy == RoutingStrategy.NAMED for rule in matching):
        matching, only = rules, None
    return load_pool([lead], matching, max_tier_rank=highest or 0, only=only)


# Rows of a weighted order and of a rotation read beyond what routing.py can
# name (the refused candidates before the chosen one, PASSED_OVER_LIMIT at most,
# the chosen one and three runners-up): a margin, not a need.
_MARGIN = 2
_RUNNERS_UP = 3


def _rule_rows(
    rule: RuleSpec, lead: LeadFacts, excluded: dict[int, str], highest: int
) -> dict[int, Candidate]:
    """What the rule's strategy looks at for this lead, read in SQL in the
    strategy's own order: for a weighted rule its best candidates by weight (the
    weight computed in the query) and its best eligible ones; for a round-robin
    the next candidates after the rule's position by id and the next eligible
    one, both also from the start (the rotation wraps); for the nearest, every
    fitting candidate with coordinates (the distance is computed in Python).
    routing.py's scans, run over these rows, make the decision they make over
    the whole territory: they name at most PASSED_OVER_LIMIT refused candidates
    before the chosen one (the first eligible) and three eligible runners-up
    after it; a test compares both."""
    only = _fitting_filter(lead, [rule])
    head = PASSED_OVER_LIMIT + _MARGIN
    # The SQL below is made of fixed text and placeholders only; every value
    # (limits, ids, weights) is a parameter.
    eligible = "open_leads < capacity"
    eligible_params: list = []
    if excluded:
        eligible += f" AND id NOT IN ({', '.join(['%s'] * len(excluded))})"
        eligible_params = sorted(excluded)
    if rule.strategy == RoutingStrategy.WEIGHTED:
        weight, weight_params = _weight_sql(rule, highest)
        tail = (
            f", ranked AS (SELECT fitting.*, {weight} AS weight FROM fitting) "  # noqa: S608
            "SELECT * FROM (SELECT * FROM ranked ORDER BY weight DESC, id LIMIT %s) "
            "first_rows UNION ALL SELECT * FROM (SELECT * FROM ranked WHERE "
            f"{eligible} ORDER BY weight DESC, id LIMIT %s) best_eligible"
        )
        params = [*weight_params, head, *eligible_params]
        return _lean_rows(only, tail, [*params, _RUNNERS_UP + 1 + _MARGIN])
    if rule.strategy == RoutingStrategy.ROUND_ROBIN:
        arms = [
            "SELECT * FROM (SELECT * FROM fitting ORDER BY id LIMIT %s) start_rows",
            f"SELECT * FROM (SELECT * FROM fitting WHERE {eligible} "  # noqa: S608
            "ORDER BY id LIMIT 1) start_eligible",
        ]
        params = [head, *eligible_params]
        if rule.last_partner_id is not None:
            arms += [
                "SELECT * FROM (SELECT * FROM fitting WHERE id > %s ORDER BY id "
                "LIMIT %s) next_rows",
                f"SELECT * FROM (SELECT * FROM fitting WHERE id > %s AND {eligible} "  # noqa: S608
                "ORDER BY id LIMIT 1) next_eligible",
            ]
            params += [rule.last_partner_id, head, rule.last_partner_id]
            params += eligible_params
        return _lean_rows(only, " " + " UNION ALL ".join(arms), params)
    placed = Q(latitude__isnull=False, longitude__isnull=False)
    return _lean_rows(only & placed, "", [])


def _weight_sql(rule: RuleSpec, highest: int) -> tuple[str, list]:
    """CandidatePool.weight in SQL, term by term in the same order (IEEE doubles
    on both databases, so the same values; routing.py sorts the rows again by its
    own weight anyway)."""
    real = _real()
    total = (rule.tier_weight + rule.score_weight + rule.acceptance_weight) + (
        rule.win_weight
    )
    if not total:
        return "0.0", []
    tier, tier_params = "0", []
    if highest:
        tier, tier_params = f"CAST(tier_rank AS {real}) / %s", [highest]
    sql = (
        f"(%s * ({tier}) + %s * score / 100 + %s * (CAST(accepted + 1 AS {real}) / "
        f"(offered + 2)) + %s * (CAST(won + 1 AS {real}) / (won + lost + 2))) / %s"
    )
    params = [
        float(rule.tier_weight),
        *tier_params,
        float(rule.score_weight),
        float(rule.acceptance_weight),
        float(rule.win_weight),
        float(total),
    ]
    return sql, params


def _real() -> str:
    return "double precision" if connection.vendor == "postgresql" else "REAL"


def _lean_rows(only: Q, tail: str, tail_params: list) -> dict[int, Candidate]:
    """The partners of ``only`` with everything routing reads of them — place,
    lists, coordinates, capacity, tier, best score, offers answered and accepted,
    open, won and lost leads — in one query: a ``fitting`` common table (the
    figures as correlated sub-selects over indexed columns) that ``tail`` selects
    from (every row when empty)."""
    quote, real = connection.ops.quote_name, _real()
    partner = quote(Partner._meta.db_table)
    query = Partner.objects.filter(only).query
    compiler = query.get_compiler(connection=connection)
    where, where_params = compiler.compile(query.where)
    table = {
        model: quote(model._meta.db_table)
        for model in (LeadCapacity, Enrolment, LeadAssignment, Lead)
    }
    tier_table = quote(Enrolment._meta.get_field("tier").related_model._meta.db_table)
    score_table = quote(PartnerScore._meta.db_table)
    card_table = quote(
        PartnerScore._meta.get_field("scorecard").related_model._meta.db_table
    )
    open_marks = ", ".join(["%s"] * len(OPEN_STATUSES))
    answered = (
        AssignmentOutcome.ACCEPTED,
        AssignmentOutcome.REJECTED,
        AssignmentOutcome.RECALLED,
    )
    # Identifiers from the models' metadata, quoted; values are parameters.
    fitting = (
        f"SELECT {partner}.id AS id, {partner}.name AS name, "  # noqa: S608
        f"{partner}.country AS country, {partner}.region AS region, "
        f"CAST({partner}.specialisations AS TEXT) AS specialisations, "
        f"CAST({partner}.industries AS TEXT) AS industries, "
        f"CAST({partner}.latitude AS {real}) AS latitude, "
        f"CAST({partner}.longitude AS {real}) AS longitude, "
        f"COALESCE(capacity.max_open_leads, %s) AS capacity, "
        f"COALESCE((SELECT MAX(tier.rank) FROM {table[Enrolment]} enrolment "
        f"JOIN {tier_table} tier ON tier.id = enrolment.tier_id "
        f"WHERE enrolment.partner_id = {partner}.id AND enrolment.status = %s), 0) "
        "AS tier_rank, "
        f"COALESCE((SELECT CAST(MAX(score.score) AS {real}) FROM {score_table} score "
        f"JOIN {card_table} card ON card.id = score.scorecard_id "
        f"WHERE score.partner_id = {partner}.id AND score.is_current = %s "
        "AND card.is_active = %s), 0) AS score, "
        f"(SELECT COUNT(*) FROM {table[LeadAssignment]} offer WHERE offer.partner_id "
        f"= {partner}.id AND offer.outcome IN (%s, %s, %s)) AS offered, "
        f"(SELECT COUNT(*) FROM {table[LeadAssignment]} offer WHERE offer.partner_id "
        f"= {partner}.id AND offer.outcome = %s) AS accepted, "
        f"(SELECT COUNT(*) FROM {table[Lead]} held WHERE held.current_partner_id = "
        f"{partner}.id AND held.status IN ({open_marks})) AS open_leads, "
        f"(SELECT COUNT(*) FROM {table[Lead]} held WHERE held.current_partner_id = "
        f"{partner}.id AND held.status = %s) AS won, "
        f"(SELECT COUNT(*) FROM {table[Lead]} held WHERE held.current_partner_id = "
        f"{partner}.id AND held.status = %s) AS lost "
        f"FROM {partner} LEFT JOIN {table[LeadCapacity]} capacity "
        f"ON capacity.partner_id = {partner}.id WHERE {where}"
    )
    params = [
        settings.OPENPRM_LEAD_DEFAULT_CAPACITY,
        "active",
        True,
        True,
        *answered,
        AssignmentOutcome.ACCEPTED,
        *OPEN_STATUSES,
        LeadStatus.CONVERTED,
        LeadStatus.LOST,
        *where_params,
    ]
    sql = f"WITH fitting AS ({fitting}){tail or ' SELECT * FROM fitting'}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *tail_params])
        rows = cursor.fetchall()
    decoded: dict[str | None, frozenset] = {}

    def listed(text: str | None) -> frozenset:
        found = decoded.get(text)
        if found is None:
            value = json.loads(text) if text else None
            found = decoded[text] = frozenset(value if isinstance(value, list) else ())
        return found

    places = Partner._meta.get_field("latitude").decimal_places
    found: dict[int, Candidate] = {}
    for row in rows:
        if row[0] in found:
            continue  # in two arms of the query
        found[row[0]] = Candidate(
            partner_id=row[0],
            name=row[1],
            country=row[2],
            region=row[3],
            specialisations=listed(row[4]),
            industries=listed(row[5]),
            latitude=None if row[6] is None else round(row[6], places),
            longitude=None if row[7] is None else round(row[7], places),
            capacity=row[8],
            tier_rank=row[9] or 0,
            score=float(row[10] or 0),
            offered=row[11],
            accepted=row[12],
            open_leads=row[13],
            won=row[14],
            lost=row[15],
        )
    return found


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
