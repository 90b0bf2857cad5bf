"""The claim-deadline sweep, with the clock moved past a request's deadline: the
unclaimed commitment goes back to available and the partner hears of it by email
(read from the test SMTP server)."""

import datetime
from decimal import Decimal

import pytest

from openprm.core import sweeps
from openprm.funds import selectors, services, tasks
from openprm.funds.choices import RequestStatus
from openprm.funds.models import Allocation
from openprm.funds.tests import factories as f
from openprm.partners.tests.factories import PartnerFactory
from openprm.testing.smtp import body_text

pytestmark = pytest.mark.django_db


def test_deadline_sweep_releases_the_unclaimed_commitment_and_emails_the_partner(
    smtp_server, django_capture_on_commit_callbacks
):
    partner = PartnerFactory(name="Contoso")
    ada = f.marketer(partner)
    ada.email = "ada@contoso.example"
    ada.save()
    request = f.approved_request(
        partner=partner, amount="1000.00", allocated="1500.00", user=ada
    )
    claim = f.make_claim(request, amount="300.00", user=ada)
    services.claim_review(actor=f.reviewer(), claim=claim, approve=True)
    smtp_server.messages.clear()
    deadline = request.claim_deadline

    with django_capture_on_commit_callbacks(execute=True):
        assert services.requests_release_overdue(today=deadline) == 0
        moved = deadline + datetime.timedelta(days=1)
        assert services.requests_release_overdue(today=moved) == 1
        assert services.requests_release_overdue(today=moved) == 0

    request.refresh_from_db()
    figures = selectors.allocation_figures(
        allocation=Allocation.objects.get(partner=partner)
    )
    assert request.status == RequestStatus.CLOSED
    assert request.open_commitment == Decimal("0.00")
    assert (figures.available, figures.committed, figures.claimed) == (
        Decimal("1200.00"),
        Decimal("0.00"),
        Decimal("300.00"),
    )
    [message] = smtp_server.to("ada@contoso.example")
    assert message["Subject"] == "Unclaimed funds released: Webinar on security"
    assert "700.00 EUR" in body_text(message)


def test_deadline_sweep_waits_for_claims_under_review():
    request = f.approved_request(amount="1000.00")
    f.make_claim(request, amount="300.00")
    later = request.claim_deadline + datetime.timedelta(days=1)

    assert services.requests_release_overdue(today=later) == 0

    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED


def test_sweeps_are_registered_and_run():
    registered = {item.task for item in sweeps.registered()}

    assert {tasks.fund_claim_deadlines, tasks.fund_period_end} <= registered
    tasks.fund_claim_deadlines.enqueue()
    tasks.fund_period_end.enqueue()
