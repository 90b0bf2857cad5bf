from django.db.models import Count, Q, QuerySet

from openprm.accounts.models import Membership, User
from openprm.partners.models import Partner


def partner_list_visible_to(*, user: User, search: str = "") -> QuerySet[Partner]:
    """Partners a console user may browse, with what the directory table shows."""
    partners = Partner.objects.visible_to(user).select_related("parent")
    if search:
        partners = partners.filter(
            Q(name__icontains=search) | Q(city__icontains=search)
        )
    return partners.order_by("name", "id")


def partners_with_member_counts(partners: list[Partner]) -> list[Partner]:
    """Set ``member_count`` (active members) on each of a page of partners.

    One grouped query for the page's ids: an annotation on the paged queryset is
    evaluated for every row the OFFSET skips on PostgreSQL, and makes SQLite sort the
    whole table before the LIMIT.
    """
    counts = dict(
        Membership.objects.filter(
            partner_id__in=[partner.pk for partner in partners], is_active=True
        )
        .values_list("partner_id")
        .annotate(total=Count("id"))
        .order_by()
    )
    for partner in partners:
        partner.member_count = counts.get(partner.pk, 0)
    return partners


def partner_counts_by_status(*, user: User) -> dict[str, int]:
    """Number of partners the user may see in each lifecycle status, for dashboards."""
    rows = (
        Partner.objects.visible_to(user)
        .values_list("status")
        .annotate(total=Count("id"))
        .order_by()
    )
    return dict(rows)
