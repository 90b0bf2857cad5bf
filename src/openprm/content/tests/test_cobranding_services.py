"""Services: setting up co-branding, the cached copy and the recorded download."""

import hashlib
from io import BytesIO

import pytest
from pypdf import PdfReader

from openprm.content.choices import ActivityKind
from openprm.content.cobranding import services
from openprm.content.cobranding.generation import CobrandingFailed
from openprm.content.models import CobrandedCopy, ContentActivity
from openprm.content.tests.cobranding_fixtures import (  # noqa: F401
    give_logo,
    media_fixture,
    people_fixture,
)
from openprm.content.tests.factories import (
    LOGO_ZONE,
    NAME_ZONE,
    AssetVersionFactory,
    FileAssetFactory,
    cobrandable_asset,
    image_bytes,
    pdf_bytes,
)
from openprm.core.errors import PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.partners.models import Contact

pytestmark = pytest.mark.django_db


def text_of(copy) -> str:
    with copy.file.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


# --- setting up


def test_marketing_marks_a_pdf_cobrandable_with_zones(people):
    asset = FileAssetFactory()
    AssetVersionFactory(asset=asset)
    asset.refresh_from_db()

    services.asset_cobranding_update(
        actor=people.marketing,
        asset=asset,
        is_cobrandable=True,
        zones_raw=[LOGO_ZONE, NAME_ZONE],
    )

    asset.refresh_from_db()
    assert asset.is_cobrandable is True
    assert asset.cobrand_zones == [LOGO_ZONE, NAME_ZONE]
    entry = AuditEntry.objects.get(verb="content.cobranding_changed")
    assert entry.changes["is_cobrandable"] == [False, True]
    event = OutboxEvent.objects.get(name="content.cobranding_changed")
    assert event.payload["asset"] == str(asset.public_id)


def test_a_zone_outside_the_page_is_refused_and_nothing_changes(people):
    asset = FileAssetFactory()
    AssetVersionFactory(asset=asset)
    asset.refresh_from_db()
    audits, events = AuditEntry.objects.count(), OutboxEvent.objects.count()

    with pytest.raises(ValidationFailed) as refused:
        services.asset_cobranding_update(
            actor=people.marketing,
            asset=asset,
            is_cobrandable=True,
            zones_raw=[LOGO_ZONE, {**NAME_ZONE, "x": 500}],
        )

    assert refused.value.field_errors == {
        "zones.1": ["Zone 2 lies outside page 1 (612 x 792 pt)."]
    }
    asset.refresh_from_db()
    assert (asset.is_cobrandable, asset.cobrand_zones) == (False, [])
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == (audits, events)


def test_cobrandable_needs_at_least_one_zone(people):
    asset = FileAssetFactory()
    AssetVersionFactory(asset=asset)
    asset.refresh_from_db()

    with pytest.raises(ValidationFailed) as refused:
        services.asset_cobranding_update(
            actor=people.marketing, asset=asset, is_cobrandable=True, zones_raw=[]
        )

    assert refused.value.field_errors == {
        "zones": ["Place at least one zone for the partner's details."]
    }


def test_an_asset_without_a_version_cannot_be_cobrandable(people):
    asset = FileAssetFactory()

    with pytest.raises(ValidationFailed) as refused:
        services.asset_cobranding_update(
            actor=people.marketing,
            asset=asset,
            is_cobrandable=True,
            zones_raw=[NAME_ZONE],
        )

    assert list(refused.value.field_errors) == ["is_cobrandable"]


def test_zones_of_a_corrupt_pdf_are_refused(people):
    asset = FileAssetFactory()
    AssetVersionFactory(asset=asset, data=b"%PDF-1.7 broken")
    asset.refresh_from_db()

    with pytest.raises(ValidationFailed) as refused:
        services.asset_cobranding_update(
            actor=people.marketing,
            asset=asset,
            is_cobrandable=True,
            zones_raw=[NAME_ZONE],
        )

    assert list(refused.value.field_errors) == ["file"]


def test_an_analyst_may_not_set_up_cobranding(people):
    asset = FileAssetFactory()
    AssetVersionFactory(asset=asset)
    asset.refresh_from_db()
    audits = AuditEntry.objects.count()

    with pytest.raises(PermissionDenied):
        services.asset_cobranding_update(
            actor=people.analyst,
            asset=asset,
            is_cobrandable=True,
            zones_raw=[NAME_ZONE],
        )

    assert AuditEntry.objects.count() == audits


def test_the_preview_stamps_sample_details(people):
    asset = cobrandable_asset()

    data, content_type = services.preview(actor=people.marketing, asset=asset)

    assert content_type == "application/pdf"
    assert "Example Partner GmbH" in PdfReader(BytesIO(data)).pages[0].extract_text()
    assert CobrandedCopy.objects.count() == 0


# --- the cached copy


def test_the_first_copy_is_made_and_carries_the_partners_name(people):
    asset = cobrandable_asset()

    copy, made = services.cobranded_copy_get(partner=people.contoso, asset=asset)

    assert made is True
    assert copy.partner == people.contoso
    assert copy.version == asset.current_version
    assert "Contoso Reseller" in text_of(copy)


def test_the_original_file_in_storage_is_unchanged(people):
    asset = cobrandable_asset()
    version = asset.current_version

    services.cobranded_copy_get(partner=people.contoso, asset=asset)

    with version.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == version.sha256


def test_the_second_request_is_served_from_the_cache(people, django_assert_num_queries):
    asset = cobrandable_asset()
    first, _made = services.cobranded_copy_get(partner=people.contoso, asset=asset)

    # The primary contact, the cached copy.
    with django_assert_num_queries(2):
        again, made = services.cobranded_copy_get(partner=people.contoso, asset=asset)

    assert (again.pk, made) == (first.pk, False)
    assert CobrandedCopy.objects.count() == 1


def test_a_change_of_the_partners_details_makes_a_new_copy(
    people, django_capture_on_commit_callbacks
):
    asset = cobrandable_asset()
    first, _made = services.cobranded_copy_get(partner=people.contoso, asset=asset)
    first_name = first.file.name
    storage = first.file.storage

    people.contoso.name = "Contoso Reseller AG"
    people.contoso.save(update_fields=["name"])
    with django_capture_on_commit_callbacks(execute=True):
        again, made = services.cobranded_copy_get(partner=people.contoso, asset=asset)

    assert made is True
    assert again.fingerprint != first.fingerprint
    assert "Contoso Reseller AG" in text_of(again)
    # The older copy went, row and file.
    assert list(CobrandedCopy.objects.values_list("pk", flat=True)) == [again.pk]
    assert not storage.exists(first_name)


def test_a_change_of_the_primary_contact_makes_a_new_copy(people):
    asset = cobrandable_asset(zones=[{**NAME_ZONE, "field": "contact_name"}])
    first, _made = services.cobranded_copy_get(partner=people.contoso, asset=asset)

    Contact.objects.filter(partner=people.contoso).update(name="Eli Newcontact")
    again, made = services.cobranded_copy_get(partner=people.contoso, asset=asset)

    assert made is True
    assert "Eli Newcontact" in text_of(again)
    assert again.pk != first.pk


def test_a_new_logo_makes_a_new_copy(people):
    asset = cobrandable_asset()
    first, _made = services.cobranded_copy_get(partner=people.contoso, asset=asset)

    give_logo(people.contoso, colour="blue", name="new-logo.png")
    again, made = services.cobranded_copy_get(partner=people.contoso, asset=asset)

    assert made is True
    assert again.fingerprint != first.fingerprint


