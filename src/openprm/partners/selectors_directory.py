"""Reads for the partner directory page and its exports: scoped, filtered, lean.

Rows are dictionaries from ``.values()`` with their labels looked up once per
request, not model instances with ``get_FOO_display`` per row: the directory and
its exports are the partner database's hottest reads.
"""

from collections.abc import Iterator

from django.db.models import Count, QuerySet
from django.utils.translation import gettext

from openprm.accounts.models import Membership, User
from openprm.partners.choices import PartnerStatus, PartnerType
from openprm.partners.directory import DirectoryFilters
from openprm.partners.models import Partner
from openprm.partners.selectors import custom_field_definitions_for

PAGE_COLUMNS = (
    "id",
    "public_id",
    "name",
    "city",
    "partner_type",
    "status",
    "country",
    "region",
    "parent__name",
)

EXPORT_COLUMNS = (
    "public_id",
    "external_id",
    "name",
    "legal_name",
    "partner_type",
    "status",
    "country",
    "region",
    "city",
    "website",
    "industries",
    "specialisations",
    "tags",
    "employee_band",
    "revenue_band",
    "parent__external_id",
    "channel_manager__email",
    "created_at",
    "custom_fields",
)


def directory_custom_keys(*, user: User, include_inactive: bool = True) -> set[str]:
    """The custom field keys the user may filter on (and, active ones, export)."""
    return set(
        custom_field_definitions_for(
            user=user, include_inactive=include_inactive
        ).values_list("key", flat=True)
    )


def directory_partners(*, user: User, filters: DirectoryFilters) -> QuerySet[Partner]:
    """The partners the user may see that match ``filters``, in their order."""
    return (
        Partner.objects.visible_to(user)
        .filter(filters.to_q())
        .order_by(*filters.ordering())
    )


def directory_rows(*, user: User, filters: DirectoryFilters) -> QuerySet:
    """The directory page's rows as dictionaries (paginate, then label the page)."""
    return directory_partners(user=user, filters=filters).values(*PAGE_COLUMNS)


STATUS_BADGES = {
    PartnerStatus.ACTIVE: "success",
    PartnerStatus.SUSPENDED: "danger",
    PartnerStatus.TERMINATED: "danger",
    PartnerStatus.ONBOARDING: "info",
}


def directory_label_page(rows: list[dict], *, detail_url: str = "") -> list[dict]:
    """Add type and status labels, badge colours, links and active member counts to
    one page of rows: one grouped query for the page, labels translated once per
    request, and ``detail_url`` (with ``{id}`` for the public id) reversed once
    rather than once per row."""
    type_labels = {value: gettext(label) for value, label in PartnerType.choices}
    status_labels = {value: gettext(label) for value, label in PartnerStatus.choices}
    counts = dict(
        Membership.objects.filter(
            partner_id__in=[row["id"] for row in rows], is_active=True
        )
        .values_list("partner_id")
        .annotate(total=Count("id"))
        .order_by()
    )
    for row in rows:
        row["type_label"] = type_labels.get(row["partner_type"], row["partner_type"])
        row["status_label"] = status_labels.get(row["status"], row["status"])
        row["member_count"] = counts.get(row["id"], 0)
        row["badge"] = STATUS_BADGES.get(row["status"], "secondary")
        row["url"] = detail_url.replace("{id}", str(row["public_id"]))
    return rows


def directory_export_rows(
    *, user: User, filters: DirectoryFilters, custom_keys: list[str]
) -> Iterator[list]:
    """Every matching partner as a list of cell values, streamed from the database
    in chunks; custom fields come last, one column per key the user may read."""
    queryset = directory_partners(user=user, filters=filters).values_list(
        *EXPORT_COLUMNS
    )
    for row in queryset.iterator(chunk_size=2000):
        *cells, custom = row
        yield [
            *("; ".join(cell) if isinstance(cell, list) else cell for cell in cells),
            *((custom or {}).get(key, "") for key in custom_keys),
        ]
