from django.db.models import QuerySet

from openprm.accounts.models import Membership, User


def memberships_active_for(*, user: User) -> QuerySet[Membership]:
    """The user's active memberships in partners that are not terminated."""
    return (
        Membership.objects.filter(user=user, is_active=True)
        .exclude(partner__status="terminated")
        .select_related("partner")
        .order_by("partner__name", "partner_id")
    )
