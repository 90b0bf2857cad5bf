import pytest

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.content.tests.factories import AudienceFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def marketing(db):
    return VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING)


@pytest.fixture
def analyst(db):
    return VendorUserFactory(vendor_role=VendorRole.ANALYST)


@pytest.fixture
def everyone(db):
    return AudienceFactory(name="Everyone")


def stored_files(root) -> list:
    """Every file under the media folder."""
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []
