"""Reads for the partner directory page and its exports: scoped, filtered, lean.

Rows are dictionaries from ``.values()`` with their labels looked up once per
request, not model instances with ``get_FOO_display`` per row: the directory and
its exports are the partner database's hottest reads.
"""

import json
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from typing import Any

from django.apps import apps
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext

from openprm.accounts.models import User
from openprm.core.db import (
    COUNT_MOST,
    CachedList,
    CappedCount,
    DateTimeText,
    JSONArrayAgg,
    PageKeys,
    ReaderContext,
    ScopedReader,
    capped_count_sql,
    datetime_text,
    json_array_subquery,
    paged_sql,
    sql_rows,
    uuid_text,
)
from openprm.core.errors import NotFound
from openprm.core.scoping import scope_for
from openprm.partners import directory
from openprm.partners.choices import PartnerStatus, PartnerType
from openprm.partners.directory import DirectoryFilters
from openprm.partners.models import Partner, PartnerDomain, SavedView
from openprm.partners.scoping import PartnerScope
from openprm.partners.selectors import (
    custom_field_definitions_for,
    custom_field_definitions_seen,
)

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


@dataclass(frozen=True)
class CustomFieldReader(ReaderContext):
    """What the custom field keys' query reads about its reader: their role (the
    definitions' rule depends on nothing else)."""

    is_vendor_staff: bool


def _custom_keys_query(reader: CustomFieldReader, include_inactive: bool) -> QuerySet:
    return custom_field_definitions_seen(
        by_vendor_staff=reader.is_vendor_staff, include_inactive=include_inactive
    ).values_list("key", "field_type")


# Read on every directory request; two kinds of reader, two kinds of list.
_CUSTOM_KEYS = CachedList("partners.directory_custom_keys", _custom_keys_query, size=4)


def directory_custom_keys(
    *, user: User, include_inactive: bool = True
) -> dict[str, str]:
    """The custom fields the user may filter on (and, active ones, export): key to
    field type, which says how the directory compares their values."""
    reader = CustomFieldReader(is_vendor_staff=user.is_vendor_staff)
    return dict(_CUSTOM_KEYS.rows(reader, include_inactive))


def directory_partners(*, user: User, filters: DirectoryFilters) -> QuerySet[Partner]:
    """The partners the user may see that match ``filters``, in their order."""
    return _matching(scope_for(user), filters)


def _matching(scope: PartnerScope, filters: DirectoryFilters) -> QuerySet[Partner]:
    partners = Partner.objects.within(scope).filter(filters.to_q())
    if annotations := filters.annotations():
        partners = partners.annotate(**annotations)
    return partners.order_by(*filters.ordering())


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
    counts = _active_member_counts([row["id"] for row in rows])
    for row in rows:
        row["type_label"] = type_labels.get(row["partner_type"], row["partner_type"])
        row["status_label"] = status_labels.get(row["status"], row["status"])
        row["member_count"] = counts.get(row["id"], 0)
        row["badge"] = STATUS_BADGES.get(row["status"], "secondary")
        row["url"] = detail_url.replace("{id}", str(row["public_id"]))
    return rows


# Active members per partner of one page ({partner id: count}): memberships belong
# to the tenancy app, which registers its counter at start-up (partners does not
# import it).
MemberCounter = Callable[[list[int]], dict[int, int]]
_member_counter: MemberCounter | None = None


def set_member_counter(counter: MemberCounter) -> None:
    global _member_counter
    _member_counter = counter


def _active_member_counts(partner_ids: list[int]) -> dict[int, int]:
    if _member_counter is None:
        raise RuntimeError("No member counter is registered")
    return _member_counter(partner_ids)


def _directory_page_query(reader: ScopedReader, filters: DirectoryFilters) -> QuerySet:
    return _matching(reader.scope, filters).values(*PAGE_COLUMNS)


# The console page's SQL, as the API's list below.
_DIRECTORY_PAGE = CachedList("partners.directory_page", _directory_page_query)


