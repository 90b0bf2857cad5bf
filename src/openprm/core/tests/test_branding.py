"""The vendor's branding: set by vendor admins in the console and the API, with the
logo checked by its content; shown by the shell on every page."""

import dataclasses

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core import branding
from openprm.core.models import AuditEntry, Branding, OutboxEvent
from openprm.partners.tests.profile_helpers import fake_png_upload, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _stylesheet(brand) -> str:
    return render_to_string("core/branding.css", {"brand": brand})


def form(**overrides) -> dict:
    return {
        "vendor_name": "Acme Networks",
        "primary_colour": "#aa3300",
        "privacy_notice_url": "https://acme.example/privacy",
        "programme_pitch": "",
        **overrides,
    }


def test_an_admin_sets_the_branding_and_every_page_shows_it(client):
    client.force_login(VendorUserFactory())
    response = client.post(
        reverse("console:branding"), {**form(), "logo": png_upload()}, follow=True
    )
    page = response.content.decode()
    assert "The branding was saved." in page
    row = Branding.objects.get()
    assert (row.vendor_name, row.primary_colour) == ("Acme Networks", "#aa3300")
    assert row.logo.url in page
    assert "· Acme Networks</title>" in page
    entry = AuditEntry.objects.get(verb="branding.updated")
    assert entry.changes["vendor_name"] == ["OpenPRM", "Acme Networks"]
    assert OutboxEvent.objects.filter(name="branding.updated").count() == 1


def test_a_file_that_is_not_an_image_is_refused_and_nothing_changes(client):
    client.force_login(VendorUserFactory())
    response = client.post(
        reverse("console:branding"), {**form(), "logo": fake_png_upload()}
    )
    assert response.status_code == 200
    assert b'data-testid="error-logo"' in response.content
    assert Branding.objects.filter(vendor_name="Acme Networks").count() == 0
    assert AuditEntry.objects.count() == 0
    assert OutboxEvent.objects.count() == 0


def test_a_colour_must_be_rrggbb(client):
    client.force_login(VendorUserFactory())
    response = client.post(reverse("console:branding"), form(primary_colour="red"))
    assert b'data-testid="error-primary_colour"' in response.content
    assert branding.current().primary_colour == "#0a58ca"


def test_only_vendor_admins_set_the_branding(client):
    client.force_login(VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING))
    assert client.post(reverse("console:branding"), form()).status_code == 403
    assert AuditEntry.objects.count() == 0


def test_the_api_reads_and_changes_the_branding(client):
    client.force_login(VendorUserFactory())
    response = client.put(
        "/api/v1/branding",
        {
            "vendor_name": "Acme",
            "primary_colour": "#112233",
            "privacy_notice_url": "https://acme.example/p",
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    assert client.get("/api/v1/branding").json() == {
        "vendor_name": "Acme",
        "logo": "",
        "primary_colour": "#112233",
        "privacy_notice_url": "https://acme.example/p",
        "programme_pitch": "",
    }


def test_the_api_names_a_bad_field(client):
    client.force_login(VendorUserFactory())
    response = client.put(
        "/api/v1/branding",
        {"vendor_name": "", "primary_colour": "#112233", "privacy_notice_url": "x"},
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"vendor_name", "privacy_notice_url"}
    assert AuditEntry.objects.count() == 0


def test_the_stylesheet_carries_the_colour_and_text_that_reads_on_it():
    brand = branding.Brand(
        name="A",
        logo_url="",
        primary_colour="#ffee00",
        privacy_notice_url="",
        programme_pitch="",
        version="1",
    )
    assert brand.primary_rgb == "255, 238, 0"
    assert brand.text_on_primary == "#000000"


@pytest.mark.parametrize("colour", ["#0d6efd", "#ffee00", "#ffffff", "#198754"])
def test_links_take_the_colour_darkened_until_they_read_on_the_page(colour):
    """Bootstrap's own blue is too light for text on the page's grey (axe's
    color-contrast): links and outline buttons take the colour darkened to
    WCAG AA, buttons filled with it keep it as chosen."""
    brand = dataclasses.replace(branding.defaults(), primary_colour=colour)

    for ground in (*branding.GROUNDS, "#ffffff"):
        assert branding.contrast(brand.link_colour, ground) >= 4.5, ground
    css = _stylesheet(brand)
    assert f"--bs-link-color: {brand.link_colour};" in css
    assert f"--bs-btn-bg: {colour};" in css


def test_a_dark_colour_is_kept_for_links():
    brand = dataclasses.replace(branding.defaults(), primary_colour="#0a58ca")

    assert brand.link_colour == "#0a58ca"
