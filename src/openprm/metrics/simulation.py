"""Simulating edited tier requirements before they are saved: every active
enrolment of a programme judged by today's rules and by the edited ones (new
thresholds, another evaluation window), side by side, with the requirements that
make the difference. The judgement is ``evaluation.verdict`` itself; nothing is
written.

A fixed number of queries whatever the number of partners: the enrolments with
their programme's tiers and requirements (three), and the figures from the month
rollup (one per window), and the programme's requirement ids (one).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from openprm.core.errors import ValidationFailed
from openprm.metrics import permissions, requirements, selectors, tiers
from openprm.metrics.evaluation import Direction, Verdict, judged
from openprm.programs import permissions as programme_permissions
from openprm.programs.models import TierRequirement
from openprm.programs.requirements import RequirementRule

MAX_MONTHS = 36


@dataclass(frozen=True)
class Move:
    """An enrolment whose recommendation the edited rules would change."""

    enrolment: object
    today: Verdict
    simulated: Verdict
    # The simulated verdict's requirements whose outcome differs from today's.
    differences: list[dict]

    @property
    def partner(self):
        return self.enrolment.partner


@dataclass
class Simulation:
    months: int
    evaluated: int = 0
    today: dict = field(default_factory=lambda: dict.fromkeys(Direction.values, 0))
    simulated: dict = field(default_factory=lambda: dict.fromkeys(Direction.values, 0))
    moves: list[Move] = field(default_factory=list)

    @property
    def moving_up(self) -> list[Move]:
        """Recommended a higher tier than by today's rules."""
        return [move for move in self.moves if _rank(move) > 0]

    @property
    def moving_down(self) -> list[Move]:
        """Recommended a lower tier than by today's rules (a promotion lost
        counts)."""
        return [move for move in self.moves if _rank(move) < 0]

    @property
    def demoted(self) -> list[Move]:
        """Demoted by the edited rules and not by today's."""
        return [
            move
            for move in self.moves
            if move.simulated.direction == Direction.DEMOTE
            and move.today.direction != Direction.DEMOTE
        ]


def _rank(move: Move) -> int:
    """Up (positive) or down (negative) from today's recommended tier."""
    return move.simulated.to_tier.rank - move.today.to_tier.rank


def _rules(programme, thresholds: dict[int, Decimal]):
    """``requirements(tier)`` with the edited thresholds; an unknown requirement
    id is a field error."""
    known = set(
        TierRequirement.objects.filter(tier__programme=programme).values_list(
            "pk", flat=True
        )
    )
    unknown = sorted(set(thresholds) - known)
    if unknown:
        raise ValidationFailed(
            field_errors={
                "requirements": [
                    f"Requirement {pk} is not one of this programme's."
                    for pk in unknown
                ]
            }
        )

    def edited(tier):
        return [
            RequirementRule(
                requirement.metric,
                requirement.operator,
                thresholds.get(requirement.pk, requirement.threshold),
            )
            for requirement in tier.requirements.all()
        ]

    return edited


def _judged_tier(enrolment, found: Verdict):
    """The tier whose requirements a verdict rests on: the target's for a
    promotion, the current one's otherwise."""
    if found.direction == Direction.PROMOTE:
        return found.to_tier
    return next(t for t in enrolment.programme.tiers.all() if t.pk == enrolment.tier_id)


def _differences(enrolment, verdicts, values, rules) -> list[dict]:
    """The requirements (of the tiers either verdict rests on) whose outcome the
    edited rules judge otherwise than today's, with both thresholds and figures."""
    rows, seen = [], set()
    for found in verdicts:
        tier = _judged_tier(enrolment, found)
        if tier.pk in seen:
            continue
        seen.add(tier.pk)
        before = judged(list(tier.requirements.all()), values["today"])
        after = judged(rules(tier), values["simulated"])
        rows += [
            {
                **row,
                "tier": tier.name,
                "threshold_today": was["threshold"],
                "value_today": was["value"],
                "outcome_today": was["outcome"],
            }
            for row, was in zip(after, before, strict=True)
            if row["outcome"] != was["outcome"]
        ]
    return rows


def simulate(
    *, user, programme, thresholds: dict[int, Decimal], months: int | None = None
) -> Simulation:
    """Every active enrolment of ``programme`` judged by today's requirements
    (last 12 months) and by the edited ones (``thresholds`` by requirement id,
    over ``months``). Only vendor admins (who define programmes) simulate."""
    programme_permissions.DEFINE.ensure(user)
    permissions.READ.ensure(user)
    months = selectors.REQUIREMENT_MONTHS if months is None else months
    if not 1 <= months <= MAX_MONTHS:
        raise ValidationFailed(
            field_errors={"months": [f"Choose from 1 to {MAX_MONTHS} months."]}
        )
    enrolments = list(tiers.enrolments_to_evaluate(programme=programme))
    rules = _rules(programme, thresholds)
    partner_ids = sorted({enrolment.partner_id for enrolment in enrolments})
    values_today = requirements.evaluation_values(partner_ids)
    values_then = (
        values_today
        if months == selectors.REQUIREMENT_MONTHS
        else requirements.evaluation_values(partner_ids, months=months)
    )
    result = Simulation(months=months, evaluated=len(enrolments))
    for enrolment in enrolments:
        today = tiers.evaluate(enrolment, values_today.get(enrolment.partner_id, {}))
        figures = {
            "today": values_today.get(enrolment.partner_id, {}),
            "simulated": values_then.get(enrolment.partner_id, {}),
        }
        simulated = tiers.evaluate(enrolment, figures["simulated"], requirements=rules)
        result.today[today.direction] += 1
        result.simulated[simulated.direction] += 1
        if (today.direction, today.to_tier.pk) == (
            simulated.direction,
            simulated.to_tier.pk,
        ):
            continue
        result.moves.append(
            Move(
                enrolment,
                today,
                simulated,
                _differences(enrolment, (today, simulated), figures, rules),
            )
        )
    result.moves.sort(key=lambda move: (move.simulated.direction, move.partner.name))
    return result
