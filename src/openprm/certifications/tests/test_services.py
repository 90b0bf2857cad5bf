"""Awards, renewals, the learning app's events, revocation and external
certificates."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError
from django.utils import timezone

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.certifications import services
from openprm.certifications.choices import (
    AwardSource,
    EarningKind,
    HolderStatus,
    ReviewStatus,
)
from openprm.certifications.models import (
    Certification,
    CertificationAward,
    ExternalCertificate,
    UserCertification,
)
from openprm.certifications.tests.factories import (
    CertificationFactory,
    ExternalCertificateFactory,
    UserCertificationFactory,
    learning_path,
)
from openprm.content.tests.factories import AudienceFactory, pdf_upload
from openprm.core import events
from openprm.core.errors import PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.learning.tests.factories import QuizFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


def award(certification, user, partner, *, key="k1", source=AwardSource.PATH, now=NOW):
    return services.certification_award(
        certification=certification,
        user=user,
        partner_id=partner.pk,
        source=source,
        key=key,
        now=now,
    )


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert services.add_months(NOW, 1) == NOW.replace(month=2, day=28)
    assert services.add_months(NOW, 12) == NOW.replace(year=2027)
    assert services.add_months(NOW, 13) == NOW.replace(year=2027, month=2, day=28)


def test_an_award_holds_the_certification_for_its_validity():
    certification = CertificationFactory(validity_months=24)
    user, partner = UserFactory(), PartnerFactory()

    held = award(certification, user, partner)

    assert held.status == HolderStatus.ACTIVE
    assert held.earned_at == NOW
    assert held.valid_until == NOW.replace(year=2028)
    assert len(held.verification_code) == 19
    [event] = OutboxEvent.objects.filter(name="certification.earned")
    assert event.partner_id == partner.pk
    assert event.payload["renewal"] is False
    assert event.payload["user_id"] == user.pk
    assert AuditEntry.objects.filter(verb="certification.earned").count() == 1


def test_the_same_award_twice_changes_nothing():
    certification = CertificationFactory()
    user, partner = UserFactory(), PartnerFactory()
    first = award(certification, user, partner)

    again = award(certification, user, partner, now=NOW + timedelta(days=30))

    assert again.pk == first.pk
    assert again.valid_until == first.valid_until
    assert OutboxEvent.objects.filter(name="certification.earned").count() == 1
    assert CertificationAward.objects.count() == 1


def test_a_renewal_extends_from_the_current_end():
    certification = CertificationFactory(validity_months=12)
    user, partner = UserFactory(), PartnerFactory()
    award(certification, user, partner)

    held = award(
        certification,
        user,
        partner,
        key="renewal",
        source=AwardSource.RENEWAL,
        now=NOW + timedelta(days=300),
    )

    assert held.valid_until == NOW.replace(year=2028)
    assert held.earned_at == NOW
    assert held.renewed_at == NOW + timedelta(days=300)
    assert UserCertification.objects.count() == 1
    renewal = (
        OutboxEvent.objects.filter(name="certification.earned").order_by("id").last()
    )
    assert renewal.payload["renewal"] is True


def test_an_expired_certification_earned_again_counts_from_now():
    held = UserCertificationFactory(
        status=HolderStatus.EXPIRED,
        earned_at=NOW - timedelta(days=800),
        valid_until=NOW - timedelta(days=70),
        certification__validity_months=12,
    )

    renewed = award(held.certification, held.user, held.partner, key="again")

    assert renewed.status == HolderStatus.ACTIVE
    assert renewed.earned_at == NOW
    assert renewed.valid_until == NOW.replace(year=2027)


def test_a_revoked_certification_is_not_awarded_again():
    held = UserCertificationFactory(status=HolderStatus.REVOKED)
    before = held.valid_until

    again = award(held.certification, held.user, held.partner, key="after")

    assert again.status == HolderStatus.REVOKED
    assert again.valid_until == before
    assert not OutboxEvent.objects.filter(name="certification.earned").exists()


def test_a_renewal_source_does_not_award_someone_who_never_held_it():
    certification = CertificationFactory()

    held = award(
        certification, UserFactory(), PartnerFactory(), source=AwardSource.RENEWAL
    )

    assert held is None
    assert not UserCertification.objects.exists()


# --- what earns and renews a certification


def test_a_certification_names_a_real_path_and_renewal_exam():
    admin = VendorUserFactory(vendor_role=VendorRole.VENDOR_ADMIN)
    path, quiz = learning_path(), QuizFactory()

    certification = services.certification_create(
        actor=admin,
        name="Firewall Engineer",
        kind=EarningKind.PATH,
        source_id=str(path.public_id),
        renewal_source_id=quiz.public_id,
        validity_months=24,
        audience=path.audience,
    )

    certification.refresh_from_db()
    assert (certification.path, certification.exam) == (path, None)
    assert (certification.renewal_path, certification.renewal_exam) == (None, quiz)
    assert (certification.source_id, certification.renewal_source_id) == (
        path.public_id,
        quiz.public_id,
    )
    with pytest.raises(ProtectedError):
        path.delete()


@pytest.mark.parametrize(
    ("kind", "source", "renewal", "field"),
    [
        (EarningKind.PATH, "quiz", None, "source_id"),  # a quiz is not a path
        (EarningKind.EXAM, "path", None, "source_id"),
        (EarningKind.PATH, "unknown", None, "source_id"),
        (EarningKind.PATH, "path", "unknown", "renewal_source_id"),
    ],
)
def test_a_source_that_names_nothing_is_refused(kind, source, renewal, field):
    admin = VendorUserFactory(vendor_role=VendorRole.VENDOR_ADMIN)
    ids = {
        "path": learning_path().public_id,
        "quiz": QuizFactory().public_id,
        "unknown": uuid.uuid4(),
        None: None,
    }

    with pytest.raises(ValidationFailed) as refused:
        services.certification_create(
            actor=admin,
            name="Nothing",
            kind=kind,
            source_id=ids[source],
            renewal_source_id=ids[renewal],
            validity_months=12,
            audience=AudienceFactory(),
        )

    assert set(refused.value.field_errors) == {field}
    assert not Certification.objects.exists()


# --- the learning app's events


def _emit(name, payload, capture):
    with capture(execute=True):
        events.emit(name, payload=payload, partner_id=payload["partner"])


def test_a_completed_path_earns_its_certification(django_capture_on_commit_callbacks):
    certification = CertificationFactory(kind=EarningKind.PATH)
    path_id = certification.path.public_id
    CertificationFactory(kind=EarningKind.PATH)  # another path's
    member = MembershipFactory()

    _emit(
        "path.completed",
        {
            "path": str(path_id),
            "user": member.user_id,
            "partner": member.partner_id,
        },
        django_capture_on_commit_callbacks,
    )

    [held] = UserCertification.objects.all()
    assert held.certification == certification
    assert (held.user_id, held.partner_id) == (member.user_id, member.partner_id)
    assert held.source == AwardSource.PATH


def test_a_passed_quiz_earns_the_exam_certification_and_renews_another(
    django_capture_on_commit_callbacks,
):
    exam = CertificationFactory(kind=EarningKind.EXAM)
    quiz_id = exam.exam.public_id
    member = MembershipFactory()
    renewed = UserCertificationFactory(
        user=member.user,
        partner=member.partner,
        certification__renewal_exam=exam.exam,
        valid_until=timezone.now() + timedelta(days=10),
    )
    end = renewed.valid_until

    _emit(
        "quiz.passed",
        {
            "quiz": str(quiz_id),
            "user": member.user_id,
            "partner": member.partner_id,
            "score": 80,
        },
        django_capture_on_commit_callbacks,
    )

    assert UserCertification.objects.get(certification=exam).source == AwardSource.EXAM
    renewed.refresh_from_db()
    assert renewed.valid_until == services.add_months(end, 12)
    assert renewed.source == AwardSource.PATH  # how it was first earned


def test_a_quiz_does_not_earn_a_path_certification(django_capture_on_commit_callbacks):
    path = CertificationFactory(kind=EarningKind.PATH).path
    # A quiz whose public id is the path's: the event names a quiz, not a path.
    same_id = QuizFactory(public_id=path.public_id).public_id
    member = MembershipFactory()

    _emit(
        "quiz.passed",
        {
            "quiz": str(same_id),
            "user": member.user_id,
            "partner": member.partner_id,
            "score": 90,
        },
        django_capture_on_commit_callbacks,
    )

    assert not UserCertification.objects.exists()


def test_an_event_delivered_twice_awards_once():
    from openprm.certifications.subscribers import award_from_learning

    path_id = CertificationFactory().path.public_id
    member = MembershipFactory()
    event = events.emit(
        "path.completed",
        payload={
            "path": str(path_id),
            "user": member.user_id,
            "partner": member.partner_id,
        },
    )

    award_from_learning(event)
    award_from_learning(event)

    assert UserCertification.objects.count() == 1
    assert OutboxEvent.objects.filter(name="certification.earned").count() == 1


def test_a_malformed_event_awards_nothing():
    from openprm.certifications.subscribers import award_from_learning

    CertificationFactory()
    member = MembershipFactory()
    event = events.emit(
        "path.completed",
        payload={
            "path": "not-a-uuid",
            "user": member.user_id,
            "partner": member.partner_id,
        },
    )

    award_from_learning(event)

    assert not UserCertification.objects.exists()


# --- revocation


def test_a_reviewer_revokes_with_a_reason():
    held = UserCertificationFactory()
    reviewer = VendorUserFactory(vendor_role=VendorRole.CHANNEL_MANAGER)

    services.certification_revoke(actor=reviewer, held=held, reason="Exam fraud")

    held.refresh_from_db()
    assert held.status == HolderStatus.REVOKED
    assert OutboxEvent.objects.get(name="certification.revoked").payload["reason"] == (
        "Exam fraud"
    )


def test_finance_cannot_revoke():
    held = UserCertificationFactory()
    audited = AuditEntry.objects.count()

    with pytest.raises(PermissionDenied):
        services.certification_revoke(
            actor=VendorUserFactory(vendor_role=VendorRole.FINANCE),
            held=held,
            reason="No",
        )

    held.refresh_from_db()
    assert held.status == HolderStatus.ACTIVE
    assert AuditEntry.objects.count() == audited


# --- external certificates


def _submit(member, certification, **changes):
    values = {
        "actor": member.user,
        "partner_id": member.partner_id,
        "certification": certification,
        "issuer": "ISC2",
        "credential_id": "123",
        "issued_on": timezone.localdate(),
        "evidence": pdf_upload("cissp.pdf"),
    }
    values.update(changes)
    return services.external_certificate_submit(**values)


def test_a_partner_user_submits_an_external_certificate():
    certification = CertificationFactory(kind=EarningKind.EXTERNAL)
    member = MembershipFactory(roles=["technical"])

    external = _submit(member, certification)

    assert external.status == ReviewStatus.SUBMITTED
    assert external.evidence_type == "application/pdf"
    assert external.evidence.name.endswith(".pdf")
    assert (
        OutboxEvent.objects.filter(name="external_certificate.submitted").count() == 1
    )


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("cert.html", b"<html><script>x</script></html>"),
            "Files named .html cannot be uploaded.",
        ),
        (
            SimpleUploadedFile("cert.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 40),
            "The file's content (PNG image) does not match its name (.pdf).",
        ),
        (SimpleUploadedFile("cert.docx", b"PK\x03\x04" + b"0" * 40), "Upload one of"),
        (SimpleUploadedFile("cert.pdf", b""), "The file is empty."),
    ],
)
def test_bad_evidence_is_refused_and_nothing_is_stored(upload, message):
    certification = CertificationFactory(kind=EarningKind.EXTERNAL)
    member = MembershipFactory()
    written = OutboxEvent.objects.count()

    with pytest.raises(ValidationFailed) as refused:
        _submit(member, certification, evidence=upload)

    assert "evidence" in refused.value.field_errors
    assert refused.value.field_errors["evidence"][0].startswith(message)
    assert not ExternalCertificate.objects.exists()
    assert OutboxEvent.objects.count() == written


def test_only_external_certifications_take_an_upload():
    member = MembershipFactory()

    with pytest.raises(ValidationFailed) as refused:
        _submit(member, CertificationFactory(kind=EarningKind.PATH))

    assert list(refused.value.field_errors) == ["certification"]


def test_approval_awards_the_certification():
    external = ExternalCertificateFactory()
    reviewer = VendorUserFactory(vendor_role=VendorRole.VENDOR_ADMIN)

    held = services.external_certificate_approve(actor=reviewer, external=external)

    external.refresh_from_db()
    assert external.status == ReviewStatus.APPROVED
    assert external.reviewed_by == reviewer
    assert held.source == AwardSource.EXTERNAL
    assert (held.user_id, held.partner_id) == (external.user_id, external.partner_id)
    assert OutboxEvent.objects.filter(name="certification.earned").count() == 1


def test_a_rejection_needs_a_reason_and_awards_nothing():
    external = ExternalCertificateFactory()
    reviewer = VendorUserFactory(vendor_role=VendorRole.VENDOR_ADMIN)

    with pytest.raises(ValidationFailed):
        services.external_certificate_reject(
            actor=reviewer, external=external, reason=" "
        )
    services.external_certificate_reject(
        actor=reviewer, external=external, reason="The scan is unreadable."
    )

    external.refresh_from_db()
    assert external.status == ReviewStatus.REJECTED
    assert external.reason == "The scan is unreadable."
    assert not UserCertification.objects.exists()


def test_a_reviewed_certificate_cannot_be_reviewed_again():
    external = ExternalCertificateFactory(status=ReviewStatus.REJECTED)
    reviewer = VendorUserFactory(vendor_role=VendorRole.VENDOR_ADMIN)

    with pytest.raises(Exception, match="rejected"):
        services.external_certificate_approve(actor=reviewer, external=external)

    assert not UserCertification.objects.exists()
