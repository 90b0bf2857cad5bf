import json

import pytest

from openprm.core.models import AuditEntry, OutboxEvent
from openprm.partners import services
from openprm.partners.models import Contact, Partner
from openprm.partners.tests import profile_helpers
from openprm.partners.tests.factories import PartnerFactory
from openprm.partners.tests.profile_helpers import world_state
from openprm.tenancy.tests.test_team_api import bearer

cast = profile_helpers.cast
pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    """Calls the API as a user through a bearer token."""

    class Api:
        headers: dict = {}

        def as_user(self, user):
            self.headers = bearer(user)
            return self

        def get(self, path, **query):
            return client.get(f"/api/v1{path}", query, headers=self.headers)

        def send(self, method, path, body=None):
            return client.generic(
                method,
                f"/api/v1{path}",
                data="" if body is None else json.dumps(body),
                content_type="application/json",
                headers=self.headers,
            )

    return Api()


def test_the_list_is_scoped_filtered_and_sorted(api, cast):
    services.partner_update(
        partner=cast.other,
        actor=cast.vendor_admin,
        data={"domains": ["fabrikam.fr"]},
    )
    api.as_user(cast.vendor_admin)

    everything = api.get("/partners", sort="-name").json()
    by_domain = api.get("/partners", q="FABRIKAM").json()
    by_country = api.get("/partners", country="fr").json()
    distributors = api.get("/partners", type="distributor").json()

    assert [item["name"] for item in everything["items"]] == [
        "Northwind",
        "Fabrikam",
        "Contoso",
    ]
    assert [item["name"] for item in by_domain["items"]] == ["Fabrikam"]
    assert by_domain["items"][0]["domains"] == ["fabrikam.fr"]
    assert [item["name"] for item in by_country["items"]] == ["Fabrikam"]
    assert [item["name"] for item in distributors["items"]] == ["Northwind"]


def test_a_partner_admin_lists_only_their_organisation(api, cast):
    items = api.as_user(cast.reseller_admin).get("/partners").json()["items"]

    assert [(item["name"], item["partner"]) for item in items] == [
        ("Contoso", cast.reseller.pk)
    ]


def test_an_unknown_query_parameter_is_refused(api, cast):
    response = api.as_user(cast.vendor_admin).get("/partners", colour="red")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "colour"


def test_the_list_runs_a_constant_number_of_queries(
    api, cast, django_assert_num_queries
):
    api.as_user(cast.vendor_admin)
    api.get("/partners")

    # token with user; the page with its domains, count and custom field keys
    with django_assert_num_queries(2):
        one = api.get("/partners", limit=1)
    for number in range(10):
        partner = PartnerFactory(name=f"Extra {number:02d}")
        services.partner_update(
            partner=partner,
            actor=cast.vendor_admin,
            data={"domains": [f"extra{number}.example", f"x{number}.example"]},
        )
    with django_assert_num_queries(2):
        many = api.get("/partners", limit=100)

    assert len(one.json()["items"]) == 1
    assert len(many.json()["items"]) == 13


def test_someone_elses_partner_is_not_found(api, cast):
    response = api.as_user(cast.other_admin).get(f"/partners/{cast.reseller.public_id}")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_vendor_admin_patches_a_profile(api, cast):
    response = api.as_user(cast.vendor_admin).send(
        "PATCH",
        f"/partners/{cast.reseller.public_id}",
        {
            "legal_name": "Contoso GmbH",
            "domains": ["contoso.de"],
            "channel_manager": str(cast.manager.public_id),
            "latitude": 52.5,
        },
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["legal_name"], body["domains"], body["latitude"]) == (
        "Contoso GmbH",
        ["contoso.de"],
        52.5,
    )
    assert body["channel_manager"] == str(cast.manager.public_id)
    assert body["name"] == "Contoso"  # not sent, not changed


def test_a_partner_admin_cannot_patch_vendor_fields(api, cast):
    before = world_state()

    response = api.as_user(cast.reseller_admin).send(
        "PATCH", f"/partners/{cast.reseller.public_id}", {"tags": ["vip"]}
    )

    assert response.status_code == 403
    assert world_state() == before


def test_invalid_values_are_reported_by_field(api, cast):
    response = api.as_user(cast.vendor_admin).send(
        "PATCH",
        f"/partners/{cast.reseller.public_id}",
        {"languages": ["english"], "custom_fields": {"nope": 1}},
    )

    assert response.status_code == 422
    assert sorted(error["field"] for error in response.json()["errors"]) == [
        "custom_fields.nope",
        "languages",
    ]


