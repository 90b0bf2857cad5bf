"""Demo data of the approval engine, on top of the demo applications (which run on
it): a queue of everyone in finance, and the channel manager's absence next week
with the vendor admin standing in. Safe to run twice."""

from datetime import timedelta

from django.utils import timezone

from openprm.accounts.models import User
from openprm.approvals import services
from openprm.approvals.models import Delegation, Queue


def build_demo_approvals(*, actor) -> int:
    """Build the demo; return how many absences it added."""
    Queue.objects.get_or_create(
        name="Finance approvers", defaults={"vendor_role": "finance"}
    )
    manager = User.objects.filter(vendor_role="channel_manager").order_by("pk").first()
    if manager is None or Delegation.objects.exists():
        return 0
    start = timezone.localdate() + timedelta(days=7)
    services.delegation_create(
        actor=actor,
        user=manager,
        delegate=actor,
        starts_on=start,
        ends_on=start + timedelta(days=4),
        note="Annual leave",
    )
    return 1
