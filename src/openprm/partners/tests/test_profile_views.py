import pytest
from django.urls import reverse

from openprm.partners import services
from openprm.partners.models import Contact, CustomFieldDefinition
from openprm.partners.tests import profile_helpers
from openprm.partners.tests.profile_helpers import (
    fake_png_upload,
    png_upload,
    world_state,
)

cast = profile_helpers.cast
pytestmark = pytest.mark.django_db


def detail_url(partner) -> str:
    return reverse("console:partner_detail", kwargs={"public_id": partner.public_id})


def edit_url(partner) -> str:
    return reverse("console:partner_edit", kwargs={"public_id": partner.public_id})


def form_data(partner, **changes) -> dict:
    """The profile form as a vendor submits it unchanged, plus ``changes``."""
    data = {
        "name": partner.name,
        "partner_type": partner.partner_type,
        "country": partner.country,
        "region": partner.region,
        "city": partner.city,
    }
    data.update(changes)
    return data


def test_the_partner_list_links_to_the_partner_page(client, cast):
    client.force_login(cast.vendor_admin)

    response = client.get(reverse("console:partner_list"))

    assert detail_url(cast.reseller) in response.content.decode()


def test_the_partner_page_shows_profile_contacts_hierarchy_and_history(client, cast):
    services.partner_update(
        partner=cast.reseller,
        actor=cast.vendor_admin,
        data={"legal_name": "Contoso GmbH", "domains": ["contoso.de"]},
    )
    services.contact_create(
        partner=cast.reseller, actor=cast.vendor_admin, data={"name": "Ada Lovelace"}
    )
    client.force_login(cast.vendor_admin)

    page = client.get(detail_url(cast.reseller)).content.decode()
    parent_page = client.get(detail_url(cast.distributor)).content.decode()

    assert "Contoso GmbH" in page
    assert "contoso.de" in page
    assert "Ada Lovelace" in page
    assert "Northwind" in page  # the parent
    assert 'data-testid="history"' in page
    assert "updated the partner “" in page
    assert "Legal name: Contoso GmbH" in page
    assert "partner.updated" not in page
    assert detail_url(cast.reseller) in parent_page  # a child


def test_an_analyst_reads_the_page_without_edit_links(client, cast):
    client.force_login(cast.analyst)

    page = client.get(detail_url(cast.reseller)).content.decode()

    assert edit_url(cast.reseller) not in page
    assert 'data-testid="history"' not in page