def test_a_new_version_makes_a_new_copy_of_it(people):
    asset = cobrandable_asset()
    first, _made = services.cobranded_copy_get(partner=people.contoso, asset=asset)

    AssetVersionFactory(asset=asset, number=2, data=pdf_bytes(text="Second edition"))
    asset.refresh_from_db()
    again, made = services.cobranded_copy_get(partner=people.contoso, asset=asset)

    assert made is True
    assert again.version.number == 2
    assert "Second edition" in text_of(again)
    assert list(CobrandedCopy.objects.values_list("pk", flat=True)) == [again.pk]
    assert first.pk != again.pk


def test_a_changed_zone_makes_a_new_copy(people):
    asset = cobrandable_asset()
    first, _made = services.cobranded_copy_get(partner=people.contoso, asset=asset)

    services.asset_cobranding_update(
        actor=people.marketing,
        asset=asset,
        is_cobrandable=True,
        zones_raw=[{**NAME_ZONE, "y": 100}],
    )
    again, made = services.cobranded_copy_get(partner=people.contoso, asset=asset)

    assert made is True
    assert again.pk != first.pk


def test_a_copy_whose_file_is_gone_is_made_again(people):
    asset = cobrandable_asset()
    first, _made = services.cobranded_copy_get(partner=people.contoso, asset=asset)
    first.file.storage.delete(first.file.name)

    again, made = services.cobranded_copy_get(partner=people.contoso, asset=asset)

    assert made is True
    assert again.file.storage.exists(again.file.name)


def test_each_partner_gets_its_own_copy(people):
    asset = cobrandable_asset()

    contoso_copy, _made = services.cobranded_copy_get(
        partner=people.contoso, asset=asset
    )
    fabrikam_copy, _made = services.cobranded_copy_get(
        partner=people.fabrikam, asset=asset
    )

    assert contoso_copy.pk != fabrikam_copy.pk
    assert "Fabrikam" not in text_of(contoso_copy)
    assert "Contoso" not in text_of(fabrikam_copy)
    assert "Fabrikam Systems" in text_of(fabrikam_copy)


def test_a_partner_without_a_logo_is_told_so(people):
    asset = cobrandable_asset()
    people.contoso.logo.delete(save=True)

    with pytest.raises(CobrandingFailed) as refused:
        services.cobranded_copy_get(partner=people.contoso, asset=asset)

    assert list(refused.value.field_errors) == ["logo"]
    assert CobrandedCopy.objects.count() == 0


def test_a_corrupt_version_is_refused(people):
    asset = cobrandable_asset(data=b"%PDF-1.4 truncated")

    with pytest.raises(CobrandingFailed) as refused:
        services.cobranded_copy_get(partner=people.contoso, asset=asset)

    assert "could not be read as a PDF" in refused.value.field_errors["file"][0]
    assert CobrandedCopy.objects.count() == 0


def test_an_image_asset_gets_an_image_copy(people):
    logo_zone = {
        "kind": "logo",
        "page": 1,
        "x": 0,
        "y": 300,
        "width": 200,
        "height": 100,
    }
    asset = cobrandable_asset(data=image_bytes(), zones=[logo_zone])

    copy, _made = services.cobranded_copy_get(partner=people.contoso, asset=asset)

    assert copy.file.name.endswith(".png")


# --- the download


def test_a_download_is_recorded_with_its_event(people):
    asset = cobrandable_asset()
    membership = people.contoso_user.memberships.get()

    copy, made = services.cobranded_copy_download(
        actor=people.contoso_user, membership=membership, asset=asset
    )

    assert made is True
    assert copy.partner == people.contoso
    activity = ContentActivity.objects.get()
    assert (activity.kind, activity.partner, activity.user, activity.asset) == (
        ActivityKind.COBRANDED_DOWNLOAD,
        people.contoso,
        people.contoso_user,
        asset,
    )
    assert activity.version == asset.current_version
    event = OutboxEvent.objects.get(name="content.downloaded")
    assert event.payload["cobranded"] is True
    assert event.payload["asset"] == str(asset.public_id)
    assert event.partner_id == people.contoso.pk
    asset.refresh_from_db()
    assert asset.downloads == 1
