import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from openprm.content.choices import ActivityKind, AssetKind
from openprm.content.models import Asset, ContentActivity, LibraryVisit
from openprm.content.tests.factories import (
    AssetFactory,
    AudienceFactory,
    audience_of,
    pdf_upload,
)
from openprm.content.tests.library.conftest import stored_files
from openprm.core.models import OutboxEvent
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

LIBRARY = reverse("portal:library")


@pytest.fixture
def reader(client):
    membership = MembershipFactory(roles=["sales"])
    client.force_login(membership.user)
    return membership


def titles(response) -> list[str]:
    return [asset.title for asset in response.context["page"].object_list]


def test_the_portal_library_lists_only_live_assets_of_the_readers_audiences(
    client, reader, everyone
):
    now = timezone.now()
    mine = audience_of(reader.partner)
    other = audience_of(PartnerFactory(), tag="someone-else")
    AssetFactory(title="For all", audience=everyone)
    AssetFactory(title="For us", audience=mine)
    AssetFactory(title="For them", audience=other)
    AssetFactory(title="Draft", audience=everyone, publish_at=None)
    AssetFactory(
        title="Tomorrow", audience=everyone, publish_at=now + datetime.timedelta(1)
    )
    AssetFactory(
        title="Expired", audience=everyone, expires_at=now - datetime.timedelta(1)
    )
    AssetFactory(
        title="Admins only",
        audience=AudienceFactory(partner_roles=["partner_admin"]),
    )

    response = client.get(LIBRARY)

    assert response.status_code == 200
    assert sorted(titles(response)) == ["For all", "For us"]


@pytest.mark.parametrize("count", [5, 25])
def test_the_portal_library_costs_the_same_queries_for_5_or_25_assets(
    client, reader, everyone, django_assert_num_queries, count
):
    for index in range(count):
        asset = AssetFactory(
            kind=AssetKind.FILE, title=f"Asset {index}", audience=everyone
        )
        asset.tags.create(name=f"tag {index}")
    client.get(LIBRARY)  # the first visit writes the visit row

    # session, user, memberships; visit read (written again only a minute
    # later); audiences (3); facets (with the unfiltered count); the page with
    # its tags.
    with django_assert_num_queries(9):
        response = client.get(LIBRARY)

    assert len(titles(response)) == min(count, 24)


def test_a_card_shows_its_assets_tags_by_name(client, reader, everyone):
    asset = AssetFactory(title="Tagged", audience=everyone)
    asset.tags.create(name="print")
    asset.tags.create(name="brochure")
    AssetFactory(title="Untagged", audience=everyone)

    html = client.get(LIBRARY).content.decode()

    cards = {
        title: card
        for card in html.split('data-testid="library-asset"')[1:]
        for title in ("Tagged", "Untagged")
        if f">{title}</a>" in card
    }
    assert cards["Tagged"].index(">brochure<") < cards["Tagged"].index(">print<")
    assert "badge text-bg-light" not in cards["Untagged"]


@pytest.mark.parametrize(
    ("query", "shown"),
    [("", 27), ("?language=de", 2), ("?sort=most_used", 27), ("?q=special", 1)],
)
def test_the_portal_library_counts_what_the_filters_leave(
    client, reader, everyone, query, shown
):
    for index in range(25):
        AssetFactory(title=f"Asset {index}", audience=everyone, language="en")
    AssetFactory(title="German", audience=everyone, language="de")
    AssetFactory(title="Special German", audience=everyone, language="de")
    AssetFactory(title="Someone else's", audience=audience_of(PartnerFactory()))

    response = client.get(LIBRARY + query)

    assert response.context["page"].paginator.count == shown
    assert f"of {shown}<" in response.content.decode()


