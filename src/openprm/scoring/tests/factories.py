import factory

from openprm.scoring.choices import CriterionKind
from openprm.scoring.models import Criterion, Scorecard, ScoreRun


class ScorecardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scorecard

    name = factory.Sequence(lambda n: f"Scorecard {n:03d}")


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    scorecard = factory.SubFactory(ScorecardFactory)
    label = "Specialisations"
    field = "specialisations"
    kind = CriterionKind.CONTAINS_ANY
    weight = 2
    config = factory.LazyFunction(
        lambda: {
            "values": [
                {"value": "security", "points": 60},
                {"value": "cloud", "points": 40},
            ]
        }
    )


class ScoreRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoreRun

    total = 0


def scorecard_with_criteria(**fields) -> Scorecard:
    """A scorecard over specialisations (weight 2) and partner type (weight 1)."""
    scorecard = ScorecardFactory(**fields)
    CriterionFactory(scorecard=scorecard)
    CriterionFactory(
        scorecard=scorecard,
        label="Partner type",
        field="partner_type",
        kind=CriterionKind.VALUE_IN_LIST,
        weight=1,
        config={"values": [{"value": "reseller", "points": 100}]},
    )
    return scorecard
