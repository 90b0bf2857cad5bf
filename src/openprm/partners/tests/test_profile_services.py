import pytest

from openprm.core.errors import NotFound, PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.partners import permissions, services
from openprm.partners.models import Contact, CustomFieldDefinition, PartnerDomain
from openprm.partners.tests import profile_helpers
from openprm.partners.tests.profile_helpers import (
    fake_png_upload,
    png_upload,
    world_state,
)
from openprm.tenancy.choices import PartnerRole

cast = profile_helpers.cast

pytestmark = pytest.mark.django_db


def refused(error, call):
    """Run a write that must be refused with ``error`` and change nothing."""
    before = world_state()
    with pytest.raises(error) as raised:
        call()
    assert world_state() == before
    return raised.value


def test_a_vendor_admin_updates_the_profile_with_audit_and_event(cast):
    partner = services.partner_update(
        partner=cast.reseller,
        actor=cast.vendor_admin,
        data={
            "legal_name": "Contoso GmbH",
            "website": "contoso.de",
            "domains": ["https://www.Contoso.DE/", "contoso.com"],
            "industries": ["retail", "finance"],
            "languages": ["DE", "en"],
            "tags": [" gold ", "gold", "berlin"],
            "latitude": "52.52",
            "longitude": "13.405",
        },
    )

    partner.refresh_from_db()
    assert partner.legal_name == "Contoso GmbH"
    assert partner.website == "https://contoso.de"
    assert partner.industries == ["retail", "finance"]  # in the choices order
    assert partner.languages == ["de", "en"]
    assert partner.tags == ["gold", "berlin"]
    assert str(partner.latitude) == "52.520000"
    assert sorted(partner.domains.values_list("domain", flat=True)) == [
        "contoso.com",
        "contoso.de",
    ]
    entry = AuditEntry.objects.filter(verb="partner.updated").get()
    assert entry.changes["legal_name"] == ["", "Contoso GmbH"]
    assert entry.changes["domains"] == [[], ["contoso.com", "contoso.de"]]
    assert entry.partner_id == partner.pk
    event = OutboxEvent.objects.filter(name="partner.updated").get()
    assert "domains" in event.payload["changed"]


def test_an_update_that_changes_nothing_writes_nothing(cast):
    services.partner_update(
        partner=cast.reseller, actor=cast.vendor_admin, data={"legal_name": "X"}
    )
    before = world_state()

    services.partner_update(
        partner=cast.reseller, actor=cast.vendor_admin, data={"legal_name": "X"}
    )

    assert world_state() == before


def test_the_primary_type_leads_the_list_of_types(cast):
    services.partner_update(
        partner=cast.reseller,
        actor=cast.vendor_admin,
        data={"partner_types": ["msp", "reseller", "isv"]},
    )

    cast.reseller.refresh_from_db()
    assert cast.reseller.partner_types == ["reseller", "msp", "isv"]


def test_the_channel_manager_edits_a_partner_in_scope(cast):
    services.partner_update(
        partner=cast.reseller, actor=cast.manager, data={"tags": ["key"]}
    )

    cast.reseller.refresh_from_db()
    assert cast.reseller.tags == ["key"]


def test_the_channel_manager_cannot_see_a_partner_out_of_scope(cast):
    refused(
        NotFound,
        lambda: services.partner_update(
            partner=cast.other, actor=cast.manager, data={"tags": ["x"]}
        ),
    )


def test_an_analyst_reads_but_cannot_edit(cast):
    refused(
        PermissionDenied,
        lambda: services.partner_update(
            partner=cast.reseller, actor=cast.analyst, data={"tags": ["x"]}
        ),
    )


def test_a_partner_admin_edits_the_partner_editable_fields(cast):
    services.partner_update(
        partner=cast.reseller,
        actor=cast.reseller_admin,
        data={"city": "Hamburg", "employee_band": "11-50"},
    )

    cast.reseller.refresh_from_db()
    assert (cast.reseller.city, cast.reseller.employee_band) == ("Hamburg", "11-50")


def test_a_partner_admin_cannot_change_vendor_fields(cast):
    error = refused(
        PermissionDenied,
        lambda: services.partner_update(
            partner=cast.reseller,
            actor=cast.reseller_admin,
            data={"city": "Hamburg", "name": "Contoso Renamed"},
        ),
    )
    assert "name" in str(error.message)


