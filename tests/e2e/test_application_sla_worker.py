"""Issue 5, done when: an application whose approver never acts is reminded and
escalated by the worker's sweep, with nobody running a command.

The worker calls ``core.sweeps.enqueue_due_sweeps`` every few seconds; that is all
this test calls. The SLA clock is moved by bringing the application's deadline
towards now (the sweep reads the real time), and the sweep's own period by the
``now`` the worker would see a quarter of an hour later. Every email is read from
a real SMTP server."""

from datetime import timedelta

import pytest
from django.utils import timezone

from openprm.accounts.tests.factories import UserFactory
from openprm.core import sweeps
from openprm.onboarding.choices import ApplicationStatus
from openprm.onboarding.models import Application
from openprm.onboarding.tasks import applications_sla_sweep
from openprm.onboarding.tests.factories import (
    ApprovalQueueFactory,
    ApprovalStepFactory,
    RoutingRuleFactory,
    submit,
)
from openprm.programs.tests.factories import ProgrammeFactory
from openprm.testing.smtp import body_text

pytestmark = pytest.mark.django_db(transaction=True)

SWEEP = "openprm.onboarding.tasks.applications_sla_sweep"


def subjects(smtp_server, to: str) -> list[str]:
    return [str(message["Subject"]) for message in smtp_server.to(to)]


def test_the_onboarding_sweep_is_registered_every_quarter_hour():
    [sweep] = [item for item in sweeps.registered() if item.name == SWEEP]
    assert sweep.task is applications_sla_sweep
    assert sweep.every == timedelta(minutes=15)


def test_an_idle_approver_is_reminded_then_the_application_escalates(
    smtp_server, settings
):
    settings.OPENPRM_SITE_URL = "https://prm.example"
    settings.OPENPRM_APPLICATION_REMINDER_HOURS = 24
    idle = UserFactory(email="idle@vendor.example", vendor_role="channel_manager")
    head = UserFactory(email="head@vendor.example", vendor_role="analyst")
    heads = ApprovalQueueFactory(name="Heads of channel", members=[head])
    programme = ProgrammeFactory(name="Reseller", eligible_partner_types=["reseller"])
    RoutingRuleFactory(name="EMEA", regions=["EMEA"], user=idle)
    ApprovalStepFactory(
        programme=programme,
        position=1,
        name="Channel manager",
        sla_business_days=2,
        escalate_to_queue=heads,
    )
    application = submit(programme)
    assert subjects(smtp_server, "idle@vendor.example") == [
        "Application to review: Northwind Traders"
    ]
    # Start from a clean slate: every sweep has just run once.
    start = timezone.now()
    sweeps.enqueue_due_sweeps(now=start)
    assert subjects(smtp_server, "idle@vendor.example") == [
        "Application to review: Northwind Traders"
    ]

    # The SLA nearly ends; the next run of the sweep reminds the approver.
    Application.objects.filter(pk=application.pk).update(
        due_at=timezone.now() + timedelta(hours=3)
    )
    assert SWEEP not in sweeps.enqueue_due_sweeps(now=start + timedelta(minutes=5))
    assert len(smtp_server.to("idle@vendor.example")) == 1  # not before its period
    assert SWEEP in sweeps.enqueue_due_sweeps(now=start + timedelta(minutes=15))
    reminder = smtp_server.to("idle@vendor.example")[-1]
    assert reminder["Subject"] == "Due soon: the application of Northwind Traders"
    assert "The step Channel manager is due on" in body_text(reminder)
    assert "https://prm.example/console/applications/" in body_text(reminder)
    application.refresh_from_db()
    assert application.reminded_at is not None
    assert application.escalation_level == 0

    # A later run before the deadline does not remind again.
    assert SWEEP in sweeps.enqueue_due_sweeps(now=start + timedelta(minutes=30))
    assert len(smtp_server.to("idle@vendor.example")) == 2

    # The SLA passes: the next run escalates to the step's escalation queue.
    Application.objects.filter(pk=application.pk).update(
        due_at=timezone.now() - timedelta(minutes=1)
    )
    assert SWEEP in sweeps.enqueue_due_sweeps(now=start + timedelta(minutes=45))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW
    assert application.escalation_level == 1
    assert application.queue == heads
    assert application.assignee is None
    assert application.due_at > timezone.now()  # the SLA restarts
    [escalated] = smtp_server.to("head@vendor.example")
    assert (
        escalated["Subject"] == "Escalated to you: the application of Northwind Traders"
    )
    assert "https://prm.example/console/applications/" in body_text(escalated)
    assert len(smtp_server.to("idle@vendor.example")) == 2
