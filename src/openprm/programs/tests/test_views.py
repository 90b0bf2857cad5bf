import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs import metrics
from openprm.programs.models import Enrolment, Programme, TierChange
from openprm.programs.tests.factories import (
    EnrolmentFactory,
    TierBenefitFactory,
    TierRequirementFactory,
    programme_with_tiers,
)
from openprm.tenancy.tests.factories import MembershipFactory, partner_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(VendorUserFactory(email="ada@vendor.example"))
    return client


def html(response) -> str:
    return response.content.decode()


def test_the_console_navigation_links_to_programmes(admin_client):
    response = admin_client.get("/console/programmes/")

    nav = response.context["shell_nav"]
    labels = [item["label"] for item in nav]
    assert nav[labels.index("Programmes")]["active"] is True


def test_an_analyst_reads_programmes_but_is_offered_no_changes(client):
    programme = programme_with_tiers(name="Reseller")
    client.force_login(UserFactory(vendor_role="analyst"))

    listing = client.get("/console/programmes/")
    detail = client.get(f"/console/programmes/{programme.public_id}/")

    assert "Reseller" in html(listing)
    assert "New programme" not in html(listing)
    assert detail.status_code == 200
    assert "Add tier" not in html(detail)
    assert client.get("/console/programmes/new/").status_code == 403


def test_a_vendor_admin_creates_a_programme_in_the_console(admin_client):
    response = admin_client.post(
        "/console/programmes/new/",
        {
            "name": "MSP",
            "slug": "msp",
            "eligible_partner_types": ["msp"],
            "is_active": "on",
        },
    )

    programme = Programme.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/programmes/{programme.public_id}/"
    assert programme.eligible_partner_types == ["msp"]


def test_a_taken_slug_shows_on_the_form(admin_client):
    programme_with_tiers(slug="msp")

    response = admin_client.post(
        "/console/programmes/new/",
        {"name": "MSP", "slug": "msp", "eligible_partner_types": ["msp"]},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "slug": ["Another programme has this slug."]
    }


def test_the_programme_page_shows_tiers_in_rank_order_with_rules(admin_client):
    programme = programme_with_tiers("Registered", "Silver", "Gold")
    gold = programme.tiers.get(name="Gold")
    TierRequirementFactory(tier=gold, metric="certified_people", threshold=2)
    TierBenefitFactory(tier=gold, kind="deal_protection_days", value=90)

    response = admin_client.get(f"/console/programmes/{programme.public_id}/")

    page = html(response)
    assert page.index("1. Registered") < page.index("2. Silver") < page.index("3. Gold")
    assert "Certified people &gt;= 2.00" in page
    assert "Deal protection (days): 90 days" in page


def test_the_programme_page_runs_the_same_queries_for_one_or_many_enrolments(
    admin_client,
):
    programme = programme_with_tiers()
    EnrolmentFactory(programme=programme)
    url = f"/console/programmes/{programme.public_id}/"
    admin_client.get(url)
    with CaptureQueriesContext(connection) as one:
        admin_client.get(url)
    for _ in range(4):
        EnrolmentFactory(programme=programme)

    with CaptureQueriesContext(connection) as five:
        response = admin_client.get(url)

    assert len(response.context["page"].object_list) == 5
    assert len(five) == len(one)


def test_a_tier_gets_a_requirement_and_a_benefit(admin_client):
    tier = programme_with_tiers().tiers.get(rank=2)
    base = f"/console/programmes/{tier.programme.public_id}/tiers/{tier.pk}/"

    admin_client.post(
        base + "requirements/",
        {"metric": "active_users", "operator": ">=", "threshold": "3"},
    )
    admin_client.post(base + "benefits/", {"kind": "fund_eligible", "value": "yes"})

    assert list(tier.requirements.values_list("metric", "threshold")) == [
        ("active_users", 3)
    ]
    assert list(tier.benefits.values_list("kind", "value")) == [("fund_eligible", True)]


def test_an_invalid_benefit_value_shows_on_the_tier_page(admin_client):
    tier = programme_with_tiers().tiers.get(rank=2)

    response = admin_client.post(
        f"/console/programmes/{tier.programme.public_id}/tiers/{tier.pk}/benefits/",
        {"kind": "discount_percent", "value": "150"},
    )

    assert response.status_code == 200
    assert response.context["benefit_form"].errors == {
        "value": ["A discount is between 0 and 100 %."]
    }
    assert tier.benefits.count() == 0