def test_an_unknown_body_field_is_refused(api, cast):
    response = api.as_user(cast.vendor_admin).send(
        "PATCH", f"/partners/{cast.reseller.public_id}", {"status": "active"}
    )

    assert response.status_code == 422


def test_a_channel_manager_adds_a_partner(api, cast):
    response = api.as_user(cast.manager).send(
        "POST",
        "/partners",
        {
            "name": "Tailspin",
            "partner_type": "msp",
            "country": "nl",
            "region": "EMEA",
            "domains": ["tailspin.nl"],
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["country"], body["channel_manager"]) == (
        "prospect",
        "NL",
        str(cast.manager.public_id),
    )
    assert Partner.objects.get(public_id=body["id"]).domains.count() == 1


def test_contacts_are_listed_added_changed_and_deleted(api, cast):
    api.as_user(cast.reseller_admin)
    base = f"/partners/{cast.reseller.public_id}/contacts"

    created = api.send("POST", base, {"name": "Ada", "is_primary": True}).json()
    changed = api.send("PATCH", f"{base}/{created['id']}", {"title": "CTO"}).json()
    listed = api.get(base).json()
    deleted = api.send("DELETE", f"{base}/{created['id']}")

    assert created["partner"] == cast.reseller.pk
    assert changed["title"] == "CTO"
    assert [item["name"] for item in listed["items"]] == ["Ada"]
    assert deleted.status_code == 204
    assert Contact.objects.count() == 0


def test_a_contact_of_another_partner_is_not_found(api, cast):
    contact = Contact.objects.create(partner=cast.other, name="Hidden")

    response = api.as_user(cast.vendor_admin).get(
        f"/partners/{cast.reseller.public_id}/contacts/{contact.public_id}"
    )

    assert response.status_code == 404


def test_custom_fields_are_defined_and_shown_to_partners_as_flagged(api, cast):
    api.as_user(cast.vendor_admin)
    hidden = api.send(
        "POST",
        "/custom-fields",
        {"key": "engineers", "label": "Engineers", "field_type": "number"},
    )
    shown = api.send(
        "POST",
        "/custom-fields",
        {
            "key": "clouds",
            "label": "Clouds",
            "field_type": "multi_choice",
            "choices": ["aws", "gcp"],
            "visible_to_partners": True,
        },
    )
    api.send(
        "PATCH",
        f"/partners/{cast.reseller.public_id}",
        {"custom_fields": {"engineers": 3, "clouds": ["gcp"]}},
    )

    as_vendor = api.get(f"/partners/{cast.reseller.public_id}").json()
    api.as_user(cast.reseller_sales)
    as_partner = api.get(f"/partners/{cast.reseller.public_id}").json()
    partner_definitions = api.get("/custom-fields").json()

    assert (hidden.status_code, shown.status_code) == (201, 201)
    assert as_vendor["custom_fields"] == {"engineers": 3, "clouds": ["gcp"]}
    assert as_partner["custom_fields"] == {"clouds": ["gcp"]}
    assert [item["key"] for item in partner_definitions["items"]] == ["clouds"]


def test_a_custom_field_is_deactivated_by_a_vendor_admin_only(api, cast):
    services.custom_field_definition_create(
        actor=cast.vendor_admin, data={"key": "x", "label": "X", "field_type": "text"}
    )
    audits, events = AuditEntry.objects.count(), OutboxEvent.objects.count()

    refused = api.as_user(cast.manager).send("POST", "/custom-fields/x/deactivate")
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == (
        audits,
        events,
    )
    done = api.as_user(cast.vendor_admin).send("POST", "/custom-fields/x/deactivate")

    assert (refused.status_code, done.status_code) == (403, 200)
    assert done.json()["is_active"] is False


def test_a_distributor_admin_reads_but_cannot_patch_a_partner_beneath(api, cast):
    api.as_user(cast.distributor_admin)
    before = world_state()

    read = api.get(f"/partners/{cast.reseller.public_id}")
    patched = api.send(
        "PATCH", f"/partners/{cast.reseller.public_id}", {"city": "Elsewhere"}
    )

    assert (read.status_code, patched.status_code) == (200, 403)
    assert world_state() == before


def test_a_partner_users_list_runs_a_constant_number_of_queries(
    api, cast, django_assert_num_queries
):
    api.as_user(cast.distributor_admin)
    api.get("/partners")
    for number in range(5):
        PartnerFactory(name=f"Beneath {number}", parent=cast.distributor)

    # token with user, the user's memberships (scope), the page (with the rest)
    with django_assert_num_queries(3):
        response = api.get("/partners", limit=100)

    assert len(response.json()["items"]) == 7


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def test_the_parent_filter_takes_the_id_the_partner_documents_show(api, cast):
    api.as_user(cast.vendor_admin)
    parent = api.get(f"/partners/{cast.reseller.public_id}").json()["parent"]

    by_id = api.get("/partners", parent=str(parent))
    by_public_id = api.get("/partners", parent=str(cast.distributor.public_id))
    refused = api.get("/partners", parent="0")

    assert parent == cast.distributor.pk
    assert _names(by_id) == _names(by_public_id) == ["Contoso"]
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "parent", "message": "Must be an id or `none`."}
    ]