@pytest.mark.parametrize(("audiences", "assets"), [(1, 5), (30, 50)])
def test_the_portal_library_costs_the_same_queries_for_1_or_30_audiences(
    client, reader, django_assert_num_queries, audiences, assets
):
    rules = [
        {"all": []},
        {"field": "region", "op": "in", "value": ["EMEA", "NA"]},
        {"any": [{"field": "status", "op": "eq", "value": "active"}]},
        {"field": "tags", "op": "any", "value": ["nobody"]},
    ]
    made = [
        AudienceFactory(
            name=f"Audience {index}",
            rule=rules[index % len(rules)],
            partner_roles=["sales"] if index % 5 == 1 else [],
        )
        for index in range(audiences)
    ]
    for index in range(assets):
        asset = AssetFactory(
            kind=AssetKind.FILE if index % 3 == 0 else AssetKind.LINK,
            title=f"Asset {index}",
            audience=made[index % audiences],
        )
        asset.tags.create(name=f"tag {index}")
    client.get(LIBRARY)  # the first visit writes the visit row

    # As for any number of assets: the audiences cost three queries however many.
    with django_assert_num_queries(9):
        response = client.get(LIBRARY)

    assert response.status_code == 200
    assert titles(response)


def test_search_finds_the_text_of_a_pdf_and_filters_narrow(
    client, reader, everyone, marketing
):
    from openprm.content.library import services

    services.asset_create(
        actor=marketing,
        kind=AssetKind.FILE,
        title="Datasheet",
        audience=everyone,
        language="de",
        product_lines=["Firewall"],
        publish_at=timezone.now() - datetime.timedelta(hours=1),
        file=pdf_upload(text="Throughput of the Quasar appliance"),
    )
    AssetFactory(title="Other", audience=everyone, language="en")

    assert titles(client.get(LIBRARY, {"q": "quasar"})) == ["Datasheet"]
    assert titles(client.get(LIBRARY, {"language": "de"})) == ["Datasheet"]
    assert titles(client.get(LIBRARY, {"product_line": "Firewall"})) == ["Datasheet"]
    assert titles(client.get(LIBRARY, {"kind": "link"})) == ["Other"]


def test_most_used_sorts_by_downloads(client, reader, everyone):
    AssetFactory(title="Popular", audience=everyone, downloads=9)
    AssetFactory(title="Newest", audience=everyone)

    assert titles(client.get(LIBRARY)) == ["Newest", "Popular"]
    assert titles(client.get(LIBRARY, {"sort": "most_used"})) == ["Popular", "Newest"]


def test_new_since_my_last_visit_shows_what_was_published_after_it(
    client, reader, everyone
):
    last = timezone.now() - datetime.timedelta(days=3)
    LibraryVisit.objects.create(user=reader.user, last_seen_at=last)
    AssetFactory(
        title="Old", audience=everyone, publish_at=last - datetime.timedelta(1)
    )
    AssetFactory(title="Fresh", audience=everyone)

    response = client.get(LIBRARY, {"new": "on"})

    assert titles(response) == ["Fresh"]


def test_an_empty_library_says_so(client, reader):
    response = client.get(LIBRARY)

    assert b"There is no material for your organisation yet" in response.content


def test_the_item_page_records_a_view(client, reader, everyone):
    asset = AssetFactory(kind=AssetKind.FILE, audience=everyone)

    response = client.get(reverse("portal:library_asset", args=[asset.public_id]))

    assert response.status_code == 200
    activity = ContentActivity.objects.get()
    assert (activity.kind, activity.partner_id, activity.user_id) == (
        ActivityKind.VIEW,
        reader.partner_id,
        reader.user_id,
    )
    assert OutboxEvent.objects.filter(name="content.viewed").count() == 1


