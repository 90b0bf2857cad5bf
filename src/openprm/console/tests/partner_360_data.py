"""A partner with something in every section of the console's partner page (the
partner 360): for its tests and its screenshots."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from openprm.agreements.models import AgreementDocument
from openprm.agreements.tests.factories import (
    AgreementAcceptanceFactory,
    AgreementVersionFactory,
)
from openprm.certifications.tests.factories import (
    CertificationFactory,
    UserCertificationFactory,
)
from openprm.deals.choices import DealStatus
from openprm.deals.tests.factories import make_deal
from openprm.journeys.models import Journey
from openprm.journeys.tests.factories import JourneyFactory, JourneyTaskFactory
from openprm.leads.models import AssignmentOutcome, LeadAssignment, LeadStatus
from openprm.leads.tests.factories import LeadFactory
from openprm.metrics import rollups
from openprm.notifications.tests.factories import NotificationFactory
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import (
    EnrolmentFactory,
    TierRequirementFactory,
    programme_with_tiers,
)
from openprm.tenancy.tests.factories import InvitationFactory, partner_user


def add_rows(partner, programme, number: int) -> None:
    """``number`` rows in every section of ``partner``."""
    for index in range(number):
        user = partner_user(partner=partner)
        NotificationFactory(recipient=user)
        make_deal(partner=partner, amount=Decimal("35000"))
        make_deal(partner=partner, status=DealStatus.WON, closed_at=timezone.now())
        lead = LeadFactory(status=LeadStatus.ACCEPTED, current_partner=partner)
        LeadAssignment.objects.create(
            lead=lead,
            partner=partner,
            respond_by=timezone.now() + timedelta(hours=5),
            outcome=AssignmentOutcome.ACCEPTED,
            outcome_at=timezone.now(),
        )
        document = AgreementDocument.objects.filter(programme=programme).first()
        version = (
            AgreementVersionFactory(document=document)
            if document
            else AgreementVersionFactory(document__programme=programme)
        )
        AgreementAcceptanceFactory(
            partner=partner, version=version, name=f"Ada {index}"
        )
        journey = Journey.objects.filter(partner=partner).first() or JourneyFactory(
            partner=partner, programme=programme
        )
        JourneyTaskFactory(journey=journey, title=f"Upload the tax form {index}")
        InvitationFactory(partner=partner)


def make_contoso():
    programme = programme_with_tiers("Registered", "Gold", "Platinum", name="Reseller")
    partner = PartnerFactory(name="Contoso", country="NO", partner_type="msp")
    Partner.objects.filter(pk=partner.pk).update(
        partner_types=["msp", "system_integrator"],
        industries=["public_sector"],
    )
    partner.refresh_from_db()
    certification = CertificationFactory(name="Contoso Security Engineer")
    for _ in range(3):  # three certified people (the certifications app counts them)
        UserCertificationFactory(partner=partner, certification=certification)
    # Made without events: the metrics' rollups count them as the nightly rebuild.
    rollups.refresh(partner_ids=[partner.pk], days=[timezone.localdate()])
    gold = programme.tiers.get(name="Gold")
    TierRequirementFactory(tier=gold, metric="certified_people", threshold=2)
    TierRequirementFactory(tier=gold, metric="active_users", threshold=2)
    TierRequirementFactory(
        tier=programme.tiers.get(name="Platinum"),
        metric="certified_people",
        threshold=30,
    )
    EnrolmentFactory(partner=partner, programme=programme, tier=gold)
    return partner, programme
