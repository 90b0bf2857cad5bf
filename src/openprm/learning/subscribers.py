"""Learning follows events: a new or reactivated member is enrolled in the
automatic paths of their audiences (idempotent: an enrolment is made once)."""

from openprm.core import events
from openprm.core.models import OutboxEvent
from openprm.learning import services
from openprm.tenancy.models import Membership


@events.subscriber(
    "learning.auto_enrol", events=["membership.created", "membership.reactivated"]
)
def auto_enrol(event: OutboxEvent) -> None:
    memberships = Membership.objects.filter(
        pk=event.payload.get("id"), is_active=True
    ).select_related("user")
    for membership in memberships:
        services.auto_enrol_membership(membership=membership)