def test_enrolling_a_partner_in_the_console(admin_client):
    partner = PartnerFactory(name="Contoso")
    programme = programme_with_tiers()
    silver = programme.tiers.get(rank=1)

    response = admin_client.post(
        "/console/programmes/enrol/",
        {"partner": partner.pk, "programme": programme.public_id, "tier": silver.pk},
    )

    enrolment = Enrolment.objects.get()
    assert (
        response["Location"] == f"/console/programmes/enrolments/{enrolment.public_id}/"
    )
    assert (enrolment.partner, enrolment.tier) == (partner, silver)


def test_the_enrol_form_refuses_a_tier_of_another_programme(admin_client):
    programme = programme_with_tiers()
    elsewhere = programme_with_tiers().tiers.get(rank=1)

    response = admin_client.post(
        "/console/programmes/enrol/",
        {
            "partner": PartnerFactory().pk,
            "programme": programme.public_id,
            "tier": elsewhere.pk,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "tier": ["This tier belongs to another programme."]
    }
    assert Enrolment.objects.count() == 0


def test_changing_a_tier_needs_a_reason_and_shows_the_history(admin_client):
    enrolment = EnrolmentFactory()
    gold = enrolment.programme.tiers.get(rank=2)
    url = f"/console/programmes/enrolments/{enrolment.public_id}/"

    refused = admin_client.post(url + "change-tier/", {"tier": gold.pk, "reason": ""})
    changed = admin_client.post(
        url + "change-tier/", {"tier": gold.pk, "reason": "Two certified engineers"}
    )
    page = html(admin_client.get(url))

    assert refused.status_code == 200
    assert "reason" in refused.context["change_form"].errors
    assert changed.status_code == 302
    assert TierChange.objects.count() == 2
    assert "Two certified engineers" in page
    assert '<span data-testid="current-tier">Gold</span>' in page


def test_ending_an_enrolment_in_the_console(admin_client):
    enrolment = EnrolmentFactory()

    admin_client.post(
        f"/console/programmes/enrolments/{enrolment.public_id}/end/",
        {"reason": "Left"},
    )

    enrolment.refresh_from_db()
    assert enrolment.status == "ended"


def test_the_portal_shows_the_tier_benefits_and_next_requirements(client, monkeypatch):

    # The programs app's own figures (active members) and the certifications
    # app's, without the metrics app's (which count sign-ins instead).
    monkeypatch.setattr(
        metrics,
        "_providers",
        {
            name: provider
            for name, provider in metrics._providers.items()
            if name != "metrics.rollups"
        },
    )
    enrolment = EnrolmentFactory()
    silver, gold = enrolment.tier, enrolment.programme.tiers.get(rank=2)
    TierBenefitFactory(tier=silver, kind="discount_percent", value="10")
    TierBenefitFactory(tier=gold, kind="discount_percent", value="20")
    TierRequirementFactory(tier=gold, metric="active_users", threshold=2)
    TierRequirementFactory(tier=gold, metric="certified_people", threshold=2)
    user = partner_user(partner=enrolment.partner)
    MembershipFactory(partner=enrolment.partner)
    client.force_login(user)

    response = client.get("/portal/programme/")

    page = html(response)
    assert '<span data-testid="tier">Silver</span>' in page
    assert "Discount (%): 10 %" in page
    assert "Discount (%): 20 %" not in page
    assert "To reach Gold" in page
    assert "Active portal users is 2: at least 2 is met." in page
    assert "Certified people is 0: at least 2 is not met." in page


def test_certified_people_are_read_from_the_profile_without_a_source(
    client, settings, monkeypatch
):
    """Without an app measuring it (the certifications app registers a source),
    the figure comes from the partner's profile."""
    monkeypatch.setattr(metrics, "_providers", {})
    settings.OPENPRM_CERTIFIED_PEOPLE_FIELD = "certified_engineers"
    enrolment = EnrolmentFactory()
    enrolment.partner.custom_fields = {"certified_engineers": 23}
    enrolment.partner.save()
    gold = enrolment.programme.tiers.get(rank=2)
    TierRequirementFactory(tier=gold, metric="certified_people", threshold=30)
    client.force_login(partner_user(partner=enrolment.partner))

    page = html(client.get("/portal/programme/"))

    assert "Certified people is 23: at least 30 is not met." in page


def test_the_portal_says_when_the_organisation_is_not_enrolled(client):
    EnrolmentFactory()
    client.force_login(partner_user())

    response = client.get("/portal/programme/")

    assert response.context["cards"] == []
    assert "Not enrolled yet" in html(response)