def test_a_download_is_an_attachment_with_its_type_and_is_counted(
    client, reader, everyone
):
    asset = AssetFactory(kind=AssetKind.FILE, audience=everyone)

    response = client.get(reverse("portal:library_download", args=[asset.public_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="price-list.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert Asset.objects.get(pk=asset.pk).downloads == 1
    activity = ContentActivity.objects.get(kind=ActivityKind.DOWNLOAD)
    assert activity.version == asset.current_version
    assert OutboxEvent.objects.filter(name="content.downloaded").count() == 1


def test_a_video_is_served_in_byte_ranges(client, reader, everyone, marketing):
    from openprm.content.library import services

    video = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 4
    asset = services.asset_create(
        actor=marketing,
        kind=AssetKind.FILE,
        title="Demo video",
        audience=everyone,
        publish_at=timezone.now() - datetime.timedelta(hours=1),
        file=SimpleUploadedFile("demo.mp4", video),
    )
    url = reverse("portal:library_download", args=[asset.public_id])

    first = client.get(url, headers={"Range": "bytes=0-99"})
    later = client.get(url, headers={"Range": "bytes=1000-"})
    outside = client.get(url, headers={"Range": "bytes=99999-"})

    assert first.status_code == 206
    assert first["Content-Range"] == f"bytes 0-99/{len(video)}"
    assert first["Content-Type"] == "video/mp4"
    assert b"".join(first.streaming_content) == video[:100]
    assert later.status_code == 206
    assert b"".join(later.streaming_content) == video[1000:]
    assert outside.status_code == 416
    # A player's later range requests are not new downloads.
    assert Asset.objects.get(pk=asset.pk).downloads == 1


@pytest.mark.parametrize("route", ["library_asset", "library_download"])
def test_an_item_outside_the_readers_audience_or_not_live_is_not_found(
    client, reader, route
):
    theirs = AssetFactory(
        kind=AssetKind.FILE,
        audience=audience_of(PartnerFactory(), tag="someone-else"),
    )
    draft = AssetFactory(kind=AssetKind.FILE, publish_at=None)

    for asset in (theirs, draft):
        response = client.get(reverse(f"portal:{route}", args=[asset.public_id]))
        assert response.status_code == 404
    assert ContentActivity.objects.count() == 0


def test_marketing_creates_a_file_asset_through_the_console(
    client, marketing, everyone
):
    client.force_login(marketing)

    response = client.post(
        reverse("console:library_asset_create"),
        {
            "kind": "file",
            "title": "Brochure",
            "audience": str(everyone.public_id),
            "tags": "brochure, print",
            "product_lines": "Firewall",
            "file": pdf_upload("brochure.pdf"),
        },
    )

    asset = Asset.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "console:library_asset", args=[asset.public_id]
    )
    assert asset.current_version.original_name == "brochure.pdf"
    assert asset.product_lines == ["Firewall"]


def test_a_refused_upload_in_the_console_shows_on_the_field_and_stores_nothing(
    client, marketing, everyone, media
):
    client.force_login(marketing)

    response = client.post(
        reverse("console:library_asset_create"),
        {
            "kind": "file",
            "title": "Brochure",
            "audience": str(everyone.public_id),
            "file": SimpleUploadedFile("brochure.pdf", b"<html><body>x</body></html>"),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Web pages (HTML) cannot be uploaded: save the page as a PDF instead."
    ]
    assert Asset.objects.count() == 0
    assert stored_files(media) == []


def test_the_console_library_lists_every_asset_in_constant_queries(
    client, analyst, everyone, django_assert_num_queries
):
    client.force_login(analyst)
    for index in range(6):
        AssetFactory(title=f"Asset {index}", audience=everyone, publish_at=None)
    client.get(reverse("console:library"))

    # session, user; facets; count, page, tags.
    with django_assert_num_queries(6):
        response = client.get(reverse("console:library"))

    assert len(titles(response)) == 6


def test_the_expired_list_shows_the_owners_expired_assets(client, marketing):
    client.force_login(marketing)
    AssetFactory(
        title="Old promo",
        owner=marketing,
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    AssetFactory(title="Current", owner=marketing)

    response = client.get(reverse("console:library_expired"), {"mine": "1"})

    assert titles(response) == ["Old promo"]


def test_usage_counts_views_and_downloads_by_partner(client, analyst, everyone):
    asset = AssetFactory(kind=AssetKind.FILE, audience=everyone)
    first, second = MembershipFactory(), MembershipFactory()
    for membership, kind in [
        (first, ActivityKind.VIEW),
        (first, ActivityKind.DOWNLOAD),
        (second, ActivityKind.DOWNLOAD),
    ]:
        ContentActivity.objects.create(
            partner=membership.partner, user=membership.user, kind=kind, asset=asset
        )
    client.force_login(analyst)

    response = client.get(reverse("console:library_usage", args=[asset.public_id]))

    usage = response.context["usage"]
    assert (usage["views"], usage["downloads"]) == (1, 2)
    assert usage["by_day"][-1]["downloads"] == 2
    assert {row["partner_id"]: row["downloads"] for row in usage["by_partner"]} == {
        first.partner_id: 1,
        second.partner_id: 1,
    }
    assert b"<svg" in response.content


def test_a_partners_engagement_counts_its_own_activity_only(client, analyst, everyone):
    asset = AssetFactory(kind=AssetKind.FILE, audience=everyone)
    mine, theirs = MembershipFactory(), MembershipFactory()
    for membership, kind in [
        (mine, ActivityKind.VIEW),
        (mine, ActivityKind.DOWNLOAD),
        (mine, ActivityKind.ANNOUNCEMENT_READ),
        (theirs, ActivityKind.DOWNLOAD),
        (theirs, ActivityKind.DOWNLOAD),
    ]:
        ContentActivity.objects.create(
            partner=membership.partner, user=membership.user, kind=kind, asset=asset
        )
    client.force_login(analyst)

    response = client.get(
        reverse("console:library_partner_engagement", args=[mine.partner.public_id])
    )

    engagement = response.context["engagement"]
    assert (
        engagement["views"],
        engagement["downloads"],
        engagement["announcements_read"],
    ) == (1, 1, 1)
    assert b'data-testid="partner-engagement"' in response.content


def test_the_partner_profile_loads_the_engagement_block(client, analyst):
    partner = PartnerFactory()
    client.force_login(analyst)

    response = client.get(reverse("console:partner_detail", args=[partner.public_id]))

    assert (
        reverse("console:library_partner_engagement", args=[partner.public_id]).encode()
        in response.content
    )


def test_a_channel_manager_sees_the_usage_of_their_own_partners_only(client, everyone):
    from openprm.accounts.tests.factories import VendorUserFactory

    manager = VendorUserFactory(vendor_role="channel_manager")
    asset = AssetFactory(kind=AssetKind.FILE, audience=everyone)
    mine = MembershipFactory(partner=PartnerFactory(channel_manager=manager))
    theirs = MembershipFactory()
    for membership in (mine, theirs):
        ContentActivity.objects.create(
            partner=membership.partner,
            user=membership.user,
            kind=ActivityKind.DOWNLOAD,
            asset=asset,
        )
    client.force_login(manager)

    usage = client.get(
        reverse("console:library_usage", args=[asset.public_id])
    ).context["usage"]
    engagement = client.get(
        reverse("console:library_partner_engagement", args=[theirs.partner.public_id])
    )

    assert [row["partner_id"] for row in usage["by_partner"]] == [mine.partner_id]
    assert usage["downloads"] == 1
    assert engagement.status_code == 404


def test_the_library_filters_by_folder(client, reader, everyone):
    from openprm.content.tests.factories import FolderFactory

    sales = FolderFactory(name="Sales")
    AssetFactory(title="Deck", audience=everyone, folder=sales)
    AssetFactory(title="Loose", audience=everyone)

    response = client.get(LIBRARY, {"folder": str(sales.public_id)})

    assert titles(response) == ["Deck"]
    assert response.context["form"].fields["folder"].choices[1] == (
        str(sales.public_id),
        "Sales",
    )


def test_editing_a_link_offers_its_address_but_no_page_text(client, marketing):
    client.force_login(marketing)
    asset = AssetFactory()

    form = client.get(
        reverse("console:library_asset_edit", args=[asset.public_id])
    ).context["form"]

    assert "url" in form.fields
    assert "body" not in form.fields
    assert "file" not in form.fields


def test_the_portal_home_loads_the_newest_assets(client, reader, everyone):
    AssetFactory(title="Fresh deck", audience=everyone)
    AssetFactory(title="Draft deck", audience=everyone, publish_at=None)

    home = client.get(reverse("portal:dashboard"))
    fragment = client.get(reverse("portal:library_newest"))

    assert reverse("portal:library_newest").encode() in home.content
    assert b"Fresh deck" in fragment.content
    assert b"Draft deck" not in fragment.content
