"""Generated tests for every cached list (``core.db.CachedList``).

A cached list compiles its SQL once per reader context and filters. For each one
registered, readers of different scopes and roles read it in turn, and each must get
exactly the rows they get without the cache: none of another reader's, and a shared
compiled query only where it gives the right rows. Every row must also equal the
same row read another way (the API's detail, or the uncached selector).

A new cached list fails ``test_every_cached_list_has_its_reads_here`` until
``READS`` says how a reader reads it and how to read the same rows without it.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from itertools import zip_longest

import pytest
from django.apps import apps
from django.urls import get_resolver

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import UserFactory
from openprm.core.db import cached_lists
from openprm.deals.selectors import deal_list_visible_to
from openprm.deals.tests.factories import ensure_stages, make_deal
from openprm.partners import directory
from openprm.partners.directory.selectors import (
    directory_custom_keys,
    directory_label_page,
    directory_page,
    directory_partners,
    directory_rows,
    partners_api_count,
    saved_view_links,
    saved_views_for,
)
from openprm.partners.models import CustomFieldDefinition, Partner
from openprm.partners.selectors import custom_field_definitions_for
from openprm.partners.tests.factories import PartnerFactory, SavedViewFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

DETAIL = "/console/partners/{id}/"


def _import_every_selector_module() -> None:
    """Cached lists register themselves when their module is imported: import
    every app's selectors and everything the URLconf reaches."""
    get_resolver().url_patterns  # noqa: B018 (imports every view and API module)
    for config in apps.get_app_configs():
        if not config.name.startswith("openprm."):
            continue
        for module in pkgutil.iter_modules(
            importlib.import_module(config.name).__path__
        ):
            if module.name.startswith("selectors"):
                importlib.import_module(f"{config.name}.{module.name}")


# --- the readers -------------------------------------------------------------------


class Cast:
    """Partners in three regions, a distributor with a reseller beneath it, and a
    reader of each kind whose scope or role differs from the others'."""

    def __init__(self):
        ensure_stages()
        self.northwind = PartnerFactory(
            name="Northwind",
            partner_type="distributor",
            downstream_visibility=True,
            country="GB",
        )
        self.contoso = PartnerFactory(name="Contoso", parent=self.northwind)
        self.fabrikam = PartnerFactory(name="Fabrikam", country="JP", region="APAC")
        self.initech = PartnerFactory(name="Initech", country="US", region="NA")
        self.vendor_admin = UserFactory(vendor_role=VendorRole.VENDOR_ADMIN)
        self.analyst = UserFactory(vendor_role=VendorRole.ANALYST)
        self.emea_manager = UserFactory(
            vendor_role=VendorRole.CHANNEL_MANAGER, territories=["EMEA"]
        )
        self.fabrikam_manager = UserFactory(vendor_role=VendorRole.CHANNEL_MANAGER)
        Partner.objects.filter(pk=self.fabrikam.pk).update(
            channel_manager=self.fabrikam_manager
        )
        self.distributor_admin = MembershipFactory(partner=self.northwind).user
        self.reseller_seller = MembershipFactory(
            partner=self.contoso, roles=[PartnerRole.SALES]
        ).user
        # The seller's scope without a deal role: the deal list checks it in SQL.
        self.reseller_marketer = MembershipFactory(
            partner=self.contoso, roles=[PartnerRole.MARKETING]
        ).user
        self.fabrikam_admin = MembershipFactory(partner=self.fabrikam).user
        for partner in (self.northwind, self.contoso, self.fabrikam, self.initech):
            make_deal(partner=partner, status="approved", product_lines=("a", "b"))
            make_deal(partner=partner)
        CustomFieldDefinition.objects.create(
            key="seats", label="Seats", field_type="number", visible_to_partners=True
        )
        CustomFieldDefinition.objects.create(
            key="notes", label="Notes", field_type="text"
        )
        CustomFieldDefinition.objects.create(
            key="retired", label="Retired", field_type="text", is_active=False
        )
        Partner.objects.filter(pk=self.contoso.pk).update(
            custom_fields={"seats": 12, "notes": "staff only"}
        )
        Partner.objects.filter(pk=self.fabrikam.pk).update(custom_fields={"seats": 3})
        SavedViewFactory(owner=self.vendor_admin, name="Mine")
        SavedViewFactory(owner=self.emea_manager, name="Shared", is_shared=True)
        SavedViewFactory(owner=self.fabrikam_manager, name="Private")

    @property
    def readers(self) -> list:
        """In turn: no two neighbours share a scope and role."""
        return [
            self.vendor_admin,
            self.reseller_seller,
            self.fabrikam_admin,
            self.emea_manager,
            self.reseller_marketer,
            self.distributor_admin,
            self.fabrikam_manager,
            self.analyst,
        ]


