"""The pages: console catalogue, review queue, expiring report with its exports,
accreditations; portal certificates, upload, team; the public verification."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.certifications.choices import EarningKind, HolderStatus, ReviewStatus
from openprm.certifications.models import (
    Accreditation,
    Certification,
    ExternalCertificate,
    UserCertification,
)
from openprm.certifications.tests.factories import (
    AccreditationConditionFactory,
    CertificationFactory,
    ExternalCertificateFactory,
    UserCertificationFactory,
    learning_path,
)
from openprm.content.tests.factories import AudienceFactory, pdf_upload
from openprm.learning.tests.factories import QuizFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client):
    user = VendorUserFactory(vendor_role=VendorRole.CHANNEL_MANAGER)
    client.force_login(user)
    return user


@pytest.fixture
def admin(client):
    user = VendorUserFactory(vendor_role=VendorRole.VENDOR_ADMIN)
    client.force_login(user)
    return user


def text(response) -> str:
    return response.content.decode()


# --- console


def test_a_manager_creates_a_certification(client, manager):
    audience = AudienceFactory(name="Every partner")
    path_id = learning_path().public_id

    response = client.post(
        "/console/certifications/new/",
        {
            "name": "Firewall Expert",
            "product_line": "security",
            "role": "technical",
            "validity_months": "24",
            "kind": "path",
            "source_id": str(path_id),
            "audience": str(audience.public_id),
            "is_active": "on",
        },
    )

    certification = Certification.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/certifications/{certification.public_id}/"
    assert (certification.source_id, certification.validity_months) == (path_id, 24)


def test_the_form_offers_paths_and_exams_by_title(client, manager):
    path = learning_path()
    exam = QuizFactory(title="Firewall exam")

    response = client.get("/console/certifications/new/")

    html = response.content.decode()
    assert f'<option value="{path.public_id}">{path.title}</option>' in html
    assert f'<option value="{exam.public_id}">Firewall exam</option>' in html
    assert '<optgroup label="Exams">' in html


def test_a_path_certification_without_its_path_shows_the_error(client, manager):
    response = client.post(
        "/console/certifications/new/",
        {
            "name": "Firewall Expert",
            "validity_months": "24",
            "kind": "path",
            "audience": str(AudienceFactory().public_id),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "source_id": ["Name the learning path or exam that earns it."]
    }
    assert not Certification.objects.exists()


def test_the_catalogue_lists_in_a_fixed_number_of_queries(
    client, manager, django_assert_num_queries
):
    for _ in range(3):
        UserCertificationFactory()
    client.get("/console/certifications/")

    with django_assert_num_queries(4):  # session, user, count, page
        response = client.get("/console/certifications/")

    assert text(response).count('data-testid="active-holders">1<') == 3


def test_the_catalogue_has_an_empty_state(client, manager):
    assert "No certifications yet." in text(client.get("/console/certifications/"))


def test_a_reviewer_approves_from_the_queue(client, admin):
    external = ExternalCertificateFactory(certification__name="CISSP")
    queue = text(client.get("/console/certifications/reviews/"))
    assert "CISSP" in queue

    detail = text(client.get(f"/console/certifications/reviews/{external.public_id}/"))
    evidence = client.get(
        f"/console/certifications/reviews/{external.public_id}/evidence/"
    )
    response = client.post(
        f"/console/certifications/reviews/{external.public_id}/approve/",
        {"reason": ""},
    )

    assert 'data-testid="approve"' in detail
    assert evidence.status_code == 200
    assert b"".join(evidence.streaming_content).startswith(b"%PDF")
    assert response.status_code == 302
    external.refresh_from_db()
    assert external.status == ReviewStatus.APPROVED
    assert UserCertification.objects.get().user == external.user
    assert "Nothing waits for review." in text(
        client.get("/console/certifications/reviews/")
    )


def test_a_rejection_without_a_reason_changes_nothing(client, admin):
    external = ExternalCertificateFactory()

    response = client.post(
        f"/console/certifications/reviews/{external.public_id}/reject/",
        {"reason": ""},
    )

    assert response.status_code == 302
    external.refresh_from_db()
    assert external.status == ReviewStatus.SUBMITTED


def _expiring_rows(email="ada@contoso.example", name="Firewall Expert"):
    now = timezone.now()
    contoso = PartnerFactory(name="Contoso")
    UserCertificationFactory(
        partner=contoso,
        user__email=email,
        certification__name=name,
        valid_until=now + timedelta(days=10, hours=1),
    )
    UserCertificationFactory(valid_until=now + timedelta(days=200))  # not soon
    UserCertificationFactory(
        valid_until=now + timedelta(days=5), status=HolderStatus.REVOKED
    )


def test_the_expiring_report_lists_and_exports(client, admin):
    _expiring_rows()

    page = text(client.get("/console/certifications/expiring/?within=30"))
    csv = b"".join(
        client.get(
            "/console/certifications/expiring/?within=30&format=csv"
        ).streaming_content
    ).decode()
    xlsx = client.get("/console/certifications/expiring/?within=30&format=xlsx")

    assert page.count("Firewall Expert") == 1
    lines = csv.strip().splitlines()
    assert lines[0] == "Partner,Person,Email,Certification,Valid until,Days left"
    assert len(lines) == 2
    assert lines[1].startswith("Contoso,")
    assert lines[1].endswith(",10")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.cell(row=2, column=1).value == "Contoso"


def test_the_expiring_report_costs_the_same_for_more_rows(
    client, admin, django_assert_num_queries
):
    _expiring_rows()
    _expiring_rows("bob@contoso.example", "Router Expert")

    # The session, the user, the page's rows and their count, the partners' counts.
    with django_assert_num_queries(5):
        client.get("/console/certifications/expiring/")


def _ending(partner, days, **fields):
    return UserCertificationFactory(
        partner=partner,
        valid_until=timezone.now() + timedelta(days=days, hours=1),
        **fields,
    )


def test_the_expiring_report_counts_and_charts_by_partner(client, admin):
    contoso, fabrikam = PartnerFactory(name="Contoso"), PartnerFactory(name="Fabrikam")
    first = _ending(contoso, 10)
    _ending(contoso, 50, user=first.user)
    _ending(contoso, 20)
    _ending(fabrikam, 45)
    _ending(fabrikam, 200)  # beyond the period
    _ending(fabrikam, 5, status=HolderStatus.REVOKED)

    page = client.get("/console/certifications/expiring/?within=60").content.decode()
    lines = (
        b"".join(
            client.get(
                "/console/certifications/expiring/?within=60&format=csv&table=partners"
            ).streaming_content
        )
        .decode()
        .strip()
        .splitlines()
    )

    assert lines == [
        "Partner,Ending in the period,Within 30 days,People",
        "Contoso,3,2,2",
        "Fabrikam,1,0,1",
    ]
    assert 'id="expiring-chart-partners"' in page
    assert '"labels": ["Contoso", "Fabrikam"]' in page


def test_the_api_counts_expiring_certifications_by_partner_in_scope(client):
    manager = VendorUserFactory(vendor_role=VendorRole.CHANNEL_MANAGER)
    contoso = PartnerFactory(name="Contoso", channel_manager=manager)
    _ending(contoso, 10)
    _ending(PartnerFactory(name="Fabrikam"), 10)
    client.force_login(manager)

    response = client.get(
        "/api/v1/user-certifications/expiring/by-partner", {"within_days": 30}
    )
    refused = client.get(
        "/api/v1/user-certifications/expiring/by-partner", {"within_days": "soon"}
    )

    assert [
        (row["name"], row["expiring"], row["people"])
        for row in response.json()["items"]
    ] == [("Contoso", 1, 1)]
    assert response.json()["items"][0]["partner"] == str(contoso.public_id)
    assert refused.status_code == 422


BY_PARTNER = "/api/v1/user-certifications/expiring/by-partner"


def _expiring_partners(rows: int) -> list:
    """``rows`` partners, the first with the most certifications ending."""
    partners = [PartnerFactory(name=f"Partner {number:02}") for number in range(rows)]
    _ending(partners[0], 10)
    for partner in partners:
        _ending(partner, 20)
    _ending(PartnerFactory(name="Later"), 200)  # beyond the period
    return partners


def test_the_expiring_by_partner_api_pages_most_first_and_counts_up_to_a_cap(
    client, admin, monkeypatch
):
    monkeypatch.setattr("openprm.core.api.COUNT_CAP", 3)
    partners = _expiring_partners(7)
    client.force_login(admin)

    first = client.get(BY_PARTNER, {"limit": 2}).json()
    last = client.get(BY_PARTNER, {"limit": 2, "offset": 6}).json()

    assert [(row["name"], row["expiring"]) for row in first["items"]] == [
        ("Partner 00", 2),
        ("Partner 01", 1),
    ]
    assert (first["count"], first["count_is_capped"]) == (3, True)
    assert [row["partner"] for row in last["items"]] == [str(partners[6].public_id)]
    assert (last["count"], last["count_is_capped"]) == (7, False)


@pytest.mark.parametrize("rows", [2, 30])
def test_the_expiring_by_partner_api_takes_the_same_queries_for_any_number_of_partners(
    client, admin, django_assert_num_queries, rows
):
    _expiring_partners(rows)
    client.force_login(admin)
    client.get(BY_PARTNER)

    # Session, user, the capped count of partners, the page's groups.
    with django_assert_num_queries(4):
        body = client.get(BY_PARTNER, {"limit": 100}).json()

    assert len(body["items"]) == rows


def test_partner_users_are_refused_the_expiring_report(client):
    member = MembershipFactory(roles=["partner_admin"])
    client.force_login(member.user)

    assert client.get("/console/certifications/expiring/").status_code == 403
    assert (
        client.get("/api/v1/user-certifications/expiring/by-partner").status_code == 403
    )


def test_a_manager_declares_an_accreditation_with_conditions(client, manager):
    sales = CertificationFactory(name="Security Sales", role="sales")

    response = client.post(
        "/console/accreditations/new/",
        {
            "name": "Firewall Partner",
            "is_active": "on",
            "count_1": "2",
            "product_line_1": "security",
            "role_1": "technical",
            "count_2": "1",
            "certification_2": str(sales.public_id),
        },
    )

    accreditation = Accreditation.objects.get()
    assert response.status_code == 302
    assert [c.describe() for c in accreditation.conditions.all()] == [
        "At least 2 people: certified in Security, Technical",
        "At least 1 person: Security Sales, any role",
    ]
    page = text(client.get(f"/console/accreditations/{accreditation.public_id}/"))
    assert "No partner holds it yet." in page


def test_an_accreditation_without_conditions_is_refused(client, manager):
    response = client.post("/console/accreditations/new/", {"name": "Empty"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Add at least one condition."
    ]


def test_the_partner_360_shows_accreditations_and_what_is_missing(client, admin):
    partner = PartnerFactory()
    AccreditationConditionFactory(accreditation__name="Firewall Partner", count=2)
    UserCertificationFactory(partner=partner)

    page = text(client.get(f"/console/partners/{partner.public_id}/"))

    assert 'data-testid="section-accreditations"' in page
    assert "1 certified person" in page
    assert "Firewall Partner" in page
    assert "1 of 2" in page
    assert "1 more needed" in page


# --- portal


@pytest.fixture
def ada(client):
    member = MembershipFactory(
        user__email="ada@contoso.example",
        user__full_name="Ada Lovelace",
        partner__name="Contoso",
        roles=["technical"],
    )
    client.force_login(member.user)
    return member


def test_my_certificates_and_the_pdf(client, ada):
    held = UserCertificationFactory(
        user=ada.user, partner=ada.partner, certification__name="Firewall Expert"
    )
    UserCertificationFactory(partner=ada.partner)  # a colleague's

    page = text(client.get("/portal/certificates/"))
    pdf = client.get(f"/portal/certificates/{held.public_id}/pdf/")

    assert page.count("Firewall Expert") == 1
    assert held.verification_code in page
    assert pdf["Content-Type"] == "application/pdf"
    assert held.verification_code.encode() in pdf.content
    assert b"Ada Lovelace" in pdf.content
    assert f"/verify/{held.verification_code}/".encode() in pdf.content


def test_a_colleagues_certificate_is_not_found(client, ada):
    colleague = UserCertificationFactory(partner=ada.partner)

    response = client.get(f"/portal/certificates/{colleague.public_id}/pdf/")

    assert response.status_code == 404


def test_my_certificates_has_an_empty_state(client, ada):
    assert "You hold no certification yet." in text(client.get("/portal/certificates/"))


def test_uploading_an_external_certificate(client, ada):
    certification = CertificationFactory(name="CISSP", kind=EarningKind.EXTERNAL)

    response = client.post(
        "/portal/certificates/external/new/",
        {
            "certification": str(certification.public_id),
            "issuer": "ISC2",
            "issued_on": timezone.localdate().isoformat(),
            "evidence": pdf_upload("cissp.pdf"),
        },
    )

    assert response.status_code == 302
    external = ExternalCertificate.objects.get()
    assert (external.user, external.partner) == (ada.user, ada.partner)
    assert "Waiting for review" in text(client.get("/portal/certificates/"))


def test_an_html_file_is_refused_on_the_form(client, ada):
    from django.core.files.uploadedfile import SimpleUploadedFile

    certification = CertificationFactory(kind=EarningKind.EXTERNAL)

    response = client.post(
        "/portal/certificates/external/new/",
        {
            "certification": str(certification.public_id),
            "issuer": "ISC2",
            "issued_on": timezone.localdate().isoformat(),
            "evidence": SimpleUploadedFile("x.html", b"<html></html>"),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "evidence": ["Files named .html cannot be uploaded."]
    }
    assert not ExternalCertificate.objects.exists()


def test_the_team_page_for_a_partner_admin(client, django_assert_max_num_queries):
    admin_member = MembershipFactory(partner__name="Contoso")
    for _ in range(3):
        UserCertificationFactory(partner=admin_member.partner)
    UserCertificationFactory()  # another partner's
    AccreditationConditionFactory(accreditation__name="Firewall Partner", count=5)
    client.force_login(admin_member.user)
    client.get("/portal/certificates/team/")

    with django_assert_max_num_queries(14):
        page = text(client.get("/portal/certificates/team/"))

    assert page.count("Certified Engineer") == 3
    assert "3 of 5" in page


def test_the_team_page_is_for_partner_admins_only(client, ada):
    assert client.get("/portal/certificates/team/").status_code == 403


# --- public verification


def test_a_holder_without_a_name_is_not_shown_by_email(client):
    held = UserCertificationFactory(
        user__email="ada@contoso.example", user__full_name=""
    )

    page = text(client.get(f"/verify/{held.verification_code}/"))

    assert "ada@contoso.example" not in page
    assert "(no name given)" in page


def test_the_verification_page_shows_only_the_name_certification_and_date(client):
    held = UserCertificationFactory(
        user__email="ada@contoso.example",
        user__full_name="Ada Lovelace",
        partner__name="Contoso",
        certification__name="Firewall Expert",
    )

    page = text(client.get(f"/verify/{held.verification_code.lower()}/"))

    assert "Ada Lovelace" in page
    assert "Firewall Expert" in page
    assert "Valid" in page
    assert "ada@contoso.example" not in page
    assert "Contoso" not in page


def test_an_expired_certificate_says_so(client):
    held = UserCertificationFactory(
        valid_until=timezone.now() - timedelta(days=1), status=HolderStatus.EXPIRED
    )

    page = text(client.get(f"/verify/{held.verification_code}/"))

    assert "This certificate is no longer valid." in page


def test_an_unknown_code_is_not_found(client):
    UserCertificationFactory()

    response = client.get("/verify/AAAA-BBBB-CCCC-DDDD/")

    assert response.status_code == 404
    assert "No certificate has this verification code." in text(response)


def test_the_portal_organisation_page_shows_accreditations(client, ada):
    AccreditationConditionFactory(accreditation__name="Firewall Partner", count=2)
    UserCertificationFactory(partner=ada.partner, user=ada.user)

    page = text(client.get("/portal/organisation/"))

    assert 'data-testid="section-accreditations"' in page
    assert "Firewall Partner" in page
    assert "1 of 2" in page
