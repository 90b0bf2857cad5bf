"""Work for the portal home: a lead offer with its deadline, a deal the vendor
asked about."""

from datetime import timedelta

from django.utils import timezone

from openprm.deals.choices import DealStatus, NoteKind
from openprm.deals.models import DealNote
from openprm.deals.tests.factories import make_deal
from openprm.leads.models import LeadAssignment, LeadStatus
from openprm.leads.tests.factories import LeadFactory


def offer(partner, *, hours: int = 47, company: str = "Bluewater Foods"):
    lead = LeadFactory(
        company=company, status=LeadStatus.OFFERED, current_partner=partner
    )
    return LeadAssignment.objects.create(
        lead=lead, partner=partner, respond_by=timezone.now() + timedelta(hours=hours)
    )


def question(partner, *, title: str = "Fourth Coffee refresh"):
    deal = make_deal(
        partner=partner, title=title, status=DealStatus.MORE_INFO_REQUESTED
    )
    DealNote.objects.create(
        deal=deal, kind=NoteKind.INFO_REQUEST, body="Who signs the order?"
    )
    return deal