def directory_page(
    *, user: User, filters: DirectoryFilters, limit: int, offset: int, detail_url: str
) -> list[dict]:
    """One page of the directory as the console shows it: ``directory_rows``,
    labelled by ``directory_label_page``, read with SQL compiled once per reader
    scope and filters."""
    compiled = _DIRECTORY_PAGE.sql(ScopedReader.of(user), filters)
    if compiled is None:
        return []
    rows = [
        dict(zip(PAGE_COLUMNS, row, strict=True))
        for row in sql_rows(*paged_sql(*compiled, limit=limit, offset=offset))
    ]
    for row in rows:
        row["public_id"] = uuid_text(row["public_id"])
    return directory_label_page(rows, detail_url=detail_url)


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


# --- saved views ----------------------------------------------------------------------


@dataclass(frozen=True)
class SavedViewReader(ReaderContext):
    """What the saved views' query reads about its reader: who they are (their
    own views) and whether they are vendor staff (partner users have none)."""

    user_id: int
    is_vendor_staff: bool

    @classmethod
    def of(cls, user: User) -> "SavedViewReader":
        return cls(user_id=user.pk, is_vendor_staff=user.is_vendor_staff)


def saved_views_for(*, user: User) -> QuerySet[SavedView]:
    """The saved views a user may apply: their own and those shared with vendor
    staff (none for partner users)."""
    return _saved_views(SavedViewReader.of(user))


def _saved_views(reader: SavedViewReader) -> QuerySet[SavedView]:
    if not reader.is_vendor_staff:
        return SavedView.objects.none()
    # The owner's public id by a subquery per view, not a join: with the user
    # table a hundred thousand rows long, SQLite would rather scan users.
    return (
        SavedView.objects.filter(Q(owner_id=reader.user_id) | Q(is_shared=True))
        .annotate(
            owner_public_id=Subquery(
                User.objects.filter(pk=OuterRef("owner_id")).values("public_id")[:1]
            )
        )
        .order_by("name", "id")
    )


def saved_view_links(*, user: User) -> list[dict]:
    """The saved views a user may apply (``saved_views_for``) as the directory
    lists them: public id (text), name and whether shared; SQL compiled once per
    user, as the page shows them on every request."""
    return [
        {"public_id": uuid_text(public_id), "name": name, "is_shared": bool(shared)}
        for public_id, name, shared in _SAVED_VIEW_LINKS.rows(SavedViewReader.of(user))
    ]


def _saved_view_links_query(reader: SavedViewReader, _filters: None) -> QuerySet:
    return _saved_views(reader).values_list("public_id", "name", "is_shared")


_SAVED_VIEW_LINKS = CachedList("partners.saved_view_links", _saved_view_links_query)


def saved_view_get(*, user: User, public_id) -> SavedView:
    view = saved_views_for(user=user).filter(public_id=public_id).first()
    if view is None:
        raise NotFound
    return view


def saved_view_filters(
    *, user: User, view: SavedView, custom_keys: dict[str, str] | None = None
) -> tuple[DirectoryFilters, list[str]]:
    """A saved view's filters checked again as they are applied, and what no longer
    holds: a custom field, programme, tier, scorecard, parent or channel manager it
    names that is gone (or out of the user's sight) is left out, with a message."""
    if custom_keys is None:
        custom_keys = directory_custom_keys(user=user)
    params = {key: list(values) for key, values in (view.query or {}).items()}
    problems: list[str] = []
    for name, key, _operator in directory.custom_filter_keys(params):
        if key not in custom_keys:
            params.pop(name)
            problems.append(
                gettext("The custom field “%(key)s” no longer exists.") % {"key": key}
            )
    filters = directory.parse(params, custom_keys=custom_keys)
    gone: dict[str, str] = {}
    if filters.programme and not _exists("programs", "Programme", filters.programme):
        gone["programme"] = gettext("The programme of this view no longer exists.")
    if filters.tier is not None and not (
        apps.get_model("programs", "Tier").objects.filter(pk=filters.tier).exists()
    ):
        gone["tier"] = gettext("The tier of this view no longer exists.")
    if filters.scorecard and not _exists("scoring", "Scorecard", filters.scorecard):
        gone["scorecard"] = gettext("The scorecard of this view no longer exists.")
    if filters.parent not in ("", "none") and not (
        Partner.objects.visible_to(user).filter(public_id=filters.parent).exists()
    ):
        gone["parent"] = gettext("The parent partner of this view is not available.")
    if filters.manager not in ("", "none") and not (
        User.objects.filter(public_id=filters.manager, is_active=True)
        .exclude(vendor_role="")
        .exists()
    ):
        gone["manager"] = gettext("The channel manager of this view is not available.")
    if gone:
        cleared = {key: None if key == "tier" else "" for key in gone}
        if "scorecard" in gone:
            cleared |= {"score_min": None, "score_max": None}
            if filters.sorts_by_score or filters.sort in directory.SCORE_SORTS:
                cleared["sort"] = "name"
        filters = replace(filters, **cleared)
        problems.extend(gone.values())
    return filters, [
        gettext("“%(view)s”: %(problem)s That filter was left out.")
        % {"view": view.name, "problem": problem}
        for problem in problems
    ]


