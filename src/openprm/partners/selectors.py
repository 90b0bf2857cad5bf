from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from openprm.accounts.models import Membership, User
from openprm.partners.models import Partner


def partner_list_visible_to(*, user: User, search: str = "") -> QuerySet[Partner]:
    """Partners a console user may browse, with what the directory table shows."""
    # A correlated subquery counts members for the displayed page only; a JOIN with
    # GROUP BY would aggregate the whole table before the LIMIT.
    active_members = (
        Membership.objects.filter(partner=OuterRef("pk"), is_active=True)
        .order_by()
        .values("partner")
        .annotate(total=Count("id"))
        .values("total")
    )
    partners = (
        Partner.objects.visible_to(user)
        .select_related("parent")
        .annotate(
            member_count=Coalesce(
                Subquery(active_members, output_field=IntegerField()), 0
            )
        )
    )
    if search:
        partners = partners.filter(
            Q(name__icontains=search) | Q(city__icontains=search)
        )
    return partners.order_by("name", "id")


def partner_counts_by_status(*, user: User) -> dict[str, int]:
    """Number of partners the user may see in each lifecycle status, for dashboards."""
    rows = (
        Partner.objects.visible_to(user)
        .values_list("status")
        .annotate(total=Count("id"))
        .order_by()
    )
    return dict(rows)
