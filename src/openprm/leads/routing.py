"""Choosing the partner for a lead: pure decisions, no queries.

The rules are tried in order; the first whose conditions match the lead and that
finds an eligible partner wins. A partner is eligible for a rule when it is in the
rule's candidate set (same country or region, specialisation, industry when the
rule asks for them), was not offered this lead before, and holds fewer open leads
than its capacity. Every decision carries its reasons and the candidates it passed
over, with why, so that the console and the partner can see why a lead went where.

The single-lead service and the batch router both call :func:`route` with a
:class:`CandidatePool`; the pool indexes candidates by country and region once and
keeps each candidate's open-lead counter, which the caller advances with
:meth:`CandidatePool.take` after an assignment.
"""

import bisect
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

# Runners-up and refused candidates recorded on each assignment, at most.
PASSED_OVER_LIMIT = 10
STRATEGIES = ("named", "round_robin", "weighted", "nearest")


@dataclass(frozen=True)
class LeadFacts:
    """What routing reads of a lead."""

    country: str
    region: str
    postal_code: str = ""
    industry: str = ""
    product_interest: str = ""
    size_band: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass
class RuleSpec:
    """A routing rule as routing reads it; ``last_partner_id`` is the round-robin
    position, advanced by :func:`route` and persisted by the caller."""

    id: int
    name: str
    strategy: str
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    postal_prefixes: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    product_interests: tuple[str, ...] = ()
    size_bands: tuple[str, ...] = ()
    same_country: bool = True
    same_region: bool = False
    match_specialisation: bool = False
    match_industry: bool = False
    named_partner_id: int | None = None
    tier_weight: float = 1.0
    score_weight: float = 1.0
    acceptance_weight: float = 1.0
    win_weight: float = 1.0
    last_partner_id: int | None = None


@dataclass
class Candidate:
    """A partner as routing sees it: where it is, what it does, how it performs
    and how many open leads it holds against its capacity."""

    partner_id: int
    name: str
    country: str
    region: str
    specialisations: frozenset[str] = frozenset()
    industries: frozenset[str] = frozenset()
    tier_rank: int = 0
    score: float = 0.0  # 0-100, the best current scorecard score
    offered: int = 0  # offers answered or expired (accepted + rejected + recalled)
    accepted: int = 0
    won: int = 0  # converted leads
    lost: int = 0
    open_leads: int = 0
    capacity: int = 0
    latitude: float | None = None
    longitude: float | None = None

    @property
    def acceptance_rate(self) -> float:
        """Accepted offers, smoothed so that a newcomer starts at one half."""
        return (self.accepted + 1) / (self.offered + 2)

    @property
    def win_rate(self) -> float:
        return (self.won + 1) / (self.won + self.lost + 2)

    @property
    def has_room(self) -> bool:
        return self.open_leads < self.capacity


@dataclass(frozen=True)
class Decision:
    """Where a lead goes (``partner_id`` None: nowhere) and why."""

    partner_id: int | None
    rule_id: int | None
    rule_name: str
    reasons: list[str]
    passed_over: list[dict]


