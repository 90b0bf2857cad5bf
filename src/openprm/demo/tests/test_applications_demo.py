import pytest

from openprm.accounts.models import User
from openprm.demo.applications import build_demo_applications
from openprm.demo.ecosystem import VENDOR_LOGINS, EcosystemBuilder
from openprm.demo.programs import build_demo_programs
from openprm.onboarding.choices import ApplicationStatus
from openprm.onboarding.models import Application


@pytest.mark.django_db
def test_the_demo_has_applications_in_every_state():
    EcosystemBuilder(seed=2026, partner_count=40, password="demo-pass").build()
    admin = User.objects.get(email=VENDOR_LOGINS[0].email)
    build_demo_programs(actor=admin)

    created = build_demo_applications(actor=admin)

    assert created == Application.objects.count() >= 10
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == set(ApplicationStatus.values)
    assert Application.objects.filter(
        approval__step_position=2, status="in_review"
    ).exists()
    assert Application.objects.filter(approval__escalation_level=1).exists()
    approved = Application.objects.get(status=ApplicationStatus.APPROVED)
    assert approved.partner.status == "onboarding"
    assert approved.invitation is not None
    assert Application.objects.exclude(duplicates=[]).count() >= 1
    # Safe to run twice.
    assert build_demo_applications(actor=admin) == 0