@pytest.fixture
def cast():
    return Cast()


# --- how each cached list is read ---------------------------------------------------


@dataclass(frozen=True)
class Reads:
    """How a reader reads one cached list, and the same rows without it."""

    # Query parameters (or arguments) to read it with, each read by every reader.
    variants: tuple
    # (client, user, variant) -> rows, through the cached list.
    cached: Callable
    # (client, user, variant) -> the same rows without the cache, in the same order.
    uncached: Callable
    # row -> what identifies it.
    key: Callable = lambda row: row


def _api_list(client, user, path: str, query: dict) -> list:
    client.force_login(user)
    response = client.get(path, query)
    assert response.status_code == 200, response.content
    body = response.json()
    return [*body["items"], {"count": body["count"]}]


def _api_details(client, user, path: str, ids: list) -> list:
    client.force_login(user)
    details = []
    for public_id in ids:
        response = client.get(f"{path}/{public_id}")
        assert response.status_code == 200, response.content
        details.append(response.json())
    return [*details, {"count": len(ids)}]


def _filters(user, params: dict) -> directory.DirectoryFilters:
    """The directory's filters as the pages parse them, custom fields read
    without the cache."""
    keys = custom_field_definitions_for(user=user, include_inactive=True)
    return directory.parse(
        {name: [value] for name, value in params.items()},
        custom_keys=dict(keys.values_list("key", "field_type")),
    )


def _deal_ids(user, query: dict) -> list:
    deals = deal_list_visible_to(user=user, status=query.get("status", ""))
    return [str(public_id) for public_id in deals.values_list("public_id", flat=True)]


def _partner_ids(user, query: dict) -> list:
    partners = directory_partners(user=user, filters=_filters(user, query))
    return [
        str(public_id) for public_id in partners.values_list("public_id", flat=True)
    ]


def _document_key(row: dict):
    return row.get("id", row.get("count"))


DIRECTORY_QUERIES = ({"status": "active", "sort": "-created"}, {"region": "EMEA"})


def _api_reads(path: str, ids: Callable, variants: tuple) -> Reads:
    """An API list read through the API, and the same rows as the detail of each
    object the uncached selector finds (``ids(user, query)``)."""
    return Reads(
        variants=variants,
        cached=lambda client, user, query: _api_list(client, user, path, query),
        uncached=lambda client, user, query: _api_details(
            client, user, path, ids(user, query)
        ),
        key=_document_key,
    )


READS = {
    "deals.deal_list_page": _api_reads(
        "/api/v1/deals", _deal_ids, variants=({"status": "approved"}, {})
    ),
    # The last filters by a custom field: the page then reads no custom keys.
    "partners.api_page": _api_reads(
        "/api/v1/partners",
        _partner_ids,
        variants=(
            {"status": "active", "sort": "-created_at"},
            {"sort": "name"},
            {"cf_seats__min": "1"},
        ),
    ),
    "partners.directory_count": Reads(
        variants=DIRECTORY_QUERIES,
        cached=lambda client, user, query: [
            partners_api_count(user=user, filters=_filters(user, query), limit=1000)
        ],
        uncached=lambda client, user, query: [
            directory_partners(user=user, filters=_filters(user, query)).count()
        ],
    ),
    "partners.directory_page": Reads(
        variants=DIRECTORY_QUERIES,
        cached=lambda client, user, query: directory_page(
            user=user,
            filters=_filters(user, query),
            limit=50,
            offset=0,
            detail_url=DETAIL,
        ),
        uncached=lambda client, user, query: directory_label_page(
            [
                {**row, "public_id": str(row["public_id"])}
                for row in directory_rows(user=user, filters=_filters(user, query))[:50]
            ],
            detail_url=DETAIL,
        ),
        key=lambda row: row["public_id"],
    ),
    "partners.directory_custom_keys": Reads(
        variants=(True, False),
        cached=lambda client, user, include_inactive: sorted(
            directory_custom_keys(user=user, include_inactive=include_inactive).items()
        ),
        uncached=lambda client, user, include_inactive: sorted(
            custom_field_definitions_for(
                user=user, include_inactive=include_inactive
            ).values_list("key", "field_type")
        ),
    ),
    "partners.saved_view_links": Reads(
        variants=(None,),
        cached=lambda client, user, _: saved_view_links(user=user),
        uncached=lambda client, user, _: [
            {
                "public_id": str(view.public_id),
                "name": view.name,
                "is_shared": view.is_shared,
            }
            for view in saved_views_for(user=user)
        ],
        key=lambda row: row["public_id"],
    ),
}


