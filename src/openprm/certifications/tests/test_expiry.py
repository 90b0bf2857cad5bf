"""The expiry sweep, run with the clock moved: reminders 30 and 7 days before (each
once, read from a real SMTP server), then expiry with its event, and the
accreditation it counted for is lost."""

from datetime import timedelta

import pytest
from django.utils import timezone

from openprm.certifications import services, tasks
from openprm.certifications.choices import AccreditationStatus, HolderStatus
from openprm.certifications.models import PartnerAccreditation, UserCertification
from openprm.certifications.tests.factories import (
    AccreditationConditionFactory,
    CertificationFactory,
    UserCertificationFactory,
)
from openprm.core import sweeps
from openprm.core.models import OutboxEvent
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory
from openprm.testing.smtp import body_text

pytestmark = pytest.mark.django_db


def test_the_sweep_is_registered_hourly():
    [sweep] = [
        item for item in sweeps.registered() if item.name == "certifications.expiry"
    ]

    assert sweep.every == timedelta(hours=1)
    assert sweep.task is tasks.certifications_expiry


def test_reminders_then_expiry_with_the_clock_moved(
    smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.OPENPRM_SITE_URL = "https://prm.example.com"
    partner = PartnerFactory(name="Contoso")
    ada = MembershipFactory(
        partner=partner, user__email="ada@contoso.example", roles=["technical"]
    )
    bob = MembershipFactory(
        partner=partner, user__email="bob@contoso.example", roles=["technical"]
    )
    certification = CertificationFactory(name="Firewall Expert")
    start = timezone.now()
    ends = start + timedelta(days=100)
    held = UserCertificationFactory(
        user=ada.user, partner=partner, certification=certification, valid_until=ends
    )
    UserCertificationFactory(
        user=bob.user,
        partner=partner,
        certification=certification,
        valid_until=ends + timedelta(days=200),
    )
    AccreditationConditionFactory(
        accreditation__name="Firewall Partner", count=2, product_line="security"
    )
    services.accreditations_evaluate()
    assert PartnerAccreditation.objects.get().status == AccreditationStatus.HELD

    def sweep(at):
        with django_capture_on_commit_callbacks(execute=True):
            return (
                services.certifications_remind(now=at),
                services.certifications_expire(now=at),
            )

    assert sweep(start + timedelta(days=60)) == (0, 0)  # 40 days left
    assert smtp_server.messages == []

    assert sweep(start + timedelta(days=75)) == (1, 0)  # 25 days left
    [message] = smtp_server.messages
    assert message["To"] == "ada@contoso.example"
    assert message["Subject"] == (
        f"Firewall Expert expires on {timezone.localdate(ends).isoformat()}"
    )
    assert "https://prm.example.com/portal/certificates/" in body_text(message)

    assert sweep(start + timedelta(days=80)) == (0, 0)  # the 30-day one went
    assert sweep(start + timedelta(days=94)) == (1, 0)  # 6 days left
    assert sweep(start + timedelta(days=95)) == (0, 0)
    assert [m["To"] for m in smtp_server.messages] == ["ada@contoso.example"] * 2
    assert "expires on" in smtp_server.messages[1]["Subject"]

    smtp_server.messages.clear()
    assert sweep(start + timedelta(days=101)) == (0, 1)

    held.refresh_from_db()
    assert held.status == HolderStatus.EXPIRED
    [expired] = OutboxEvent.objects.filter(name="certification.expired")
    assert expired.payload["user_certification_id"] == str(held.public_id)
    assert [m["Subject"] for m in smtp_server.messages] == [
        "Firewall Expert has expired"
    ]
    accreditation = PartnerAccreditation.objects.get()
    assert accreditation.status == AccreditationStatus.LOST
    assert OutboxEvent.objects.filter(name="accreditation.lost").count() == 1
    assert sweep(start + timedelta(days=102)) == (0, 0)


def test_a_renewal_starts_the_reminders_again(smtp_server):
    start = timezone.now()
    held = UserCertificationFactory(valid_until=start + timedelta(days=20))
    assert services.certifications_remind(now=start) == 1

    services.certification_award(
        certification=held.certification,
        user=held.user,
        partner_id=held.partner_id,
        source="renewal",
        key="renewed",
        now=start,
    )
    held.refresh_from_db()
    later = held.valid_until - timedelta(days=20)

    assert services.certifications_remind(now=later) == 1
    assert services.certifications_remind(now=later) == 0


def test_a_certification_found_inside_seven_days_gets_one_reminder():
    now = timezone.now()
    UserCertificationFactory(valid_until=now + timedelta(days=5))

    assert services.certifications_remind(now=now) == 1
    assert services.certifications_remind(now=now + timedelta(days=1)) == 0


def test_the_sweep_task_runs_both_steps():
    now = timezone.now()
    UserCertificationFactory(valid_until=now + timedelta(days=5))
    UserCertificationFactory(valid_until=now - timedelta(minutes=1))

    result = tasks.certifications_expiry.enqueue().return_value

    assert result == {"reminded": 1, "expired": 1}
    assert UserCertification.objects.filter(status=HolderStatus.EXPIRED).count() == 1