def test_the_profile_form_saves_and_returns_to_the_page(client, cast):
    client.force_login(cast.manager)

    response = client.post(
        edit_url(cast.reseller),
        form_data(
            cast.reseller,
            legal_name="Contoso GmbH",
            domains="contoso.de, contoso.com",
            languages="de, en",
            industries=["retail"],
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(cast.reseller)
    cast.reseller.refresh_from_db()
    assert cast.reseller.legal_name == "Contoso GmbH"
    assert cast.reseller.languages == ["de", "en"]
    assert sorted(cast.reseller.domains.values_list("domain", flat=True)) == [
        "contoso.com",
        "contoso.de",
    ]


def test_the_profile_form_shows_errors_by_field(client, cast):
    client.force_login(cast.vendor_admin)
    before = world_state()

    response = client.post(
        edit_url(cast.reseller), form_data(cast.reseller, country="Germany1")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["country"]
    assert world_state() == before


def test_a_real_png_logo_is_uploaded(client, cast):
    client.force_login(cast.vendor_admin)

    response = client.post(
        edit_url(cast.reseller), form_data(cast.reseller, logo=png_upload())
    )

    assert response.status_code == 302
    cast.reseller.refresh_from_db()
    assert cast.reseller.logo.name.endswith(".png")


def test_a_fake_png_logo_is_refused_on_the_form(client, cast):
    client.force_login(cast.vendor_admin)
    before = world_state()

    response = client.post(
        edit_url(cast.reseller), form_data(cast.reseller, logo=fake_png_upload())
    )

    assert response.status_code == 200
    assert response.context["form"].errors["logo"] == [
        "Upload a PNG, JPEG or WebP image."
    ]
    assert world_state() == before


def test_a_custom_field_error_shows_on_its_field(client, cast):
    services.custom_field_definition_create(
        actor=cast.vendor_admin,
        data={
            "key": "engineers",
            "label": "Engineers",
            "field_type": "number",
            "is_required": True,
        },
    )
    client.force_login(cast.vendor_admin)

    refused = client.post(edit_url(cast.reseller), form_data(cast.reseller))
    saved = client.post(
        edit_url(cast.reseller), form_data(cast.reseller, cf_engineers="7")
    )

    assert refused.context["form"].errors["cf_engineers"] == ["This field is required."]
    assert saved.status_code == 302
    cast.reseller.refresh_from_db()
    assert cast.reseller.custom_fields == {"engineers": 7}


def test_contacts_are_added_edited_and_deleted_in_the_console(client, cast):
    client.force_login(cast.vendor_admin)
    kwargs = {"public_id": cast.reseller.public_id}

    client.post(
        reverse("console:partner_contact_create", kwargs=kwargs),
        {"name": "Ada", "email": "ada@contoso.de"},
    )
    contact = Contact.objects.get()
    client.post(
        reverse(
            "console:partner_contact_edit",
            kwargs={**kwargs, "contact_id": contact.public_id},
        ),
        {"name": "Ada L.", "is_primary": "on"},
    )
    contact.refresh_from_db()
    assert (contact.name, contact.is_primary) == ("Ada L.", True)
    client.post(
        reverse(
            "console:partner_contact_delete",
            kwargs={**kwargs, "contact_id": contact.public_id},
        )
    )

    assert Contact.objects.count() == 0


def test_a_vendor_admin_defines_edits_and_deactivates_custom_fields(client, cast):
    client.force_login(cast.vendor_admin)

    client.post(
        reverse("console:custom_field_create"),
        {
            "key": "clouds",
            "label": "Clouds",
            "field_type": "multi_choice",
            "choices": "aws\ngcp",
            "ordering": "1",
        },
    )
    client.post(
        reverse("console:custom_field_edit", kwargs={"key": "clouds"}),
        {"label": "Cloud platforms", "choices": "aws\ngcp\nazure", "ordering": "2"},
    )
    listing = client.get(reverse("console:custom_field_list")).content.decode()
    client.post(reverse("console:custom_field_deactivate", kwargs={"key": "clouds"}))

    definition = CustomFieldDefinition.objects.get()
    assert "Cloud platforms" in listing
    assert (definition.choices, definition.is_active) == (
        ["aws", "gcp", "azure"],
        False,
    )


def test_a_bad_definition_shows_its_error(client, cast):
    client.force_login(cast.vendor_admin)

    response = client.post(
        reverse("console:custom_field_create"),
        {"key": "Bad Key", "label": "X", "field_type": "choice", "ordering": "0"},
    )

    assert response.status_code == 200
    assert sorted(response.context["form"].errors) == ["choices", "key"]


def test_partner_users_see_their_organisation(client, cast):
    services.custom_field_definition_create(
        actor=cast.vendor_admin,
        data={"key": "secret", "label": "Internal rating", "field_type": "text"},
    )
    services.partner_update(
        partner=cast.reseller,
        actor=cast.vendor_admin,
        data={"legal_name": "Contoso GmbH", "custom_fields": {"secret": "meh"}},
    )
    client.force_login(cast.reseller_sales)

    page = client.get(reverse("portal:organisation")).content.decode()

    assert "Contoso GmbH" in page
    assert "Internal rating" not in page
    assert reverse("portal:organisation_edit") not in page


def test_a_partner_admin_edits_the_partner_editable_fields(client, cast):
    client.force_login(cast.reseller_admin)

    form = client.get(reverse("portal:organisation_edit")).context["form"]
    response = client.post(
        reverse("portal:organisation_edit"),
        {"city": "Hamburg", "region": "APAC", "logo": png_upload()},
    )

    assert "name" not in form.fields
    assert "region" not in form.fields
    assert response.status_code == 302
    cast.reseller.refresh_from_db()
    assert (cast.reseller.city, cast.reseller.region) == ("Hamburg", "EMEA")
    assert cast.reseller.logo.name.endswith(".png")


@pytest.mark.django_db
def test_the_partner_page_links_a_vendor_admin_to_the_lifecycle_actions(client):
    from openprm.accounts.tests.factories import VendorUserFactory
    from openprm.partners.tests.factories import PartnerFactory

    partner = PartnerFactory()
    client.force_login(VendorUserFactory())

    html = client.get(f"/console/partners/{partner.public_id}/").content.decode()

    for action in ("status", "move", "merge"):
        assert f"/console/partners/{partner.public_id}/{action}/" in html


def test_the_country_is_picked_by_name_and_the_region_follows_it(client, cast):
    client.force_login(cast.manager)

    form = client.get(edit_url(cast.reseller)).content.decode()
    response = client.post(
        edit_url(cast.reseller), form_data(cast.reseller, country="BR", region="")
    )

    assert '<option value="NO">Norway</option>' in form
    assert 'name="country"' in form and "data-searchable" in form
    assert response.status_code == 302
    cast.reseller.refresh_from_db()
    assert (cast.reseller.country, cast.reseller.region) == ("BR", "LATAM")
    client.force_login(cast.vendor_admin)  # Brazil is outside the manager's region
    page = client.get(detail_url(cast.reseller)).content.decode()
    assert "Brazil · Latin America" in page


def test_a_region_set_by_hand_stays(client, cast):
    client.force_login(cast.manager)

    client.post(
        edit_url(cast.reseller), form_data(cast.reseller, country="MX", region="NA")
    )

    cast.reseller.refresh_from_db()
    assert cast.reseller.region == "NA"


def test_a_country_not_in_the_list_is_refused(client, cast):
    client.force_login(cast.manager)

    response = client.post(
        edit_url(cast.reseller), form_data(cast.reseller, country="No")
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    cast.reseller.refresh_from_db()
    assert cast.reseller.country != "NO"