def test_every_cached_list_has_its_reads_here():
    _import_every_selector_module()

    assert sorted(READS) == sorted(cached.name for cached in cached_lists())


def _clear_every_cached_list() -> None:
    for cached in cached_lists():
        cached.clear()


@pytest.mark.parametrize("name", sorted(READS))
def test_readers_in_turn_never_get_each_others_rows(name, cast, client):
    """From empty caches, every reader reads the list twice, between readers of
    other scopes and roles: each gets their own rows, every time."""
    reads = READS[name]
    _clear_every_cached_list()
    for variant in reads.variants:
        seen = {}
        for user in [*cast.readers, *reversed(cast.readers)]:
            listed = [reads.key(row) for row in reads.cached(client, user, variant)]
            expected = [reads.key(row) for row in reads.uncached(client, user, variant)]
            assert listed == expected, (name, variant, user.email)
            seen.setdefault(user.email, []).append(listed)
        # The readers do differ here, so a shared query would have shown.
        assert len({repr(rows) for rows, _again in seen.values()}) >= 2, variant
    cached = next(cached for cached in cached_lists() if cached.name == name)
    assert len(cached) >= 1  # the reads went through this list


@pytest.mark.parametrize("name", sorted(READS))
def test_every_listed_row_is_the_row_read_without_the_cache(name, cast, client):
    """Each row a reader lists equals the same row read another way (the detail,
    or the selector without the cache), with the list's queries compiled for the
    broadest reader first."""
    reads = READS[name]
    for variant in reads.variants:
        reads.cached(client, cast.vendor_admin, variant)
        for user in cast.readers:
            listed = reads.cached(client, user, variant)
            expected = reads.uncached(client, user, variant)
            for row, same in zip_longest(listed, expected):
                assert row == same, (name, variant, user.email)


# --- deep pages ----------------------------------------------------------------------


def test_a_crawl_over_deep_pages_takes_no_cache_entries(client, monkeypatch):
    """Pages past the capped count's window (``COUNT_CAP``, made small here, as
    the pages are) are slots of the same compiled SQL: a crawler paging through
    the directory, console and API, and the deal API, leaves every cached list
    with the entries it had after the first page."""
    from openprm.console import views as console_views
    from openprm.core import api as core_api
    from openprm.core.pagination import CappedPaginator

    monkeypatch.setattr(core_api, "COUNT_CAP", 4)
    monkeypatch.setattr(CappedPaginator, "cap", 4)
    monkeypatch.setattr(console_views, "PARTNERS_PER_PAGE", 2)
    ensure_stages()
    partner = PartnerFactory()
    for _index in range(23):
        PartnerFactory()
    for _index in range(12):
        make_deal(partner=partner)
    vendor_admin = UserFactory(vendor_role=VendorRole.VENDOR_ADMIN)
    partner_admin = MembershipFactory(partner=partner).user
    reads = [
        (vendor_admin, "/console/partners/?page={page}"),
        (vendor_admin, "/api/v1/partners?limit=2&offset={offset}"),
        (partner_admin, "/api/v1/deals?limit=1&offset={offset}"),
    ]

    def crawl(pages):
        for user, path in reads:
            client.force_login(user)
            for page in pages:
                response = client.get(path.format(page=page, offset=2 * (page - 1)))
                assert response.status_code == 200

    crawl([1])
    entries = {cached.name: len(cached) for cached in cached_lists()}
    crawl(range(3, 13))

    assert {cached.name: len(cached) for cached in cached_lists()} == entries