def test_a_partner_salesperson_cannot_edit(cast):
    refused(
        PermissionDenied,
        lambda: services.partner_update(
            partner=cast.reseller, actor=cast.reseller_sales, data={"city": "X"}
        ),
    )


def test_a_distributor_admin_sees_but_cannot_edit_a_partner_beneath(cast):
    refused(
        PermissionDenied,
        lambda: services.partner_update(
            partner=cast.reseller, actor=cast.distributor_admin, data={"city": "X"}
        ),
    )


def test_another_partners_admin_gets_not_found(cast):
    refused(
        NotFound,
        lambda: services.partner_update(
            partner=cast.reseller, actor=cast.other_admin, data={"city": "X"}
        ),
    )


def test_invalid_values_are_refused_by_field(cast):
    error = refused(
        ValidationFailed,
        lambda: services.partner_update(
            partner=cast.reseller,
            actor=cast.vendor_admin,
            data={
                "country": "Germany",
                "industries": ["mining"],
                "languages": ["eng"],
                "latitude": 91,
                "domains": ["not a domain"],
                "employee_band": "huge",
            },
        ),
    )
    assert sorted(error.field_errors) == [
        "country",
        "domains",
        "employee_band",
        "industries",
        "languages",
        "latitude",
    ]


def test_a_domain_of_another_partner_is_refused(cast):
    services.partner_update(
        partner=cast.other, actor=cast.vendor_admin, data={"domains": ["fabrikam.fr"]}
    )

    error = refused(
        ValidationFailed,
        lambda: services.partner_update(
            partner=cast.reseller,
            actor=cast.vendor_admin,
            data={"domains": ["FABRIKAM.fr"]},
        ),
    )
    assert list(error.field_errors) == ["domains"]


def test_an_external_id_is_unique_when_set(cast):
    services.partner_update(
        partner=cast.other, actor=cast.vendor_admin, data={"external_id": "CRM-1"}
    )

    refused(
        ValidationFailed,
        lambda: services.partner_update(
            partner=cast.reseller,
            actor=cast.vendor_admin,
            data={"external_id": "CRM-1"},
        ),
    )


def test_a_real_png_logo_is_stored_under_the_partners_id(cast):
    services.partner_update(
        partner=cast.reseller, actor=cast.reseller_admin, data={"logo": png_upload()}
    )

    cast.reseller.refresh_from_db()
    assert cast.reseller.logo.name == f"partners/logos/{cast.reseller.public_id}.png"


def test_a_fake_png_logo_is_refused(cast):
    error = refused(
        ValidationFailed,
        lambda: services.partner_update(
            partner=cast.reseller,
            actor=cast.vendor_admin,
            data={"logo": fake_png_upload()},
        ),
    )
    assert list(error.field_errors) == ["logo"]


def test_a_logo_too_large_in_pixels_is_refused(cast, settings):
    settings.OPENPRM_LOGO_MAX_PIXELS = 32

    refused(
        ValidationFailed,
        lambda: services.partner_update(
            partner=cast.reseller,
            actor=cast.vendor_admin,
            data={"logo": png_upload(size=(64, 64))},
        ),
    )


def test_a_gif_logo_is_refused(cast):
    refused(
        ValidationFailed,
        lambda: services.partner_update(
            partner=cast.reseller,
            actor=cast.vendor_admin,
            data={"logo": png_upload(name="a.gif", image_format="GIF")},
        ),
    )


# --- custom fields on the profile


@pytest.fixture
def definitions(cast):
    services.custom_field_definition_create(
        actor=cast.vendor_admin,
        data={"key": "engineers", "label": "Engineers", "field_type": "number"},
    )
    services.custom_field_definition_create(
        actor=cast.vendor_admin,
        data={
            "key": "clouds",
            "label": "Clouds",
            "field_type": "multi_choice",
            "choices": ["aws", "azure"],
            "visible_to_partners": True,
            "editable_by_partners": True,
        },
    )


