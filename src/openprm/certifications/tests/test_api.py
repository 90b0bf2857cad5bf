"""The REST API of certifications."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.certifications.choices import EarningKind
from openprm.certifications.models import Certification, ExternalCertificate
from openprm.certifications.tests.factories import (
    AccreditationConditionFactory,
    CertificationFactory,
    ExternalCertificateFactory,
    UserCertificationFactory,
)
from openprm.content.tests.factories import AudienceFactory, pdf_upload
from openprm.learning.tests.factories import QuizFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def manager(client):
    user = VendorUserFactory(vendor_role=VendorRole.CHANNEL_MANAGER)
    client.force_login(user)
    return user


def test_creating_a_certification(client, manager):
    audience = AudienceFactory()
    quiz = QuizFactory().public_id

    response = client.post(
        f"{API}/certifications",
        {
            "name": "Cloud Architect",
            "kind": "exam",
            "source_id": str(quiz),
            "validity_months": 24,
            "audience": str(audience.public_id),
            "product_line": "cloud",
            "role": "technical",
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["source_id"] == str(quiz)
    assert body["id"] == str(Certification.objects.get().public_id)


def test_bad_fields_are_field_level_problems(client, manager):
    response = client.post(
        f"{API}/certifications",
        {
            "name": "Cloud Architect",
            "kind": "exam",
            "validity_months": 0,
            "audience": str(AudienceFactory().public_id),
            "product_line": "plumbing",
        },
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"source_id", "validity_months", "product_line"}
    assert not Certification.objects.exists()


def test_the_held_list_of_a_partner_user_is_their_own(
    client, django_assert_num_queries
):
    member = MembershipFactory(roles=["sales"])
    UserCertificationFactory(user=member.user, partner=member.partner)
    UserCertificationFactory(partner=member.partner)  # a colleague's
    client.force_login(member.user)

    # session, user, memberships (the roles come from them), count, page
    with django_assert_num_queries(5):
        response = client.get(f"{API}/user-certifications")

    assert [item["user_id"] for item in response.json()["items"]] == [member.user_id]


def test_a_partner_admin_lists_the_team_and_downloads_a_certificate(client):
    member = MembershipFactory()
    held = [UserCertificationFactory(partner=member.partner) for _ in range(2)]
    client.force_login(member.user)

    listed = client.get(f"{API}/user-certifications").json()
    pdf = client.get(f"{API}/user-certifications/{held[0].public_id}/certificate")

    assert listed["count"] == 2
    assert pdf.status_code == 200
    assert held[0].verification_code.encode() in pdf.content


def test_an_external_certificate_through_the_api(client):
    member = MembershipFactory(roles=["technical"])
    certification = CertificationFactory(kind=EarningKind.EXTERNAL)
    client.force_login(member.user)

    response = client.post(
        f"{API}/external-certificates",
        {
            "certification": str(certification.public_id),
            "issuer": "ISC2",
            "issued_on": timezone.localdate().isoformat(),
            "evidence": pdf_upload("cissp.pdf"),
        },
    )
    refused = client.post(
        f"{API}/external-certificates",
        {
            "certification": str(certification.public_id),
            "issuer": "ISC2",
            "issued_on": (timezone.localdate() + timedelta(days=2)).isoformat(),
            "evidence": SimpleUploadedFile("x.exe", b"MZ" + b"0" * 50),
        },
    )

    assert response.status_code == 201
    assert response.json()["status"] == "submitted"
    assert refused.status_code == 422
    assert {error["field"] for error in refused.json()["errors"]} == {"issued_on"}
    assert ExternalCertificate.objects.count() == 1


def test_a_reviewer_approves_through_the_api(client):
    external = ExternalCertificateFactory()
    client.force_login(VendorUserFactory(vendor_role=VendorRole.VENDOR_ADMIN))

    response = client.post(f"{API}/external-certificates/{external.public_id}/approve")
    again = client.post(f"{API}/external-certificates/{external.public_id}/approve")

    assert response.status_code == 200
    assert response.json()["is_current"] is True
    assert again.status_code == 409


def test_a_partners_accreditations_say_what_is_missing(client):
    member = MembershipFactory()
    AccreditationConditionFactory(accreditation__name="Firewall Partner", count=2)
    UserCertificationFactory(partner=member.partner)
    client.force_login(member.user)

    response = client.get(f"{API}/partners/{member.partner.public_id}/accreditations")

    [row] = response.json()
    assert (row["name"], row["is_held"], row["missing"]) == (
        "Firewall Partner",
        False,
        1,
    )
    assert row["conditions"][0]["have"] == 1


def test_creating_an_accreditation_evaluates_partners(client, manager):
    member = MembershipFactory()
    UserCertificationFactory(partner=member.partner)

    response = client.post(
        f"{API}/accreditations",
        {
            "name": "Security",
            "conditions": [{"count": 1, "product_line": "security"}],
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["conditions"] == [
        {"count": 1, "certification": None, "product_line": "security", "role": ""}
    ]
    client.force_login(member.user)
    listed = client.get(
        f"{API}/partners/{member.partner.public_id}/accreditations"
    ).json()
    assert listed[0]["is_held"] is True
