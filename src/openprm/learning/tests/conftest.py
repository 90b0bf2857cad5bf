import pytest

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.tenancy.tests.factories import MembershipFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def marketing(db):
    return VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING)


@pytest.fixture
def learner_membership(db):
    return MembershipFactory(roles=["technical"])


@pytest.fixture
def learner(learner_membership):
    return learner_membership.user
