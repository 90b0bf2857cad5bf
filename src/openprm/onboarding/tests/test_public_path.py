"""The public path of a company that wants to become a partner: the sign-in page
links to /apply/, which lists the open programmes with their benefits under the
vendor's branding; the application asks for consent and derives the region."""

import pytest
from django.core import mail
from django.urls import reverse

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core import branding
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.onboarding.models import Application
from openprm.onboarding.tests.factories import application_data, submit
from openprm.partners.tests.profile_helpers import png_upload
from openprm.programs.tests.factories import (
    ProgrammeFactory,
    TierBenefitFactory,
    TierFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def branded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return branding.branding_update(
        actor=VendorUserFactory(),
        vendor_name="Acme Networks",
        primary_colour="#aa3300",
        privacy_notice_url="https://acme.example/privacy",
        programme_pitch="Grow with the leading network vendor.",
        logo=png_upload(),
    )


def test_the_sign_in_page_links_to_the_programmes(client):
    page = client.get(reverse("account_login")).content.decode()
    assert f'href="{reverse("public:apply_index")}"' in page
    assert "Become a partner" in page


def test_apply_lists_open_programmes_with_their_benefits(client):
    programme = ProgrammeFactory(name="Resell Acme", slug="resell")
    gold = TierFactory(programme=programme, name="Gold", rank=2)
    TierFactory(programme=programme, name="Silver", rank=1)
    TierBenefitFactory(tier=gold, kind="deal_protection_days", value=120)
    ProgrammeFactory(name="Closed one", is_active=False)
    page = client.get("/apply/").content.decode()
    assert page.count('data-testid="programme-card"') == 1
    assert "Resell Acme" in page and "Closed one" not in page
    assert page.index("Silver") < page.index("Gold")
    assert "Deal protection: 120 days" in page
    assert 'href="/apply/resell/"' in page


def test_apply_takes_the_same_queries_for_more_programmes(
    client, django_assert_max_num_queries
):
    for _ in range(4):
        programme = ProgrammeFactory()
        TierBenefitFactory(tier=TierFactory(programme=programme))
    client.get("/apply/")
    with django_assert_max_num_queries(4):
        client.get("/apply/")


def test_apply_without_open_programmes_says_so(client):
    assert b'data-testid="no-programmes"' in client.get("/apply/").content


def test_the_branding_shows_on_apply_and_the_application_form(client, branded):
    ProgrammeFactory(slug="resell")
    index = client.get("/apply/").content.decode()
    assert "Become a partner of Acme Networks" in index
    assert "Grow with the leading network vendor." in index
    assert branded.logo.url in index
    form = client.get("/apply/resell/").content.decode()
    assert 'href="https://acme.example/privacy"' in form
    assert "I agree that Acme Networks processes" in form
    css = client.get(reverse("branding_css")).content.decode()
    assert "--bs-primary: #aa3300;" in css


def test_an_application_without_consent_is_refused_and_nothing_stored():
    programme = ProgrammeFactory()
    with pytest.raises(Exception) as refused:
        submit(programme, consent=False)
    assert "consent" in refused.value.field_errors
    assert Application.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    assert OutboxEvent.objects.count() == 0


def test_the_form_shows_the_missing_consent_on_its_box(client):
    programme = ProgrammeFactory(slug="resell", eligible_partner_types=["reseller"])
    data = {
        **application_data(),
        "partner_types": ["reseller"],
        "fax_number": "",
    }
    data.pop("consent")
    data.pop("answers")
    response = client.post(f"/apply/{programme.slug}/", data)
    assert b'data-testid="error-consent"' in response.content
    assert Application.objects.count() == 0


def test_consent_is_recorded_with_the_privacy_notice_it_agreed_to(branded):
    application = submit(ProgrammeFactory())
    assert application.consented_at is not None
    assert application.privacy_notice_url == "https://acme.example/privacy"


@pytest.mark.parametrize(
    ("country", "region"),
    [("NO", "EMEA"), ("US", "NA"), ("BR", "LATAM"), ("JP", "APAC"), ("MX", "LATAM")],
)
def test_the_region_comes_from_the_country_unless_chosen(country, region):
    application = submit(ProgrammeFactory(), country=country, region="")
    assert application.region == region


def test_a_chosen_region_is_kept():
    application = submit(ProgrammeFactory(), country="NO", region="NA")
    assert application.region == "NA"


def test_the_form_offers_countries_by_name(client):
    ProgrammeFactory(slug="resell")
    page = client.get("/apply/resell/").content.decode()
    assert '<option value="NO">Norway</option>' in page
    assert "The region of my country" in page


def test_the_applicants_email_carries_the_vendors_name(
    branded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(ProgrammeFactory(name="Resell Acme"))
    sent = mail.outbox[-1]
    assert sent.from_email.startswith("Acme Networks <")
    assert sent.body.endswith("-- \nAcme Networks\n")
