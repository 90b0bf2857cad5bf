"""The console directory's page and saved view links, read by compiled SQL."""

import pytest

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.partners import directory
from openprm.partners.directory.selectors import (
    directory_label_page,
    directory_page,
    directory_rows,
    saved_view_links,
    saved_views_for,
)
from openprm.partners.tests.factories import PartnerFactory, SavedViewFactory
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db

DETAIL = "/console/partners/{id}/"


def _filters(**params):
    return directory.parse(
        {key: [value] for key, value in params.items()}, custom_keys={}
    )


def test_a_page_holds_the_labelled_rows_of_the_same_query():
    parent = PartnerFactory(partner_type="distributor", name="Parent & Co")
    for index in range(7):
        partner = PartnerFactory(name=f"Child {index}", parent=parent, region="EMEA")
        partner_user(partner=partner)
    partner_user(partner=parent, is_active=False)
    admin = VendorUserFactory()
    filters = _filters(sort="-created")

    page = directory_page(
        user=admin, filters=filters, limit=3, offset=2, detail_url=DETAIL
    )

    expected = directory_label_page(
        [
            {**row, "public_id": str(row["public_id"])}
            for row in directory_rows(user=admin, filters=filters)[2:5]
        ],
        detail_url=DETAIL,
    )
    assert page == expected
    assert [row["member_count"] for row in page] == [1, 1, 1]
    assert page[0]["url"] == DETAIL.replace("{id}", page[0]["public_id"])


def test_readers_with_the_same_filters_see_only_their_own_scope():
    mine = PartnerFactory(region="EMEA", name="Mine")
    PartnerFactory(region="APAC", name="Theirs")
    manager = VendorUserFactory(
        vendor_role=VendorRole.CHANNEL_MANAGER, territories=["EMEA"]
    )
    admin = VendorUserFactory()
    filters = _filters(sort="name")

    # The admin's SQL is compiled first; the manager's scope compiles its own.
    everything = directory_page(
        user=admin, filters=filters, limit=50, offset=0, detail_url=DETAIL
    )
    managed = directory_page(
        user=manager, filters=filters, limit=50, offset=0, detail_url=DETAIL
    )
    outsider = directory_page(
        user=partner_user(partner=mine), filters=filters, limit=50, offset=0,
        detail_url=DETAIL,
    )  # fmt: skip

    assert [row["name"] for row in everything] == ["Mine", "Theirs"]
    assert [row["name"] for row in managed] == ["Mine"]
    assert [row["name"] for row in outsider] == ["Mine"]


def test_saved_view_links_are_the_views_a_user_may_apply():
    me, colleague = VendorUserFactory(), VendorUserFactory()
    mine = SavedViewFactory(owner=me, name="B mine")
    shared = SavedViewFactory(owner=colleague, name="A shared", is_shared=True)
    SavedViewFactory(owner=colleague, name="C private")

    links = saved_view_links(user=me)
    theirs = saved_view_links(user=colleague)

    assert links == [
        {"public_id": str(shared.public_id), "name": "A shared", "is_shared": True},
        {"public_id": str(mine.public_id), "name": "B mine", "is_shared": False},
    ]
    assert [link["name"] for link in theirs] == ["A shared", "C private"]
    assert [str(view.public_id) for view in saved_views_for(user=me)] == [
        link["public_id"] for link in links
    ]
    assert saved_view_links(user=partner_user()) == []