def test_the_list_filters_on_lists_bands_and_custom_fields(api, cast):
    from openprm.partners.models import CustomFieldDefinition

    CustomFieldDefinition.objects.create(
        key="seats", label="Seats", field_type="number"
    )
    services.partner_update(
        partner=cast.other,
        actor=cast.vendor_admin,
        data={"languages": ["fr"], "custom_fields": {"seats": 40}},
    )
    api.as_user(cast.vendor_admin)

    assert _names(api.get("/partners", language="fr")) == ["Fabrikam"]
    assert _names(api.get("/partners", cf_seats__min="10")) == ["Fabrikam"]
    assert _names(api.get("/partners", cf_seats__max="10")) == []
    assert _names(
        api.get("/partners", status=["active", "prospect", "onboarding"], sort="-name")
    ) == _names(api.get("/partners", sort="-name"))


def test_bad_filters_are_refused_with_field_errors(api, cast):
    from openprm.partners.models import CustomFieldDefinition

    CustomFieldDefinition.objects.create(
        key="seats", label="Seats", field_type="number"
    )
    api.as_user(cast.vendor_admin)

    cases = {
        "cf_nope": {"cf_nope": "x"},
        "cf_seats__min": {"cf_seats__min": "many"},
        "manager": {"manager": "someone"},
        "scorecard": {"score_min": "10"},
        "status": {"status": "bogus"},
    }
    for field, query in cases.items():
        response = api.get("/partners", **query)
        assert response.status_code == 422, field
        fields = [error["field"] for error in response.json()["errors"]]
        assert any(field in name for name in fields), (field, fields)


def test_the_count_stops_at_the_cap(api, cast, monkeypatch):
    from openprm.core import api as core_api

    monkeypatch.setattr(core_api, "COUNT_CAP", 2)
    api.as_user(cast.vendor_admin)

    capped = api.get("/partners", limit=1).json()
    exact = api.get("/partners", limit=3).json()

    assert (capped["count"], capped["count_is_capped"]) == (2, True)
    assert (exact["count"], exact["count_is_capped"]) == (3, False)


def test_a_filtered_list_takes_the_same_queries(api, cast, django_assert_num_queries):
    services.partner_update(
        partner=cast.reseller, actor=cast.vendor_admin, data={"languages": ["de"]}
    )
    api.as_user(cast.vendor_admin)
    api.get("/partners")

    with django_assert_num_queries(2):
        response = api.get(
            "/partners",
            status="active",
            region="EMEA",
            sort="-created",
            language="de",
            parent=str(cast.distributor.public_id),
        )

    assert _names(response) == ["Contoso"]


def test_a_listed_partner_is_the_same_document_as_its_detail(api, cast, settings):
    from openprm.partners.models import CustomFieldDefinition
    from openprm.partners.tests.profile_helpers import png_upload

    CustomFieldDefinition.objects.create(
        key="seats", label="Seats", field_type="number"
    )
    services.partner_update(
        partner=cast.reseller,
        actor=cast.vendor_admin,
        data={
            "domains": ["contoso.de", "b.contoso.de"],
            "latitude": "52.520008",
            "longitude": "13.404954",
            "languages": ["de"],
            "tags": ["gold"],
            "custom_fields": {"seats": 12},
            "channel_manager": cast.vendor_admin,
            "logo": png_upload(),
        },
    )
    api.as_user(cast.vendor_admin)

    listed = api.get("/partners", q="Contoso").json()["items"]
    detail = api.get(f"/partners/{cast.reseller.public_id}").json()

    assert listed == [detail]
    assert detail["logo"].startswith("http://testserver/")
    assert detail["latitude"] == 52.520008


