"""The metrics tests' shared fixtures: a programme of three tiers (Gold needs
1,000 of won revenue; Platinum 5,000 and five deals won) and a vendor admin."""

import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.programs.tests.factories import (
    TierRequirementFactory,
    programme_with_tiers,
)


@pytest.fixture
def programme():
    programme = programme_with_tiers("Silver", "Gold", "Platinum")
    _silver, gold, platinum = programme.tiers.order_by("rank")
    TierRequirementFactory(tier=gold, metric="won_revenue", threshold=1000)
    TierRequirementFactory(tier=platinum, metric="won_revenue", threshold=5000)
    TierRequirementFactory(tier=platinum, metric="deals_won", threshold=5)
    return programme


@pytest.fixture
def reviewer():
    return VendorUserFactory(vendor_role="vendor_admin")
