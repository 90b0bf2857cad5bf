import pytest

from openprm.accounts.models import User
from openprm.content.models import Asset, ContentActivity
from openprm.demo.ecosystem import EcosystemBuilder
from openprm.demo.library import build_demo_library
from openprm.demo.programs import build_demo_programs


@pytest.mark.django_db
def test_the_demo_library_fills_folders_for_several_audiences(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    EcosystemBuilder(seed=7, partner_count=20, password="demo-pass-1234").build()
    admin = User.objects.filter(vendor_role="vendor_admin").order_by("id").first()
    build_demo_programs(actor=admin)

    made = build_demo_library(actor=admin)

    assert made == Asset.objects.count() == 32
    assert Asset.objects.values("audience").distinct().count() == 5
    assert (
        Asset.objects.filter(kind="file", current_version__isnull=False).count() == 24
    )
    cobrandable = Asset.objects.filter(is_cobrandable=True)
    assert cobrandable.count() == 2
    assert all(len(asset.cobrand_zones) >= 2 for asset in cobrandable)
    assert ContentActivity.objects.filter(kind="download").exists()
    assert build_demo_library(actor=admin) == 0