def _exists(app: str, model: str, public_id: str) -> bool:
    return apps.get_model(app, model).objects.filter(public_id=public_id).exists()


def directory_filter_definitions(*, user: User):
    """The active custom fields the user may filter on, for the filter form."""
    return custom_field_definitions_for(user=user)


API_COLUMNS = (
    "id",
    "public_id",
    "name",
    "legal_name",
    "partner_type",
    "partner_types",
    "status",
    "website",
    "street",
    "postal_code",
    "state",
    "city",
    "country",
    "region",
    "latitude",
    "longitude",
    "industries",
    "specialisations",
    "employee_band",
    "revenue_band",
    "languages",
    "logo",
    "tags",
    "external_id",
    "channel_manager__public_id",
    "parent_id",
    "custom_fields",
)
# Read with each row besides API_COLUMNS: the times as text (no driver parsing
# them into datetimes to be written back as text), the domains as one JSON array.
API_ANNOTATIONS = {
    "created_text": DateTimeText("created_at"),
    "updated_text": DateTimeText("updated_at"),
    "domain_list": Subquery(
        PartnerDomain.objects.filter(partner=OuterRef("pk"))
        .order_by()
        .values("partner")
        .annotate(domains=JSONArrayAgg("domain"))
        .values("domains")
    ),
}


@dataclass(frozen=True)
class DirectoryApiReader(ScopedReader):
    """What the API list's query reads about its reader: their scope, and their
    role for the custom field keys the page brings along (for active readers the
    scope says it already: the key is split no further)."""

    is_vendor_staff: bool


def _api_page_query(
    reader: DirectoryApiReader, query: tuple[DirectoryFilters, bool]
) -> QuerySet:
    """The page's keys first (``PageKeys``), then only those rows with their
    columns, the capped count (``COUNT_MOST``) and, with ``read_keys``, the
    reader's custom field keys."""
    filters, read_keys = query
    partners = _matching(reader.scope, filters)
    extra = {"list_count": CappedCount(partners, COUNT_MOST)}
    if read_keys:
        extra["custom_keys"] = json_array_subquery(
            custom_field_definitions_seen(
                by_vendor_staff=reader.is_vendor_staff, include_inactive=True
            ),
            "key",
        )
    page = Partner._base_manager.filter(pk__in=PageKeys(partners))
    if annotations := filters.annotations():
        page = page.annotate(**annotations)
    return (
        page.order_by(*filters.ordering())
        .annotate(**API_ANNOTATIONS, **extra)
        .values(*API_COLUMNS, *API_ANNOTATIONS, *extra)
    )


# Building and compiling the filtered queryset cost more than running it.
_API_PAGE = CachedList("partners.api_page", _api_page_query)


