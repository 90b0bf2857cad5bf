"""Journeys follow events: a partner approved into a programme starts its journey;
agreements, profile changes, new colleagues, uploads and courses complete tasks.

Each handler is idempotent: it re-reads the state and completes tasks with a
conditional UPDATE, so a re-delivered event changes nothing.
"""

from openprm.core import events
from openprm.core.models import OutboxEvent
from openprm.journeys import services
from openprm.journeys.models import Journey, JourneyStatus
from openprm.partners.models import Partner
from openprm.programs.models import Programme


@events.subscriber("journeys.start", events=["application.approved"])
def start_journey(event: OutboxEvent) -> None:
    partner = Partner.objects.filter(pk=event.partner_id).first()
    programme = Programme.objects.filter(
        public_id=event.payload.get("programme")
    ).first()
    if partner is not None and programme is not None:
        services.journey_start(partner=partner, programme=programme)


@events.subscriber(
    "journeys.evaluate",
    events=[
        "agreement.accepted",
        "partner.updated",
        "membership.created",
        "membership.reactivated",
        "journey.document_uploaded",
    ],
)
def evaluate_journeys(event: OutboxEvent) -> None:
    partner_id = event.partner_id or event.payload.get("id")
    for journey in Journey.objects.filter(
        partner_id=partner_id, status=JourneyStatus.IN_PROGRESS
    ):
        services.journey_evaluate(journey=journey)


@events.subscriber("journeys.course", events=["course.completed"])
def complete_course(event: OutboxEvent) -> None:
    partner = Partner.objects.filter(pk=event.partner_id).first()
    if partner is not None:
        # A task names the course by its code (or its id).
        services.journey_course_completed(
            partner=partner,
            course=str(event.payload.get("code") or event.payload.get("course", "")),
            aliases={str(event.payload.get("course", ""))},
        )