def test_readers_with_the_same_filters_see_only_their_own_partners(api, cast):
    """The list's SQL is kept by the reader's scope and the filters: a reader
    whose scope differs never gets SQL compiled for another's."""
    from openprm.accounts.choices import VendorRole
    from openprm.accounts.tests.factories import UserFactory

    other_manager = UserFactory(vendor_role=VendorRole.CHANNEL_MANAGER)
    cast.other.channel_manager = other_manager
    cast.other.save(update_fields=["channel_manager"])
    query = {"sort": "-created_at", "status": "active"}
    names = {}
    for reader in (
        cast.vendor_admin,
        cast.manager,
        other_manager,
        cast.reseller_admin,
        cast.distributor_admin,
        cast.vendor_admin,
    ):
        body = api.as_user(reader).get("/partners", **query).json()
        names.setdefault(reader.email, []).append(
            (sorted(item["name"] for item in body["items"]), body["count"])
        )

    assert names == {
        cast.vendor_admin.email: [
            (["Contoso", "Fabrikam", "Northwind"], 3),
            (["Contoso", "Fabrikam", "Northwind"], 3),
        ],
        cast.manager.email: [(["Contoso"], 1)],
        other_manager.email: [(["Fabrikam"], 1)],
        cast.reseller_admin.email: [(["Contoso"], 1)],
        cast.distributor_admin.email: [(["Contoso", "Northwind"], 2)],
    }


def test_the_list_renders_times_and_ids_as_the_detail_does(api, cast):
    """The list writes ids and times itself: whole seconds and fractions alike
    come out as ``DjangoJSONEncoder`` writes them."""
    from datetime import UTC, datetime

    Partner.objects.filter(pk=cast.reseller.pk).update(
        created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        updated_at=datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
    )
    api.as_user(cast.vendor_admin)

    listed = api.get("/partners", q="Contoso").json()["items"][0]
    detail = api.get(f"/partners/{cast.reseller.public_id}").json()

    assert (listed["created_at"], listed["updated_at"]) == (
        "2026-01-02T03:04:05Z",
        "2026-01-02T03:04:05.678Z",
    )
    assert listed == detail
    assert listed["id"] == str(cast.reseller.public_id)


def test_the_list_shows_partners_only_the_custom_fields_shown_to_them(
    api, cast, django_assert_num_queries
):
    from openprm.partners.models import CustomFieldDefinition

    CustomFieldDefinition.objects.create(
        key="engineers", label="Engineers", field_type="number"
    )
    CustomFieldDefinition.objects.create(
        key="seats", label="Seats", field_type="number", visible_to_partners=True
    )
    services.partner_update(
        partner=cast.reseller,
        actor=cast.vendor_admin,
        data={"custom_fields": {"engineers": 3, "seats": 12}},
    )
    query = {"q": "Contoso"}
    shown = {}
    for reader in (cast.vendor_admin, cast.reseller_admin, cast.manager):
        api.as_user(reader)
        shown[reader.email] = api.get("/partners", **query).json()["items"]
    api.as_user(cast.reseller_admin)
    # token with user, memberships, the custom field keys, the page
    with django_assert_num_queries(4):
        by_seats = api.get("/partners", cf_seats="12").json()["items"]
    hidden_filter = api.get("/partners", cf_engineers="3")

    assert [item["custom_fields"] for item in shown[cast.vendor_admin.email]] == [
        {"engineers": 3, "seats": 12}
    ]
    assert [item["custom_fields"] for item in shown[cast.reseller_admin.email]] == [
        {"seats": 12}
    ]
    assert [item["custom_fields"] for item in shown[cast.manager.email]] == [
        {"engineers": 3, "seats": 12}
    ]
    assert [item["custom_fields"] for item in by_seats] == [{"seats": 12}]
    assert hidden_filter.status_code == 422


def test_a_page_past_the_end_still_counts(api, cast, django_assert_num_queries):
    api.as_user(cast.vendor_admin)
    api.get("/partners", offset=10)

    # token with user, the (empty) page, the count
    with django_assert_num_queries(3):
        body = api.get("/partners", offset=10).json()

    assert (body["items"], body["count"], body["count_is_capped"]) == ([], 3, False)


def test_the_list_pages_a_score_sort_in_order(api, cast):
    from openprm.partners.tests.test_directory import _score
    from openprm.scoring.tests.factories import ScorecardFactory

    card = ScorecardFactory()
    _score(cast.reseller, card, 90)
    _score(cast.other, card, 20)
    api.as_user(cast.vendor_admin)
    query = {"scorecard": str(card.public_id), "sort": "-score", "limit": 1}

    pages = [
        _names(api.get("/partners", offset=offset, **query)) for offset in range(4)
    ]

    assert pages == [["Contoso"], ["Fabrikam"], ["Northwind"], []]
