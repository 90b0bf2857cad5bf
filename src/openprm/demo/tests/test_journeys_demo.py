import pytest

from openprm.accounts.models import User
from openprm.agreements.models import AgreementAcceptance, AgreementVersion
from openprm.demo.applications import build_demo_applications
from openprm.demo.ecosystem import VENDOR_LOGINS, EcosystemBuilder
from openprm.demo.journeys import build_demo_journeys
from openprm.demo.programs import build_demo_programs
from openprm.journeys.models import Journey, JourneyStatus, JourneyTask


@pytest.mark.django_db
def test_the_demo_has_versioned_agreements_and_journeys_part_way_done():
    EcosystemBuilder(seed=2026, partner_count=40, password="demo-pass").build()
    admin = User.objects.get(email=VENDOR_LOGINS[0].email)
    build_demo_programs(actor=admin)
    build_demo_applications(actor=admin)

    started = build_demo_journeys(actor=admin)

    assert started == Journey.objects.count() >= 1
    assert AgreementVersion.objects.count() == 2
    assert set(
        AgreementAcceptance.objects.values_list("version__number", flat=True)
    ) == {1, 2}
    assert not Journey.objects.filter(status=JourneyStatus.COMPLETED).exists()
    assert JourneyTask.objects.filter(completed_at__isnull=False).exists()
    assert JourneyTask.objects.filter(completed_at__isnull=True).exists()
    assert JourneyTask.objects.filter(is_overdue=True).exists()
    assert build_demo_journeys(actor=admin) == 0
