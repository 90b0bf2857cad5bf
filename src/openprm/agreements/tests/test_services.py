import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.agreements import selectors, services
from openprm.agreements.models import AgreementAcceptance
from openprm.agreements.pdf import acceptance_pdf
from openprm.agreements.tests.factories import (
    AgreementDocumentFactory,
)
from openprm.core import context
from openprm.core.errors import Conflict, PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.journeys.tests.factories import JourneyFactory
from openprm.notifications.models import Notification
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

TEXT = "1. Resell the products.\n2. Keep <b>secrets</b> secret. Ünïcode too."


@pytest.fixture
def document():
    return AgreementDocumentFactory()


@pytest.fixture
def partner(document):
    partner = PartnerFactory()
    JourneyFactory(partner=partner, programme=document.programme)
    return partner


@pytest.fixture
def admin(partner):
    return MembershipFactory(partner=partner).user


@pytest.fixture
def vendor_admin():
    return VendorUserFactory()


def publish(document, vendor_admin, text=TEXT, **fields):
    return services.agreement_version_publish(
        actor=vendor_admin, document=document, text=text, **fields
    )


def accept(admin, partner, version, **fields):
    return services.agreement_accept(
        actor=admin,
        partner=partner,
        version=version,
        name=fields.pop("name", "Ada Lovelace"),
        title=fields.pop("title", "CEO"),
        **fields,
    )


def test_an_acceptance_records_who_when_from_where_and_the_hash_of_the_text(
    document, partner, admin, vendor_admin
):
    version = publish(document, vendor_admin)

    with context.acting(client_ip="203.0.113.9", user_agent="Firefox/140"):
        acceptance = accept(admin, partner, version)

    assert acceptance.text_sha256 == hashlib.sha256(TEXT.encode()).hexdigest()
    assert (acceptance.name, acceptance.title, acceptance.user_email) == (
        "Ada Lovelace",
        "CEO",
        admin.email,
    )
    assert (acceptance.client_ip, acceptance.user_agent) == (
        "203.0.113.9",
        "Firefox/140",
    )
    event = OutboxEvent.objects.get(name="agreement.accepted")
    assert event.payload["text_sha256"] == acceptance.text_sha256
    assert AuditEntry.objects.filter(verb="agreement.accepted").count() == 1


def test_versions_are_numbered_and_published_with_an_event(document, vendor_admin):
    first = publish(document, vendor_admin)
    second = publish(document, vendor_admin, text="v2")

    assert (first.number, second.number) == (1, 2)
    assert OutboxEvent.objects.filter(name="agreement.published").count() == 2


def test_a_new_version_requires_acceptance_again(
    document, partner, admin, vendor_admin
):
    first = publish(document, vendor_admin)
    accept(admin, partner, first)

    second = publish(document, vendor_admin, text=TEXT + "\n3. New clause.")

    [row] = selectors.documents_for_partner(partner=partner)
    assert row["version"] == second
    assert row["acceptance"] is None
    with pytest.raises(Conflict):
        accept(admin, partner, first, name="Again")
    accept(admin, partner, second)
    [row] = selectors.documents_for_partner(partner=partner)
    assert row["acceptance"].version == second


def test_a_text_hash_that_does_not_match_is_refused_and_nothing_is_written(
    document, partner, admin, vendor_admin
):
    version = publish(document, vendor_admin)
    counts = (AuditEntry.objects.count(), OutboxEvent.objects.count())

    with pytest.raises(ValidationFailed) as refused:
        accept(admin, partner, version, text_sha256="0" * 64)

    assert list(refused.value.field_errors) == ["text_sha256"]
    assert AgreementAcceptance.objects.count() == 0
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == counts


def test_only_a_partner_admin_of_the_partner_itself_accepts(
    document, partner, vendor_admin
):
    version = publish(document, vendor_admin)
    sales = MembershipFactory(partner=partner, roles=[PartnerRole.SALES]).user
    stranger = MembershipFactory().user

    for actor in (sales, stranger, vendor_admin):
        with pytest.raises(PermissionDenied):
            accept(actor, partner, version)
    assert AgreementAcceptance.objects.count() == 0


def test_the_sweep_reminds_partner_admins_once_before_the_deadline(
    document, partner, admin, vendor_admin
):
    accepted = PartnerFactory()
    JourneyFactory(partner=accepted, programme=document.programme)
    other_admin = MembershipFactory(partner=accepted).user
    deadline = timezone.now() + timedelta(days=20)
    version = publish(document, vendor_admin, accept_by=deadline)
    accept(other_admin, accepted, version)

    assert services.agreements_remind() == 0  # the deadline is not near yet
    soon = deadline - timedelta(days=3)
    assert services.agreements_remind(now=soon) == 1
    assert services.agreements_remind(now=soon) == 0

    reminder = Notification.objects.get(kind="agreements.acceptance_due")
    assert reminder.recipient == admin
    assert Notification.objects.count() == 1


def test_the_pdf_holds_every_recorded_fact_and_the_text(
    document, partner, admin, vendor_admin
):
    version = publish(document, vendor_admin)
    with context.acting(client_ip="203.0.113.9", user_agent="Firefox/140"):
        acceptance = accept(admin, partner, version)

    pdf = acceptance_pdf(acceptance)

    assert pdf.startswith(b"%PDF")
    for fact in (
        acceptance.text_sha256,
        "Ada Lovelace",
        "CEO",
        admin.email,
        "203.0.113.9",
        "Firefox/140",
        partner.name,
        acceptance.accepted_at.isoformat(),
        "Resell the products.",
    ):
        assert fact.encode("latin-1") in pdf, fact
