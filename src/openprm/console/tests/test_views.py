import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.accounts.tests.factories import VendorUserFactory, partner_user
from openprm.partners.tests.factories import PartnerFactory


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
    # session, user, custom field keys, count, the page (parent joined), the page's
    # member counts
    assert len(one_row) == len(many_rows) == 6


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