@dataclass
class CandidatePool:
    """The candidates of one routing run, indexed by country and region, with a
    weighted order per rule computed once."""

    candidates: Iterable[Candidate]
    max_tier_rank: int = 0
    by_id: dict[int, Candidate] = field(init=False)
    by_country: dict[str, list[Candidate]] = field(init=False)
    by_region: dict[str, list[Candidate]] = field(init=False)
    everyone: list[Candidate] = field(init=False)
    _weighted: dict = field(init=False, default_factory=dict)
    _full: dict = field(init=False, default_factory=dict)
    _full_passed: dict = field(init=False, default_factory=dict)
    _matched: dict = field(init=False, default_factory=dict)
    _placed: dict = field(init=False, default_factory=dict)
    _ids: dict = field(init=False, default_factory=dict)
    _performance: dict = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.everyone = sorted(self.candidates, key=lambda item: item.partner_id)
        self.by_id = {item.partner_id: item for item in self.everyone}
        self.by_country, self.by_region = {}, {}
        for item in self.everyone:
            self.by_country.setdefault(item.country, []).append(item)
            self.by_region.setdefault(item.region, []).append(item)
        if not self.max_tier_rank:
            self.max_tier_rank = max(
                (item.tier_rank for item in self.everyone), default=0
            )

    def take(self, partner_id: int) -> None:
        """The partner now holds one more open lead."""
        self.by_id[partner_id].open_leads += 1

    def release(self, partner_id: int) -> None:
        candidate = self.by_id.get(partner_id)
        if candidate is not None and candidate.open_leads:
            candidate.open_leads -= 1
            self._full.clear()  # a full candidate may have room again
            self._full_passed.clear()

    def base(self, rule: RuleSpec, lead: LeadFacts) -> tuple[tuple, list[Candidate]]:
        """The candidates in the rule's territory for this lead, by partner id."""
        if rule.same_country:
            return ("country", lead.country), self.by_country.get(lead.country, [])
        if rule.same_region:
            return ("region", lead.region), self.by_region.get(lead.region, [])
        return ("all",), self.everyone

    def weight(self, rule: RuleSpec, candidate: Candidate) -> float:
        tier = candidate.tier_rank / self.max_tier_rank if self.max_tier_rank else 0
        total = (
            rule.tier_weight + rule.score_weight + rule.acceptance_weight
        ) + rule.win_weight
        value = (
            rule.tier_weight * tier
            + rule.score_weight * candidate.score / 100
            + rule.acceptance_weight * candidate.acceptance_rate
            + rule.win_weight * candidate.win_rate
        )
        return value / total if total else 0.0

    def _fitting_key(self, rule: RuleSpec, lead: LeadFacts) -> tuple:
        """What the rule's candidate set for a lead depends on: its territory and,
        through :func:`_fits`, the lead's product interest, industry and (for a
        rule that keeps to the lead's region) region."""
        key, _base = self.base(rule, lead)
        region = lead.region if rule.same_region else None
        return (rule.id, key, lead.product_interest, lead.industry, region)

    def weighted(self, rule: RuleSpec, lead: LeadFacts) -> list[Candidate]:
        """The rule's territory for this lead, best weight first (cached per run:
        tier, score and performance do not change while routing)."""
        return self.weighted_order(rule, lead)[1]

    def weighted_order(self, rule: RuleSpec, lead: LeadFacts) -> tuple:
        cache_key = self._fitting_key(rule, lead)
        ordered = self._weighted.get(cache_key)
        if ordered is None:
            _key, base = self.base(rule, lead)
            ordered = sorted(
                (item for item in base if _fits(rule, lead, item)),
                key=lambda item: (-self.weight(rule, item), item.partner_id),
            )
            self._weighted[cache_key] = ordered
        return cache_key, ordered

    def full_prefix(self, cache_key: tuple, ordered: list[Candidate]) -> int:
        """How many candidates at the head of a weighted order have no room. Open
        leads only grow while routing (:meth:`release` forgets these counts), so a
        full candidate stays full and the next lead's scan can start past it."""
        start = self._full.get(cache_key, 0)
        end = len(ordered)
        while start < end and not ordered[start].has_room:
            start += 1
        self._full[cache_key] = start
        return start

    def full_passed(self, cache_key: tuple, head: list[Candidate]) -> list[dict]:
        """The passed-over entries of the first full candidates of a weighted
        order (for a lead that excludes none of them): they stay full, so their
        refusals do not change while routing. The entries are shared between
        decisions; nobody changes them."""
        cached = self._full_passed.get(cache_key)
        if cached is None or len(cached) != len(head):
            cached = self._full_passed[cache_key] = [
                _passed(candidate, _refusal(candidate, {})) for candidate in head
            ]
        return cached

    def matched(self, rule: RuleSpec, lead: LeadFacts) -> str | None:
        """The reason saying which of the rule's conditions the lead meets, or
        None when one fails (cached per rule and the lead's values it reads)."""
        key = (
            rule.id,
            lead.country,
            lead.region,
            lead.industry,
            lead.product_interest,
            lead.size_band,
            lead.postal_code if rule.postal_prefixes else None,
        )
        try:
            return self._matched[key]
        except KeyError:
            pass
        met = rule_matches(rule, lead)
        text = None
        if met is not None:
            text = f"Rule '{rule.name}' matches" + (
                ": " + ", ".join(met) if met else " every lead"
            )
        self._matched[key] = text
        return text

    def placed(self, rule: RuleSpec, lead: LeadFacts) -> tuple:
        """The rule's fitting candidates for this lead that have coordinates, with
        their latitude and longitude in radians and the latitude's cosine (cached
        per run, like :meth:`weighted`)."""
        cache_key = self._fitting_key(rule, lead)
        placed = self._placed.get(cache_key)
        if placed is None:
            _key, base = self.base(rule, lead)
            fitting = [
                item
                for item in base
                if _fits(rule, lead, item)
                and item.latitude is not None
                and item.longitude is not None
            ]
            latitudes = [math.radians(item.latitude) for item in fitting]
            placed = self._placed[cache_key] = (
                fitting,
                latitudes,
                [math.radians(item.longitude) for item in fitting],
                [math.cos(value) for value in latitudes],
            )
        return placed

    def ids(self, rule: RuleSpec, lead: LeadFacts) -> tuple[list[int], list]:
        key, base = self.base(rule, lead)
        cached = self._ids.get(key)
        if cached is None:
            cached = self._ids[key] = [item.partner_id for item in base]
        return cached, base


