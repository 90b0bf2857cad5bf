"""Two partners with figures: Nordlicht (whose channel manager is ``manager``)
and Sakura (not theirs)."""

import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.metrics.tests.test_api import figures
from openprm.partners.tests.factories import PartnerFactory


@pytest.fixture
def manager():
    return VendorUserFactory(vendor_role="channel_manager", email="cm@example.com")


@pytest.fixture
def ecosystem(manager):
    mine = PartnerFactory(name="Nordlicht", region="EMEA", channel_manager=manager)
    theirs = PartnerFactory(name="Sakura", region="APAC")
    figures(mine, won_revenue="1200", deals_won="3")
    figures(theirs, won_revenue="800", deals_won="1")
    return mine, theirs
