"""What the learning app's events earn (found at start-up).

The learning app emits ``path.completed`` (payload ``path``: the path's public id,
``user``, ``partner``) and ``quiz.passed`` (``quiz``: the quiz's public id, ``user``,
``partner``, ``score``). Each certification names the path or exam (quiz) that
earns it and the one that renews it; the award is keyed on the event, so a
second delivery of the same event awards nothing more.
"""

from openprm.accounts.models import User
from openprm.certifications import services
from openprm.certifications.choices import EarningKind
from openprm.core import events
from openprm.core.models import OutboxEvent

SOURCES = {
    "path.completed": ("path", EarningKind.PATH),
    "quiz.passed": ("quiz", EarningKind.EXAM),
}


@events.subscriber("certifications.awards", events=list(SOURCES))
def award_from_learning(event: OutboxEvent) -> None:
    field, kind = SOURCES[event.name]
    payload = event.payload or {}
    user = User.objects.filter(pk=payload.get("user"), is_active=True).first()
    partner_id = payload.get("partner") or event.partner_id
    if user is None or not partner_id or not payload.get(field):
        return
    services.awards_for_event(
        kind=kind,
        source_id=payload[field],
        user=user,
        partner_id=int(partner_id),
        key=f"{event.name}:{event.uuid}",
    )
