from decimal import Decimal

import pytest

from openprm.core.errors import ValidationFailed
from openprm.funds import allocation

GOLD = allocation.Candidate(1, "Gold Co", ("Gold",))
SILVER = allocation.Candidate(2, "Silver Co", ("Silver",))
BOTH = allocation.Candidate(3, "Both Co", ("Silver", "Gold"))
NONE = allocation.Candidate(4, "New Co", ())


def test_tier_formula_gives_the_highest_amount_of_the_tiers_held():
    amounts = allocation.clean_amounts("tier", {"Gold": "20000", "Silver": "5000"})

    preview = allocation.preview(
        method="tier",
        amounts=amounts,
        candidates=[GOLD, SILVER, BOTH, NONE],
        unallocated=Decimal("50000"),
    )

    assert [(line.partner_id, line.amount) for line in preview.lines] == [
        (1, Decimal("20000.00")),
        (2, Decimal("5000.00")),
        (3, Decimal("20000.00")),
    ]
    assert preview.total == Decimal("45000.00")
    assert preview.fits


def test_fixed_amount_goes_to_every_candidate_and_may_not_fit():
    amounts = allocation.clean_amounts("fixed", {"amount": "1000"})

    preview = allocation.preview(
        method="fixed",
        amounts=amounts,
        candidates=[GOLD, SILVER, NONE],
        unallocated=Decimal("2500"),
    )

    assert preview.total == Decimal("3000.00")
    assert not preview.fits


@pytest.mark.parametrize(
    ("method", "amounts"),
    [("fixed", {}), ("tier", {"Gold": "-1"}), ("tier", {"Gold": "1.001"}), ("x", {})],
)
def test_bad_amounts_are_refused(method, amounts):
    with pytest.raises(ValidationFailed):
        allocation.clean_amounts(method, amounts)
