"""Demo data of agreements and onboarding journeys: the Reseller programme's terms in
two versions (the second awaiting acceptance by some partners), acceptances of both,
a journey template of every task type, and journeys of onboarding partners part-way
done. Everything goes through the services. Safe to run twice: nothing is added once
an agreement exists.
"""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from openprm.agreements import services as agreements
from openprm.agreements.models import AgreementDocument
from openprm.core import context
from openprm.journeys import services as journeys
from openprm.journeys.choices import TaskKind
from openprm.journeys.models import JourneyTask
from openprm.partners.choices import PartnerStatus
from openprm.partners.models import Partner
from openprm.programs.models import Enrolment, Programme
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.models import Membership

TERMS_V1 = """Reseller partner agreement

1. The partner may resell the vendor's products in its territory.
2. The partner keeps the vendor's confidential information confidential.
3. Either party may end this agreement with 90 days' notice."""

TERMS_V2 = (
    TERMS_V1
    + """
4. The partner registers each deal before quoting it (deal registration)."""
)

TASKS = [
    (TaskKind.AGREEMENT, "Accept the reseller agreement", True, 7, {}),
    (TaskKind.PROFILE_FIELDS, "Complete your address", True, 14,
     {"fields": ["street", "postal_code", "city"]}),
    (TaskKind.DOCUMENT, "Upload your VAT registration", True, 14, {}),
    (TaskKind.INVITE_COLLEAGUES, "Invite a sales colleague", True, 21, {"count": 1}),
    (TaskKind.COURSE, "Complete Reseller basics", False, 30,
     {"course": "reseller-basics"}),
    (TaskKind.MANUAL, "Kick-off call with your channel manager", True, 10, {}),
]  # fmt: skip


def _admin_of(partner: Partner):
    for membership in Membership.objects.filter(
        partner=partner, is_active=True
    ).select_related("user"):
        if PartnerRole.PARTNER_ADMIN in membership.roles:
            return membership.user
    return None


def _accept(partner: Partner, version) -> bool:
    admin = _admin_of(partner)
    if admin is None:
        return False
    with context.acting(client_ip="198.51.100.10", user_agent="Demo browser"):
        agreements.agreement_accept(
            actor=admin,
            partner=partner,
            version=version,
            name=admin.full_name or admin.email,
            title="Managing director",
        )
    return True


def build_demo_journeys(*, actor) -> int:
    """Build the demo; return how many journeys it started."""
    if AgreementDocument.objects.exists():
        return 0
    programme = Programme.objects.filter(slug="reseller").first()
    if programme is None:
        return 0
    for kind, title, required, due_days, config in TASKS:
        journeys.task_template_create(
            actor=actor,
            programme=programme,
            kind=kind,
            title=title,
            is_required=required,
            due_days=due_days,
            config=config,
        )
    document = agreements.agreement_document_create(
        actor=actor, programme=programme, title="Reseller partner agreement"
    )
    first = agreements.agreement_version_publish(
        actor=actor, document=document, text=TERMS_V1
    )
    enrolled = list(
        Partner.objects.filter(
            pk__in=Enrolment.objects.filter(
                programme=programme, status="active"
            ).values("partner_id")
        ).order_by("pk")[:12]
    )
    accepted_first = [partner for partner in enrolled if _accept(partner, first)]
    second = agreements.agreement_version_publish(
        actor=actor,
        document=document,
        text=TERMS_V2,
        accept_by=timezone.now() + timedelta(days=5),
    )
    # Half of them accepted the new version already; the others are reminded.
    for partner in accepted_first[::2]:
        _accept(partner, second)

    onboarding = list(
        Partner.objects.filter(status=PartnerStatus.ONBOARDING).order_by("pk")[:6]
    )
    started = 0
    for position, partner in enumerate(onboarding):
        journey = journeys.journey_start(partner=partner, programme=programme)
        started += 1
        # Part-way done: some accepted the terms, one uploaded nothing yet.
        if position % 2 == 0:
            _accept(partner, second)
            journeys.journey_evaluate(journey=journey)
        if position == 1:
            # One partner started three weeks ago and let its tasks run late.
            JourneyTask.objects.filter(journey=journey, due_at__isnull=False).update(
                due_at=F("due_at") - timedelta(days=21)
            )
    journeys.journeys_flag_overdue()
    return started
