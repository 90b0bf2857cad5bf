import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import partner_user


@pytest.fixture
def vendor_client(client):
    client.force_login(VendorUserFactory())
    return client


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/console/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/console/"


@pytest.mark.django_db
def test_partner_user_cannot_open_the_console(client):
    client.force_login(partner_user())

    assert client.get("/console/").status_code == 403
    assert client.get("/console/partners/").status_code == 403


@pytest.mark.django_db
def test_dashboard_counts_partners_by_status(vendor_client):
    PartnerFactory.create_batch(3, status="active")
    PartnerFactory(status="prospect")

    response = vendor_client.get("/console/")

    counts = {row["status"]: row["count"] for row in response.context["status_counts"]}
    assert response.context["partner_total"] == 4
    assert counts == {
        "prospect": 1, "applicant": 0, "onboarding": 0,
        "active": 3, "suspended": 0, "terminated": 0,
    }  # fmt: skip


@pytest.mark.django_db
def test_dashboard_shows_an_empty_state_without_partners(vendor_client):
    response = vendor_client.get("/console/")

    assert "No partners yet" in response.content.decode()


@pytest.mark.django_db
def test_partner_list_runs_the_same_queries_for_one_row_or_a_full_page(vendor_client):
    distributor = PartnerFactory(partner_type="distributor")
    vendor_client.get("/console/partners/")  # warm caches (content types, etc.)

    with CaptureQueriesContext(connection) as one_row:
        vendor_client.get("/console/partners/")
    for _ in range(12):
        partner_user(partner=PartnerFactory(parent=distributor))
    with CaptureQueriesContext(connection) as many_rows:
        response = vendor_client.get("/console/partners/")

    assert len(response.context["page"].object_list) == 13
    # session, user, count, the page (parent joined), the page's member counts,
    # the saved views
    assert len(one_row) == len(many_rows) == 6


@pytest.mark.django_db
def test_custom_fields_are_read_only_when_the_query_filters_by_one(vendor_client):
    from openprm.partners.models import CustomFieldDefinition

    CustomFieldDefinition.objects.create(
        key="seats", label="Seats", field_type="number"
    )
    PartnerFactory(name="Small", profile={"custom_fields": {"seats": 2}})
    PartnerFactory(name="Large", profile={"custom_fields": {"seats": 40}})
    vendor_client.get("/console/partners/")

    with CaptureQueriesContext(connection) as plain:
        vendor_client.get("/console/partners/")
    with CaptureQueriesContext(connection) as filtered:
        response = vendor_client.get("/console/partners/?cf_seats__min=10")

    assert [row["name"] for row in response.context["page"].object_list] == ["Large"]
    assert len(filtered) == len(plain) + 1


@pytest.mark.django_db
def test_partner_list_pages_by_fifty_in_name_order(vendor_client):
    partners = PartnerFactory.create_batch(51)
    last_by_name = max(partners, key=lambda partner: partner.name)

    first = vendor_client.get("/console/partners/")
    second = vendor_client.get("/console/partners/?page=2")

    assert len(first.context["page"].object_list) == 50
    assert [row["id"] for row in second.context["page"].object_list] == [
        last_by_name.pk
    ]


@pytest.mark.django_db
def test_partner_list_search_matches_name_or_city(vendor_client):
    PartnerFactory(name="Northwind Distribution", city="Chicago")
    PartnerFactory(name="Contoso Solutions", city="Austin")

    by_name = vendor_client.get("/console/partners/?q=northwind")
    by_city = vendor_client.get("/console/partners/?q=austin")

    assert [p["name"] for p in by_name.context["page"].object_list] == [
        "Northwind Distribution"
    ]
    assert [p["name"] for p in by_city.context["page"].object_list] == [
        "Contoso Solutions"
    ]


@pytest.mark.django_db
def test_partner_list_counts_only_active_members(vendor_client):
    partner = PartnerFactory()
    partner_user(partner=partner)
    partner_user(partner=partner, is_active=False)

    response = vendor_client.get("/console/partners/")

    assert response.context["page"].object_list[0]["member_count"] == 1


