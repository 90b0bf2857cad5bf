"""The routing decisions, without a database."""

import dataclasses
import random

from openprm.leads.routing import (
    Candidate,
    CandidatePool,
    LeadFacts,
    RuleSpec,
    _distance_km,
    route,
    rule_matches,
)

LEAD = LeadFacts(country="DE", region="EMEA", postal_code="10115", industry="retail")


def candidate(partner_id, **fields) -> Candidate:
    values = {
        "name": f"P{partner_id}",
        "country": "DE",
        "region": "EMEA",
        "capacity": 5,
        **fields,
    }
    return Candidate(partner_id=partner_id, **values)


def pool(*candidates) -> CandidatePool:
    return CandidatePool(candidates=list(candidates))


def test_conditions_all_have_to_match():
    rule = RuleSpec(id=1, name="DACH", strategy="weighted", countries=("DE", "AT"))
    assert rule_matches(rule, LEAD) == ["country DE"]
    rule.industries = ("finance",)
    assert rule_matches(rule, LEAD) is None


def test_postal_prefix_condition_ignores_spaces_and_case():
    rule = RuleSpec(id=1, name="Berlin", strategy="weighted", postal_prefixes=("10",))
    assert rule_matches(rule, LEAD) == ["postal code 10115 starts with 10"]
    rule.postal_prefixes = ("80",)
    assert rule_matches(rule, LEAD) is None


def test_first_matching_rule_with_an_eligible_partner_wins():
    rules = [
        RuleSpec(id=1, name="France", strategy="round_robin", countries=("FR",)),
        RuleSpec(id=2, name="Germany", strategy="round_robin", countries=("DE",)),
    ]
    decision = route(lead=LEAD, rules=rules, pool=pool(candidate(7)))
    assert (decision.partner_id, decision.rule_id) == (7, 2)
    assert decision.reasons[0] == "Rule 'Germany' matches: country DE"


def test_weighted_prefers_tier_score_and_performance_and_lists_runners_up():
    strong = candidate(1, tier_rank=3, score=90, offered=10, accepted=9, won=5)
    weak = candidate(2, tier_rank=1, score=20, offered=10, accepted=2)
    rules = [RuleSpec(id=1, name="All", strategy="weighted")]
    decision = route(lead=LEAD, rules=rules, pool=pool(weak, strong))
    assert decision.partner_id == 1
    assert decision.passed_over[0]["partner"] == 2
    assert decision.passed_over[0]["why"].startswith("lower weight")
    assert "tier 3/3, score 90, acceptance 83%" in decision.reasons[1]


def test_capacity_is_respected_and_reported():
    full = candidate(1, tier_rank=3, open_leads=5, capacity=5)
    rules = [RuleSpec(id=1, name="All", strategy="weighted")]
    decision = route(lead=LEAD, rules=rules, pool=pool(full, candidate(2)))
    assert decision.partner_id == 2
    assert decision.passed_over == [
        {"partner": 1, "name": "P1", "why": "at capacity (5/5 open leads)"}
    ]


def test_excluded_partner_is_passed_over_with_why():
    rules = [RuleSpec(id=1, name="All", strategy="round_robin")]
    decision = route(
        lead=LEAD,
        rules=rules,
        pool=pool(candidate(1), candidate(2)),
        excluded={1: "rejected this lead before"},
    )
    assert decision.partner_id == 2
    assert decision.passed_over[0]["why"] == "rejected this lead before"


def test_round_robin_rotates_and_wraps():
    rule = RuleSpec(id=1, name="All", strategy="round_robin")
    shared = pool(candidate(3), candidate(1), candidate(2))
    chosen = []
    for _ in range(4):
        decision = route(lead=LEAD, rules=[rule], pool=shared)
        chosen.append(decision.partner_id)
    assert chosen == [1, 2, 3, 1]
    assert rule.last_partner_id == 1


def test_same_country_limits_candidates():
    rule = RuleSpec(id=1, name="All", strategy="round_robin")
    decision = route(lead=LEAD, rules=[rule], pool=pool(candidate(1, country="FR")))
    assert decision.partner_id is None
    assert decision.reasons == [
        "Rule 'All' matches every lead, but no partner is eligible"
    ]


def test_specialisation_and_industry_filters():
    lead = LeadFacts(
        country="DE", region="EMEA", industry="retail", product_interest="cloud"
    )
    rule = RuleSpec(
        id=1,
        name="Cloud",
        strategy="round_robin",
        match_specialisation=True,
        match_industry=True,
    )
    fits = candidate(
        2, specialisations=frozenset({"cloud"}), industries=frozenset({"retail"})
    )
    misses = candidate(1, specialisations=frozenset({"security"}))
    assert route(lead=lead, rules=[rule], pool=pool(misses, fits)).partner_id == 2


def test_nearest_uses_distance_when_coordinates_exist():
    lead = LeadFacts(country="DE", region="EMEA", latitude=52.52, longitude=13.40)
    berlin = candidate(1, latitude=52.5, longitude=13.4)
    munich = candidate(2, latitude=48.14, longitude=11.58)
    rule = RuleSpec(id=1, name="Near", strategy="nearest")
    decision = route(lead=lead, rules=[rule], pool=pool(munich, berlin))
    assert decision.partner_id == 1
    assert decision.reasons[1].endswith("nearest eligible partner: 2 km away")
    assert decision.passed_over[0]["why"] == "farther: 504 km away"


def test_nearest_without_coordinates_falls_through_to_the_next_rule():
    rules = [
        RuleSpec(id=1, name="Near", strategy="nearest"),
        RuleSpec(id=2, name="Rest", strategy="round_robin"),
    ]
    decision = route(lead=LEAD, rules=rules, pool=pool(candidate(1)))
    assert decision.rule_id == 2
    assert decision.reasons[0] == (
        "Rule 'Near' matches every lead, but no partner is eligible"
    )