def rule_matches(rule: RuleSpec, lead: LeadFacts) -> list[str] | None:
    """The conditions the lead meets, as reasons; None when one fails."""
    met = []
    checks = (
        ("country", rule.countries, lead.country),
        ("region", rule.regions, lead.region),
        ("industry", rule.industries, lead.industry),
        ("product interest", rule.product_interests, lead.product_interest),
        ("size", rule.size_bands, lead.size_band),
    )
    for label, accepted, value in checks:
        if accepted:
            if value not in accepted:
                return None
            met.append(f"{label} {value}")
    if rule.postal_prefixes:
        postal = lead.postal_code.replace(" ", "").upper()
        prefix = next(
            (
                item
                for item in rule.postal_prefixes
                if postal.startswith(item.replace(" ", "").upper())
            ),
            None,
        )
        if prefix is None:
            return None
        met.append(f"postal code {lead.postal_code} starts with {prefix}")
    return met


def _fits(rule: RuleSpec, lead: LeadFacts, candidate: Candidate) -> bool:
    """Whether the candidate is in the rule's candidate set for this lead."""
    if rule.same_region and candidate.region != lead.region:
        return False
    if (
        rule.match_specialisation
        and lead.product_interest
        and lead.product_interest not in candidate.specialisations
    ):
        return False
    return not (
        rule.match_industry
        and lead.industry
        and lead.industry not in candidate.industries
    )


def _refusal(candidate: Candidate, excluded: dict[int, str]) -> str | None:
    """Why an otherwise fitting candidate cannot take the lead, or None."""
    if candidate.partner_id in excluded:
        return excluded[candidate.partner_id]
    if not candidate.has_room:
        return f"at capacity ({candidate.open_leads}/{candidate.capacity} open leads)"
    return None


def _passed(candidate: Candidate, why: str) -> dict:
    return {"partner": candidate.partner_id, "name": candidate.name, "why": why}


def _performance(pool: CandidatePool, rule: RuleSpec, candidate: Candidate) -> str:
    """The weight and its factors, as a reason (cached: they do not change while
    routing, unlike open leads)."""
    key = (rule.id, candidate.partner_id)
    text = pool._performance.get(key)
    if text is None:
        text = pool._performance[key] = _describe(pool, rule, candidate)
    return text


def _describe(pool: CandidatePool, rule: RuleSpec, candidate: Candidate) -> str:
    return (
        f"weight {pool.weight(rule, candidate):.3f}: tier {candidate.tier_rank}"
        f"/{pool.max_tier_rank}, score {candidate.score:.0f}, acceptance "
        f"{candidate.acceptance_rate:.0%}, win rate {candidate.win_rate:.0%}"
    )


def _distance_km(lead: LeadFacts, candidate: Candidate) -> float | None:
    if None in (lead.latitude, lead.longitude, candidate.latitude, candidate.longitude):
        return None
    lat1, lon1 = math.radians(lead.latitude), math.radians(lead.longitude)
    lat2, lon2 = math.radians(candidate.latitude), math.radians(candidate.longitude)
    half = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(half))


def _choose_weighted(pool, rule, lead, excluded):
    cache_key, ordered = pool.weighted_order(rule, lead)  # fitting candidates only
    # The head of the order that has no room is refused whatever the lead: its
    # first candidates are named as passed over, the rest need no look.
    full = pool.full_prefix(cache_key, ordered)
    head = ordered[: min(full, PASSED_OVER_LIMIT)]
    if excluded and any(candidate.partner_id in excluded for candidate in head):
        passed = [
            _passed(candidate, _refusal(candidate, excluded)) for candidate in head
        ]
    else:
        passed = list(pool.full_passed(cache_key, head))
    chosen, runners_up = None, 0
    for candidate in islice(ordered, full, None):
        refusal = _refusal(candidate, excluded)
        if chosen is None:
            if refusal is None:
                chosen = candidate
            elif len(passed) < PASSED_OVER_LIMIT:
                passed.append(_passed(candidate, refusal))
            continue
        # Runners-up: the next eligible candidates and their lower weights.
        if refusal is None:
            passed.append(
                _passed(candidate, "lower " + _performance(pool, rule, candidate))
            )
            runners_up += 1
        if runners_up >= 3 or len(passed) >= PASSED_OVER_LIMIT:
            break
    reasons = [] if chosen is None else [_performance(pool, rule, chosen)]
    return chosen, passed, reasons


def _rotation(ids: list[int], base: list[Candidate], after: int | None) -> Iterator:
    start = 0 if after is None else bisect.bisect_right(ids, after)
    yield from base[start:]
    yield from base[:start]


