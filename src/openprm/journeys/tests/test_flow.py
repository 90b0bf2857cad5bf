"""The whole onboarding path through the real services of each app: an application
approved, the journey started by its event, the invitation accepted, the terms
accepted, the tasks done, and the partner active in the entry tier."""

import re

import pytest
from django.core import mail

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.agreements import services as agreements
from openprm.agreements.tests.factories import AgreementDocumentFactory
from openprm.journeys import services
from openprm.journeys.choices import TaskKind
from openprm.journeys.models import Journey
from openprm.journeys.tests.factories import TaskTemplateFactory
from openprm.journeys.tests.helpers import deliver_all, names
from openprm.onboarding import services as onboarding
from openprm.onboarding.tests.factories import submit
from openprm.partners.choices import PartnerStatus
from openprm.programs.models import Enrolment
from openprm.programs.tests.factories import programme_with_tiers
from openprm.tenancy.services import invitation_accept

pytestmark = pytest.mark.django_db


def test_an_approved_applicant_completes_the_journey_and_becomes_active(
    django_capture_on_commit_callbacks,
):
    vendor_admin = VendorUserFactory()
    programme = programme_with_tiers("Registered", "Gold")
    TaskTemplateFactory(programme=programme, kind=TaskKind.AGREEMENT)
    TaskTemplateFactory(
        programme=programme, kind=TaskKind.INVITE_COLLEAGUES, is_required=False
    )
    TaskTemplateFactory(programme=programme, kind=TaskKind.MANUAL)
    document = AgreementDocumentFactory(programme=programme)
    version = agreements.agreement_version_publish(
        actor=vendor_admin, document=document, text="The terms."
    )
    application = submit(programme)

    with django_capture_on_commit_callbacks(execute=True):
        onboarding.application_approve_step(
            application=application,
            actor=vendor_admin,
            base_url="http://testserver/",
        )
    deliver_all()

    application.refresh_from_db()
    journey = Journey.objects.get(partner=application.partner, programme=programme)
    assert application.partner.status == PartnerStatus.ONBOARDING
    link = next(
        message for message in mail.outbox if "/invitations/" in message.body
    ).body
    token = re.search(r"/invitations/([^/\s]+)/", link).group(1)
    applicant = invitation_accept(
        token=token, full_name="Nora North", password="a long pass phrase 42"
    )

    agreements.agreement_accept(
        actor=applicant,
        partner=application.partner,
        version=version,
        name="Nora North",
        title="CEO",
    )
    deliver_all()
    assert journey.tasks.get(kind=TaskKind.AGREEMENT).completed_at is not None
    services.journey_task_sign_off(
        actor=vendor_admin, task=journey.tasks.get(kind=TaskKind.MANUAL)
    )

    partner = application.partner
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.ACTIVE
    assert Enrolment.objects.get(partner=partner).tier.name == "Registered"
    assert names("partner.activated") == ["partner.activated"]