def test_named_partner_at_capacity_falls_through():
    named = candidate(9, open_leads=5)
    rules = [
        RuleSpec(id=1, name="Key", strategy="named", named_partner_id=9),
        RuleSpec(id=2, name="Rest", strategy="round_robin"),
    ]
    decision = route(lead=LEAD, rules=rules, pool=pool(named, candidate(1)))
    assert decision.partner_id == 1
    assert decision.passed_over[0] == {
        "partner": 9,
        "name": "P9",
        "why": "at capacity (5/5 open leads)",
    }


def test_take_counts_against_capacity():
    shared = pool(candidate(1, capacity=1))
    rule = RuleSpec(id=1, name="All", strategy="weighted")
    assert route(lead=LEAD, rules=[rule], pool=shared).partner_id == 1
    shared.take(1)
    assert route(lead=LEAD, rules=[rule], pool=shared).partner_id is None


def test_no_rule_matches():
    rule = RuleSpec(id=1, name="FR", strategy="weighted", countries=("FR",))
    decision = route(lead=LEAD, rules=[rule], pool=pool(candidate(1)))
    assert decision.partner_id is None
    assert decision.reasons == ["No active rule matches this lead"]


def _world(seed: int):
    rng = random.Random(seed)
    places = [("DE", "EMEA"), ("FR", "EMEA"), ("US", "NA")]
    candidates = []
    for number in range(1, 41):
        country, region = rng.choice(places)
        candidates.append(
            dict(
                partner_id=number,
                name=f"P{number}",
                country=country,
                region=region,
                specialisations=frozenset(rng.sample(["security", "cloud"], 1)),
                industries=frozenset(rng.sample(["retail", "finance"], 1)),
                tier_rank=rng.randint(0, 3),
                score=float(rng.randint(0, 100)),
                offered=rng.randint(0, 9),
                accepted=rng.randint(0, 4),
                capacity=rng.randint(0, 3),
                latitude=rng.uniform(40, 55) if rng.random() < 0.8 else None,
                longitude=rng.uniform(-5, 20),
            )
        )
    leads = []
    for _ in range(120):
        country, region = rng.choice([*places, ("DE", "NA")])
        leads.append(
            LeadFacts(
                country=country,
                region=region,
                postal_code=rng.choice(["75001", "10115"]),
                industry=rng.choice(["retail", "finance"]),
                product_interest=rng.choice(["security", "cloud"]),
                latitude=rng.uniform(40, 55) if rng.random() < 0.7 else None,
                longitude=rng.uniform(-5, 20),
            )
        )
    rules = [
        RuleSpec(
            id=1,
            name="Near",
            strategy="nearest",
            product_interests=("security",),
            match_specialisation=True,
        ),
        RuleSpec(
            id=2,
            name="Region",
            strategy="weighted",
            postal_prefixes=("75",),
            same_region=True,
            score_weight=3,
        ),
        RuleSpec(id=3, name="Best", strategy="weighted", match_industry=True),
        RuleSpec(id=4, name="Rotation", strategy="round_robin", same_country=False),
    ]
    return candidates, leads, rules


def test_a_pool_reused_for_many_leads_decides_as_a_fresh_pool_for_each():
    """The batch keeps one pool (cached orders, the full head of each weighted
    order skipped, the conditions met) where the single-lead service loads one
    per lead: the decisions must not differ."""
    candidates, leads, rules = _world(3)
    shared = CandidatePool(candidates=[Candidate(**item) for item in candidates])
    fresh_rules = [dataclasses.replace(rule) for rule in rules]
    open_leads = {item["partner_id"]: 0 for item in candidates}
    rng = random.Random(5)
    refusals = set()
    for number, lead in enumerate(leads):
        excluded = {}
        if number % 4 == 0:
            excluded = {rng.randint(1, 40): "rejected this lead before"}
        fresh = CandidatePool(
            candidates=[
                Candidate(**item, open_leads=open_leads[item["partner_id"]])
                for item in candidates
            ]
        )
        expected = route(lead=lead, rules=fresh_rules, pool=fresh, excluded=excluded)
        decision = route(lead=lead, rules=rules, pool=shared, excluded=excluded)
        assert decision == expected
        refusals.update(entry["why"][:11] for entry in decision.passed_over)
        if decision.partner_id is not None:
            shared.take(decision.partner_id)
            open_leads[decision.partner_id] += 1
        if number == 60:  # a partner frees a place: the skipped heads are forgotten
            busy = max(open_leads, key=open_leads.get)
            shared.release(busy)
            open_leads[busy] -= 1
    assert any(entry["why"].startswith("at capacity") for entry in expected.passed_over)


def test_nearest_orders_by_great_circle_distance():
    candidates, leads, _rules = _world(8)
    for item in candidates:
        item.update(capacity=5, specialisations=frozenset())
    pool = CandidatePool(candidates=[Candidate(**item) for item in candidates])
    rule = RuleSpec(id=1, name="Near", strategy="nearest", same_country=False)
    for lead in leads:
        if lead.latitude is None:
            continue
        decision = route(lead=lead, rules=[rule], pool=pool)
        measured = sorted(
            (_distance_km(lead, item), item.partner_id)
            for item in pool.everyone
            if item.latitude is not None
        )
        assert decision.partner_id == measured[0][1]
        assert f"{measured[0][0]:,.0f} km away" in decision.reasons[1]
        assert [entry["partner"] for entry in decision.passed_over] == [
            partner_id for _distance, partner_id in measured[1:4]
        ]
