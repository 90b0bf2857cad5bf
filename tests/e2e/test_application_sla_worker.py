"""Issue 5, done when: an application whose approver never acts is reminded and
escalated by the worker's sweep, with nobody running a command.

The worker calls ``core.sweeps.enqueue_due_sweeps`` every few seconds; that is all
this test calls. The SLA clock is moved by bringing the application's deadline
towards now (the sweep reads the real time), and the sweep's own period by the
``now`` the worker would see a quarter of an hour later. The last test runs the real
``openprm worker`` process against a product database instead. Every email is read
from a real SMTP server."""

import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from openprm.accounts.tests.factories import UserFactory
from openprm.approvals.models import Request
from openprm.core import sweeps
from openprm.onboarding.choices import ApplicationStatus
from openprm.onboarding.tasks import applications_sla_sweep
from openprm.onboarding.tests.factories import (
    ApprovalQueueFactory,
    ApprovalStepFactory,
    RoutingRuleFactory,
    submit,
)
from openprm.programs.tests.factories import ProgrammeFactory
from openprm.testing.smtp import body_text
from tests.e2e.test_serve import product_env, wait_for  # noqa: F401  (a fixture)

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
    Request.objects.filter(pk=application.approval_id).update(
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
    Request.objects.filter(pk=application.approval_id).update(
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


SETUP = """
from datetime import timedelta
from django.utils import timezone
from openprm.accounts.tests.factories import UserFactory
from openprm.approvals.models import Request
from openprm.onboarding.tests.factories import (
    ApprovalQueueFactory, ApprovalStepFactory, RoutingRuleFactory, submit,
)
from openprm.programs.tests.factories import ProgrammeFactory

idle = UserFactory(email="idle@vendor.example", vendor_role="channel_manager")
head = UserFactory(email="head@vendor.example", vendor_role="analyst")
heads = ApprovalQueueFactory(name="Heads of channel", members=[head])
programme = ProgrammeFactory(name="Reseller", eligible_partner_types=["reseller"])
RoutingRuleFactory(name="EMEA", regions=["EMEA"], user=idle)
ApprovalStepFactory(programme=programme, position=1, escalate_to_queue=heads)
application = submit(programme)
# The SLA nearly ends.
Request.objects.filter(pk=application.approval_id).update(
    due_at=timezone.now() + timedelta(hours=3)
)
"""

SLA_PASSES = f"""
from datetime import timedelta
from django.utils import timezone
from openprm.approvals.models import Request
from openprm.core.models import SweepRun

Request.objects.update(due_at=timezone.now() - timedelta(minutes=1))
# A quarter of an hour later the sweep is due again.
SweepRun.objects.filter(name="{SWEEP}").update(next_run_at=timezone.now())
"""


def test_the_real_worker_reminds_and_escalates_on_its_own(
    product_env,  # noqa: F811  (the fixture of test_serve: a migrated product database)
    smtp_server,
):
    env = {
        **product_env,
        "EMAIL_HOST": smtp_server.host,
        "EMAIL_PORT": str(smtp_server.port),
        "SITE_URL": "https://prm.example",
    }

    def shell(script: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "openprm", "shell", "-c", script],
            env=env,
            check=True,
        )

    def arrived(to: str, subject: str):
        return [m for m in smtp_server.to(to) if str(m["Subject"]).startswith(subject)]

    shell(SETUP)
    worker = subprocess.Popen(
        [sys.executable, "-m", "openprm", "worker", "--interval", "0.2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(
            lambda: arrived("idle@vendor.example", "Due soon"),
            timeout=90,
            what="the reminder email",
        )
        assert arrived("idle@vendor.example", "Application to review")
        assert not smtp_server.to("head@vendor.example")

        shell(SLA_PASSES)
        [escalated] = wait_for(
            lambda: arrived("head@vendor.example", "Escalated to you"),
            timeout=90,
            what="the escalation email",
        )
        assert "https://prm.example/console/applications/" in body_text(escalated)
        assert len(arrived("idle@vendor.example", "Due soon")) == 1
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