def test_custom_field_values_are_validated_and_merged(cast, definitions):
    services.partner_update(
        partner=cast.reseller,
        actor=cast.vendor_admin,
        data={"custom_fields": {"engineers": "4"}},
    )
    services.partner_update(
        partner=cast.reseller,
        actor=cast.vendor_admin,
        data={"custom_fields": {"clouds": ["azure"]}},
    )

    cast.reseller.refresh_from_db()
    assert cast.reseller.custom_fields == {"engineers": 4, "clouds": ["azure"]}


def test_a_bad_custom_value_is_refused_by_its_key(cast, definitions):
    error = refused(
        ValidationFailed,
        lambda: services.partner_update(
            partner=cast.reseller,
            actor=cast.vendor_admin,
            data={"custom_fields": {"engineers": "lots"}},
        ),
    )
    assert list(error.field_errors) == ["custom_fields.engineers"]


def test_a_partner_admin_cannot_set_a_vendor_only_custom_field(cast, definitions):
    refused(
        ValidationFailed,
        lambda: services.partner_update(
            partner=cast.reseller,
            actor=cast.reseller_admin,
            data={"custom_fields": {"engineers": 3}},
        ),
    )


def test_a_partner_admin_sets_a_partner_editable_custom_field(cast, definitions):
    services.partner_update(
        partner=cast.reseller,
        actor=cast.reseller_admin,
        data={"custom_fields": {"clouds": ["aws"]}},
    )

    cast.reseller.refresh_from_db()
    assert cast.reseller.custom_fields == {"clouds": ["aws"]}


# --- creating partners


def test_a_channel_manager_adds_a_prospect_assigned_to_them(cast):
    partner = services.partner_add(
        actor=cast.manager,
        data={
            "name": "Tailspin",
            "partner_type": "msp",
            "country": "nl",
            "region": "EMEA",
            "domains": ["tailspin.nl"],
            "external_id": "CRM-9",
        },
    )

    assert (partner.status, partner.country, partner.channel_manager) == (
        "prospect",
        "NL",
        cast.manager,
    )
    assert partner.partner_types == ["msp"]
    assert list(partner.domains.values_list("domain", flat=True)) == ["tailspin.nl"]
    entry = AuditEntry.objects.get(object_id=str(partner.pk), action="create")
    assert entry.changes["external_id"] == [None, "CRM-9"]
    assert entry.changes["domains"] == [None, ["tailspin.nl"]]


def test_a_partner_admin_cannot_add_partners(cast):
    refused(
        PermissionDenied,
        lambda: services.partner_add(
            actor=cast.reseller_admin,
            data={
                "name": "X",
                "partner_type": "msp",
                "country": "NL",
                "region": "EMEA",
            },
        ),
    )


def test_adding_a_partner_without_its_name_is_refused(cast):
    error = refused(
        ValidationFailed,
        lambda: services.partner_add(
            actor=cast.vendor_admin,
            data={"partner_type": "msp", "country": "NL", "region": "EMEA"},
        ),
    )
    assert list(error.field_errors) == ["name"]


# --- contacts


def test_a_contact_is_added_audited_and_announced(cast):
    contact = services.contact_create(
        partner=cast.reseller,
        actor=cast.reseller_admin,
        data={"name": "Ada Lovelace", "email": "Ada@Contoso.de", "is_primary": True},
    )

    assert (contact.partner, contact.email, contact.is_primary) == (
        cast.reseller,
        "ada@contoso.de",
        True,
    )
    assert (
        AuditEntry.objects.filter(
            object_type="partners.contact", action="create", partner_id=cast.reseller.pk
        ).count()
        == 1
    )
    assert OutboxEvent.objects.filter(name="partner.contact_created").count() == 1


def test_a_new_primary_contact_replaces_the_old_one(cast):
    first = services.contact_create(
        partner=cast.reseller,
        actor=cast.vendor_admin,
        data={"name": "First", "is_primary": True},
    )
    second = services.contact_create(
        partner=cast.reseller,
        actor=cast.vendor_admin,
        data={"name": "Second", "is_primary": True},
    )

    first.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (False, True)