def _choose_round_robin(pool, rule, lead, excluded):
    ids, base = pool.ids(rule, lead)
    chosen, passed = None, []
    for candidate in _rotation(ids, base, rule.last_partner_id):
        if not _fits(rule, lead, candidate):
            continue
        refusal = _refusal(candidate, excluded)
        if refusal is None:
            chosen = candidate
            break
        if len(passed) < PASSED_OVER_LIMIT:
            passed.append(_passed(candidate, refusal))
    if chosen is None:
        return None, passed, []
    rule.last_partner_id = chosen.partner_id
    return chosen, passed, ["next in the rotation of this rule's eligible partners"]


def _choose_nearest(pool, rule, lead, excluded):
    if lead.latitude is None or lead.longitude is None:
        return None, [], []
    fitting, latitudes, longitudes, cosines = pool.placed(rule, lead)
    # _distance_km, term by term, with the candidates' side computed once.
    lat1, lon1 = math.radians(lead.latitude), math.radians(lead.longitude)
    cos1, sin, asin, sqrt = math.cos(lat1), math.sin, math.asin, math.sqrt
    measured = [
        (
            2
            * 6371.0
            * asin(
                sqrt(
                    sin((lat2 - lat1) / 2) ** 2
                    + cos1 * cos2 * sin((lon2 - lon1) / 2) ** 2
                )
            ),
            candidate.partner_id,
            candidate,
        )
        for candidate, lat2, lon2, cos2 in zip(
            fitting, latitudes, longitudes, cosines, strict=True
        )
    ]
    measured.sort()
    chosen, passed, reasons, runners_up = None, [], [], 0
    for distance, _id, candidate in measured:
        refusal = _refusal(candidate, excluded)
        if chosen is None:
            if refusal is None:
                chosen = candidate
                reasons = [f"nearest eligible partner: {distance:,.0f} km away"]
            else:
                passed.append(_passed(candidate, refusal))
        elif refusal is None:
            passed.append(_passed(candidate, f"farther: {distance:,.0f} km away"))
            runners_up += 1
        if runners_up >= 3 or len(passed) >= PASSED_OVER_LIMIT:
            break
    return chosen, passed, reasons


def _choose_named(pool, rule, lead, excluded):
    candidate = pool.by_id.get(rule.named_partner_id)
    if candidate is None:
        return None, [], []
    refusal = _refusal(candidate, excluded)
    if refusal is not None:
        return None, [_passed(candidate, refusal)], []
    return candidate, [], ["the rule names this partner"]


def _with_exclusions(pool, rule, lead, excluded, passed) -> list[dict]:
    """The partners offered this lead before are always named, whatever place
    the strategy's scan reached."""
    listed = {item["partner"] for item in passed}
    extra = []
    for partner_id, why in sorted(excluded.items()):
        candidate = pool.by_id.get(partner_id)
        if candidate is None or partner_id in listed:
            continue
        if rule.same_country and candidate.country != lead.country:
            continue
        if _fits(rule, lead, candidate):
            extra.append(_passed(candidate, why))
    return [*extra, *passed]


CHOOSERS = {
    "named": _choose_named,
    "round_robin": _choose_round_robin,
    "weighted": _choose_weighted,
    "nearest": _choose_nearest,
}


def route(
    *,
    lead: LeadFacts,
    rules: Iterable[RuleSpec],
    pool: CandidatePool,
    excluded: dict[int, str] | None = None,
) -> Decision:
    """Choose a partner for ``lead``; ``excluded`` maps partners that may not get
    it (offered it before) to why. Rules that match but find nobody are reported
    in the reasons of whatever rule decides, so nothing about the choice is lost."""
    excluded = excluded or {}
    notes: list[str] = []
    passed_all: list[dict] = []
    for rule in rules:
        matched = pool.matched(rule, lead)
        if matched is None:
            continue
        chosen, passed, reasons = CHOOSERS[rule.strategy](pool, rule, lead, excluded)
        if excluded:
            passed = _with_exclusions(pool, rule, lead, excluded, passed)
        passed_all.extend(passed[: PASSED_OVER_LIMIT - len(passed_all)])
        if chosen is None:
            notes.append(f"{matched}, but no partner is eligible")
            continue
        return Decision(
            partner_id=chosen.partner_id,
            rule_id=rule.id,
            rule_name=rule.name,
            reasons=[
                *notes,
                matched,
                f"Strategy {rule.strategy.replace('_', '-')}: {chosen.name}, "
                + "; ".join(reasons),
                f"Capacity: {chosen.open_leads}/{chosen.capacity} open leads before "
                "this one",
            ],
            passed_over=passed_all,
        )
    return Decision(
        partner_id=None,
        rule_id=None,
        rule_name="",
        reasons=notes or ["No active rule matches this lead"],
        passed_over=passed_all,
    )
