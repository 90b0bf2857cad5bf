from datetime import timedelta

import pytest
from django.utils import timezone

from openprm.accounts.models import User
from openprm.certifications.models import (
    Certification,
    ExternalCertificate,
    PartnerAccreditation,
    UserCertification,
)
from openprm.demo.certifications import build_demo_certifications
from openprm.demo.ecosystem import PARTNER_LOGIN, EcosystemBuilder
from openprm.tenancy.tests.factories import MembershipFactory


@pytest.mark.django_db
def test_the_demo_has_certifications_expiring_expired_and_an_accreditation(
    settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    EcosystemBuilder(seed=7, partner_count=20, password="demo-pass-1234").build()
    admin = User.objects.filter(vendor_role="vendor_admin").order_by("id").first()
    contoso_admin = User.objects.get(email=PARTNER_LOGIN.email)
    MembershipFactory(  # a second person (the full demo has several)
        partner=contoso_admin.memberships.get().partner, roles=["technical"]
    )

    made = build_demo_certifications(actor=admin)

    contoso = UserCertification.objects.filter(
        partner__memberships__user__email=PARTNER_LOGIN.email
    ).distinct()
    soon = timezone.now() + timedelta(days=30)
    assert made == UserCertification.objects.count() >= 10
    assert contoso.filter(status="expired").count() == 1
    assert contoso.filter(status="active", valid_until__lte=soon).count() == 1
    assert PartnerAccreditation.objects.filter(
        status="held", partner__memberships__user__email=PARTNER_LOGIN.email
    ).exists()
    assert ExternalCertificate.objects.filter(status="submitted").count() == 1
    firewall = Certification.objects.get(name="Firewall Certified Engineer")
    assert firewall.path.title == "Certified firewall engineer"
    assert firewall.renewal_exam.questions.count() == 3
    assert build_demo_certifications(actor=admin) == 0