def test_a_contact_is_updated_and_deleted(cast):
    contact = services.contact_create(
        partner=cast.reseller, actor=cast.vendor_admin, data={"name": "Ada"}
    )

    services.contact_update(contact=contact, actor=cast.manager, data={"title": "CTO"})
    services.contact_delete(contact=contact, actor=cast.reseller_admin)

    assert Contact.objects.count() == 0
    assert list(
        AuditEntry.objects.filter(object_type="partners.contact")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["create", "update", "delete"]


def test_a_salesperson_cannot_add_contacts(cast):
    refused(
        PermissionDenied,
        lambda: services.contact_create(
            partner=cast.reseller, actor=cast.reseller_sales, data={"name": "X"}
        ),
    )


def test_another_partner_cannot_delete_a_contact(cast):
    contact = services.contact_create(
        partner=cast.reseller, actor=cast.vendor_admin, data={"name": "Ada"}
    )

    refused(
        NotFound,
        lambda: services.contact_delete(contact=contact, actor=cast.other_admin),
    )


def test_a_contact_without_a_name_or_with_a_bad_email_is_refused(cast):
    error = refused(
        ValidationFailed,
        lambda: services.contact_create(
            partner=cast.reseller,
            actor=cast.vendor_admin,
            data={"name": " ", "email": "nope"},
        ),
    )
    assert sorted(error.field_errors) == ["email", "name"]


# --- custom field definitions


def test_a_vendor_admin_defines_updates_and_deactivates_a_field(cast):
    definition = services.custom_field_definition_create(
        actor=cast.vendor_admin,
        data={
            "key": "tier_hint",
            "label": "Tier hint",
            "field_type": "choice",
            "choices": ["gold", "silver", "gold"],
        },
    )
    services.custom_field_definition_update(
        definition=definition, actor=cast.vendor_admin, data={"label": "Tier"}
    )
    services.custom_field_definition_deactivate(
        definition=definition, actor=cast.vendor_admin
    )

    definition.refresh_from_db()
    assert (definition.choices, definition.label, definition.is_active) == (
        ["gold", "silver"],
        "Tier",
        False,
    )
    assert list(
        OutboxEvent.objects.filter(name__startswith="partner.custom_field")
        .order_by("id")
        .values_list("name", flat=True)
    ) == [
        "partner.custom_field_created",
        "partner.custom_field_updated",
        "partner.custom_field_deactivated",
    ]


def test_a_channel_manager_cannot_define_fields(cast):
    refused(
        PermissionDenied,
        lambda: services.custom_field_definition_create(
            actor=cast.manager,
            data={"key": "x", "label": "X", "field_type": "text"},
        ),
    )


def test_a_choice_field_needs_choices_and_a_taken_key_is_refused(cast):
    services.custom_field_definition_create(
        actor=cast.vendor_admin, data={"key": "x", "label": "X", "field_type": "text"}
    )

    error = refused(
        ValidationFailed,
        lambda: services.custom_field_definition_create(
            actor=cast.vendor_admin,
            data={"key": "y", "label": "Y", "field_type": "choice"},
        ),
    )
    assert list(error.field_errors) == ["choices"]
    refused(
        ValidationFailed,
        lambda: services.custom_field_definition_create(
            actor=cast.vendor_admin,
            data={"key": "x", "label": "X2", "field_type": "text"},
        ),
    )


def test_the_key_and_type_of_a_definition_cannot_change(cast):
    definition = services.custom_field_definition_create(
        actor=cast.vendor_admin, data={"key": "x", "label": "X", "field_type": "text"}
    )

    error = refused(
        ValidationFailed,
        lambda: services.custom_field_definition_update(
            definition=definition,
            actor=cast.vendor_admin,
            data={"key": "y", "field_type": "number"},
        ),
    )
    assert sorted(error.field_errors) == ["field_type", "key"]


def test_a_field_partners_edit_must_be_visible_to_them(cast):
    refused(
        ValidationFailed,
        lambda: services.custom_field_definition_create(
            actor=cast.vendor_admin,
            data={
                "key": "x",
                "label": "X",
                "field_type": "text",
                "editable_by_partners": True,
            },
        ),
    )
    assert CustomFieldDefinition.objects.count() == 0
    assert PartnerDomain.objects.count() == 0


def test_the_partner_admin_role_is_named_as_memberships_name_it():
    assert permissions.PARTNER_ADMIN == PartnerRole.PARTNER_ADMIN