@pytest.mark.django_db
def test_htmx_search_returns_only_the_table(vendor_client):
    PartnerFactory(name="Contoso Solutions")

    response = vendor_client.get(
        "/console/partners/?q=contoso", headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert "Contoso Solutions" in html
    assert "<html" not in html


@pytest.mark.django_db
def test_partner_names_are_escaped(vendor_client):
    PartnerFactory(name="<script>alert('x')</script> Ltd")

    html = vendor_client.get("/console/partners/").content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Ltd" in html


@pytest.mark.django_db
def test_partner_list_counts_only_up_to_a_cap(vendor_client, monkeypatch):
    from openprm.console import views

    monkeypatch.setattr(views.CappedPaginator, "cap", 3)
    PartnerFactory.create_batch(5)

    html = vendor_client.get("/console/partners/").content.decode()

    # A page of 50 needs a count up to two pages: the cap is at least that.
    assert "1\u20135 of 5" in html


@pytest.mark.django_db
def test_partner_list_says_more_than_past_the_cap(vendor_client, monkeypatch):
    from openprm.console import views

    monkeypatch.setattr(views, "PARTNERS_PER_PAGE", 2)
    monkeypatch.setattr(views.CappedPaginator, "cap", 3)
    PartnerFactory.create_batch(9)

    first = vendor_client.get("/console/partners/").content.decode()
    third = vendor_client.get("/console/partners/?page=3").content.decode()

    assert "1\u20132 of more than 4" in first
    assert "5\u20136 of more than 8" in third
    assert "page=4" in third


@pytest.mark.django_db
def test_partner_list_filters_and_sorts(vendor_client):
    PartnerFactory(name="Old active", status="active", region="EMEA")
    PartnerFactory(name="New active", status="active", region="EMEA")
    PartnerFactory(name="Prospect", status="prospect", region="EMEA")
    PartnerFactory(name="Elsewhere", status="active", region="APAC")

    response = vendor_client.get(
        "/console/partners/?status=active&region=EMEA&sort=-created"
    )

    names = [row["name"] for row in response.context["page"].object_list]
    assert names == ["New active", "Old active"]
    html = response.content.decode()
    assert (
        'href="/console/partners/export.csv?region=EMEA&amp;sort=-created&amp;status=active"'
        in html
    )


@pytest.mark.django_db
def test_htmx_filtering_pushes_the_normalised_url(vendor_client):
    response = vendor_client.get(
        "/console/partners/?q=acme&status=&type=&region=&sort=name",
        headers={"HX-Request": "true"},
    )

    assert response["HX-Push-Url"] == "/console/partners/?q=acme"


@pytest.mark.django_db
def test_htmx_filtering_updates_the_export_links_out_of_band(vendor_client):
    response = vendor_client.get(
        "/console/partners/?status=active", headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert 'id="partner-actions"' in html
    assert 'hx-swap-oob="true"' in html
    assert 'href="/console/partners/export.csv?status=active"' in html


# --- saved views and further filters ---------------------------------------------


@pytest.mark.django_db
def test_a_saved_view_is_listed_and_applied_in_one_click(client):
    from openprm.partners.tests.factories import SavedViewFactory

    user = VendorUserFactory()
    client.force_login(user)
    PartnerFactory(name="Active", status="active")
    PartnerFactory(name="Prospect", status="prospect")
    view = SavedViewFactory(
        owner=user, name="Prospects", query={"status": ["prospect"]}
    )
    SavedViewFactory(name="Someone's private")

    listing = client.get("/console/partners/").content.decode()
    applied = client.get(f"/console/partners/?view={view.public_id}")

    assert "Prospects" in listing and "Someone&#x27;s private" not in listing
    names = [row["name"] for row in applied.context["page"].object_list]
    assert names == ["Prospect"]
    assert applied.context["applied_view"] == view
    assert 'id="view-manage"' in applied.content.decode()
    # The applied view's button is the highlighted one.
    assert (
        f'class="btn btn-sm btn-primary" href="?view={view.public_id}"'
        in applied.content.decode()
    )
    assert 'class="btn btn-sm btn-primary" href="?view=' not in listing


@pytest.mark.django_db
def test_a_stale_saved_view_shows_a_message_not_an_error(client):
    from openprm.partners.tests.factories import SavedViewFactory

    user = VendorUserFactory()
    client.force_login(user)
    PartnerFactory(name="Any")
    view = SavedViewFactory(
        owner=user,
        name="Stale",
        query={
            "cf_removed": ["x"],
            "programme": ["00000000-0000-0000-0000-000000000001"],
        },
    )

    response = client.get(f"/console/partners/?view={view.public_id}")
    gone = client.get("/console/partners/?view=00000000-0000-0000-0000-000000000009")

    assert response.status_code == 200
    body = response.content.decode()
    assert "“removed” no longer exists" in body
    assert "programme of this view no longer exists" in body
    assert [row["name"] for row in response.context["page"].object_list] == ["Any"]
    assert gone.status_code == 200
    assert "This saved view no longer exists." in gone.content.decode()


@pytest.mark.django_db
def test_saving_renaming_and_deleting_a_view_in_the_console(client):
    from openprm.partners.models import SavedView

    user = VendorUserFactory()
    client.force_login(user)

    saved = client.post(
        "/console/partners/views/",
        {"name": "EMEA", "query": "region=EMEA&sort=-created", "is_shared": "on"},
    )
    view = SavedView.objects.get()
    assert saved.status_code == 302
    assert saved["Location"] == f"/console/partners/?view={view.public_id}"
    assert (view.owner, view.is_shared, view.query["region"]) == (user, True, ["EMEA"])

    client.post(f"/console/partners/views/{view.public_id}/", {"name": "Europe"})
    view.refresh_from_db()
    assert (view.name, view.is_shared) == ("Europe", False)

    client.post(f"/console/partners/views/{view.public_id}/delete/")
    assert not SavedView.objects.exists()


@pytest.mark.django_db
def test_a_duplicate_view_name_is_reported_and_nothing_saved(client):
    from openprm.partners.models import SavedView
    from openprm.partners.tests.factories import SavedViewFactory

    user = VendorUserFactory()
    client.force_login(user)
    SavedViewFactory(owner=user, name="Mine")

    response = client.post(
        "/console/partners/views/",
        {"name": "Mine", "query": "region=EMEA"},
        follow=True,
    )

    assert SavedView.objects.count() == 1
    assert "You already have a view with this name." in response.content.decode()


@pytest.mark.django_db
def test_someone_elses_shared_view_cannot_be_renamed(client):
    from openprm.partners.tests.factories import SavedViewFactory

    client.force_login(VendorUserFactory())
    view = SavedViewFactory(name="Theirs", is_shared=True)

    response = client.post(f"/console/partners/views/{view.public_id}/", {"name": "x"})

    assert response.status_code == 403
    view.refresh_from_db()
    assert view.name == "Theirs"


@pytest.mark.django_db
def test_the_filter_panel_shows_the_custom_fields_by_type(vendor_client):
    from openprm.partners.models import CustomFieldDefinition

    CustomFieldDefinition.objects.create(
        key="seats", label="Seats", field_type="number"
    )
    CustomFieldDefinition.objects.create(
        key="level", label="Level", field_type="choice", choices=["gold", "silver"]
    )

    response = vendor_client.get(
        "/console/partners/filters/?cf_seats__min=4&cf_level=gold"
    )
    body = response.content.decode()

    assert 'name="cf_seats__min" value="4"' in body
    assert '<option value="gold" selected>' in body
    assert 'name="score_min"' in body


@pytest.mark.django_db
def test_further_filters_open_the_panel_and_filter_the_table(vendor_client):
    PartnerFactory(name="German", profile={"languages": ["de"]})
    PartnerFactory(name="French", profile={"languages": ["fr"]})

    response = vendor_client.get("/console/partners/?language=de")

    assert response.context["has_more_filters"] is True
    assert [row["name"] for row in response.context["page"].object_list] == ["German"]
    assert 'id="more-filters" open' in response.content.decode()


@pytest.mark.django_db
def test_the_filter_panel_offers_countries_by_name_and_filters_by_code(
    vendor_client,
):
    PartnerFactory(name="Fjord", country="NO")
    PartnerFactory(name="Pampas", country="AR")

    body = vendor_client.get("/console/partners/filters/?country=NO").content.decode()

    assert '<select id="f-country"' in body
    assert "data-searchable" in body
    assert '<option value="NO" selected>Norway</option>' in body
    assert '<option value="AR">Argentina</option>' in body
    assert "ISO code" not in body.split('id="f-language"')[1]
    response = vendor_client.get("/console/partners/?country=NO")
    assert [row["name"] for row in response.context["page"].object_list] == ["Fjord"]