def partners_api_page(
    *,
    user: User,
    filters: DirectoryFilters,
    limit: int,
    offset: int,
    count_up_to: int,
    custom_keys: AbstractSet[str] | None,
    logo_url,
) -> tuple[list[dict], int]:
    """One page of the API's partner list as the ``PartnerOut`` documents, and how
    many partners match, counted up to ``count_up_to``.

    The documents are built in JSON types (ids and times as text, as the API
    renders them) from the page's rows: the list is the database's hottest read,
    and model instances plus pydantic cost several times the query. One query
    brings the rows with their domains, the count and, unless ``custom_keys`` (the
    custom fields the reader may see) are given, those keys; a page past the end
    counts in a second one. ``logo_url`` turns a stored logo name into its URL.
    """
    read_keys = custom_keys is None
    reader = DirectoryApiReader(
        scope=scope_for(user), is_vendor_staff=user.is_vendor_staff
    )
    rows = _API_PAGE.rows(
        reader,
        (filters, read_keys),
        limit=limit,
        offset=offset,
        count_most=count_up_to,
    )
    if not rows:
        return [], partners_api_count(user=user, filters=filters, limit=count_up_to)
    decode_json = _json_decoder()
    counted = rows[0][len(API_COLUMNS) + len(API_ANNOTATIONS)]
    if read_keys:
        custom_keys = frozenset(decode_json(rows[0][-1]) or ())
    decode_json = _json_decoder()
    items = []
    for (
        pk,
        public_id,
        name,
        legal_name,
        partner_type,
        partner_types,
        status,
        website,
        street,
        postal_code,
        state,
        city,
        country,
        region,
        latitude,
        longitude,
        industries,
        specialisations,
        employee_band,
        revenue_band,
        languages,
        logo,
        tags,
        external_id,
        manager_public_id,
        parent_id,
        custom_fields,
        created_at,
        updated_at,
        domain_list,
        *_list_columns,  # the count and the custom field keys, the same in every row
    ) in rows:
        custom_fields = decode_json(custom_fields)
        items.append(
            {
                "id": uuid_text(public_id),
                "partner": pk,
                "name": name,
                "legal_name": legal_name,
                "partner_type": partner_type,
                "partner_types": decode_json(partner_types),
                "status": status,
                "website": website,
                "street": street,
                "postal_code": postal_code,
                "state": state,
                "city": city,
                "country": country,
                "region": region,
                "latitude": _float(latitude),
                "longitude": _float(longitude),
                "industries": decode_json(industries),
                "specialisations": decode_json(specialisations),
                "employee_band": employee_band,
                "revenue_band": revenue_band,
                "languages": decode_json(languages),
                "logo": logo_url(logo) if logo else None,
                "tags": decode_json(tags),
                "external_id": external_id,
                "channel_manager": uuid_text(manager_public_id),
                "parent": parent_id,
                "custom_fields": {
                    key: value
                    for key, value in custom_fields.items()
                    if key in custom_keys
                }
                if custom_fields
                else {},
                "created_at": datetime_text(created_at),
                "updated_at": datetime_text(updated_at),
                "domains": sorted(decode_json(domain_list)) if domain_list else [],
            }
        )
    return items, counted


def partners_api_count(*, user: User, filters: DirectoryFilters, limit: int) -> int:
    """How many partners the API's list matches, counted up to ``limit``."""
    compiled = _DIRECTORY_COUNT.sql(ScopedReader.of(user), filters)
    if compiled is None:
        return 0
    ((counted,),) = sql_rows(*capped_count_sql(*compiled, limit=limit))
    return counted


def _directory_count_query(reader: ScopedReader, filters: DirectoryFilters):
    return _matching(reader.scope, filters).order_by().values("pk")


_DIRECTORY_COUNT = CachedList("partners.directory_count", _directory_count_query)


def _json_decoder():
    """``json.loads`` for one page's JSON columns, parsing each distinct text once
    (most rows repeat ``[]`` and ``{}``). The parsed values are shared between rows:
    they are only rendered, never changed."""
    parsed: dict[str, Any] = {}

    def decode(value):
        # Both backends hand JSON columns back as text (Django decodes them itself).
        if not isinstance(value, str):
            return value
        try:
            return parsed[value]
        except KeyError:
            parsed[value] = result = json.loads(value)
            return result

    return decode


def _float(value):
    # Six decimal places, as the column stores them (SQLite hands back its REAL).
    return None if value is None else round(float(value), 6)
