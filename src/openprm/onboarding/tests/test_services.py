"""Applications through their life: submit, route, approve in steps, reject, ask
for more information, and the SLA sweep."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.core import sweeps
from openprm.core.errors import NotFound, PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.onboarding import services
from openprm.onboarding.choices import ActionKind, ApplicationStatus
from openprm.onboarding.models import Application
from openprm.onboarding.tests.factories import (
    ApplicationQuestionFactory,
    ApprovalQueueFactory,
    ApprovalStepFactory,
    ChannelManagerFactory,
    RoutingRuleFactory,
    application_data,
    submit,
)
from openprm.partners.choices import PartnerStatus
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import ProgrammeFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.models import Invitation
from openprm.tenancy.tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db


def event_names():
    return list(OutboxEvent.objects.order_by("id").values_list("name", flat=True))


def test_submit_routes_by_rule_and_records_the_reason():
    manager = ChannelManagerFactory(email="emea@vendor.example")
    RoutingRuleFactory(name="APAC", regions=["APAC"], position=1)
    rule = RoutingRuleFactory(name="EMEA", regions=["EMEA"], position=2, user=manager)
    application = submit()
    assert application.routing_rule == rule
    assert application.assignee == manager
    assert "Rule “EMEA” matched (region EMEA)" in application.routing_reason
    assert application.status == ApplicationStatus.IN_REVIEW
    assert application.website == "northwind.example"


def test_submit_without_a_matching_rule_goes_to_the_fallback_queue():
    RoutingRuleFactory(regions=["APAC"])
    fallback = ApprovalQueueFactory(name="Triage", is_fallback=True)
    application = submit()
    assert (application.routing_rule, application.queue) == (None, fallback)
    assert "fallback queue Triage" in application.routing_reason


def test_submit_emits_events_with_the_campaign_token_and_confirms_by_email(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(campaign_token="tok-123")
    assert event_names() == ["application.submitted", "application.routed"]
    submitted = OutboxEvent.objects.get(name="application.submitted")
    assert submitted.payload["campaign_token"] == "tok-123"
    confirmation = [m for m in mail.outbox if m.to == ["nora@northwind.example"]]
    assert len(confirmation) == 1
    assert "We received your application" in confirmation[0].subject


def test_submit_refuses_bad_input_and_writes_nothing():
    programme = ProgrammeFactory()
    ApplicationQuestionFactory(programme=programme, key="staff", kind="number")
    with pytest.raises(ValidationFailed) as caught:
        submit(
            programme,
            company="",
            contact_email="not-an-email",
            country="Germany",
            partner_types=["distributor"],
            answers={"staff": "many"},
        )
    assert set(caught.value.field_errors) == {
        "company",
        "contact_email",
        "country",
        "partner_types",
        "answers.staff",
    }
    assert Application.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    assert OutboxEvent.objects.count() == 0


def test_submit_to_an_inactive_programme_is_not_found():
    with pytest.raises(NotFound):
        submit(ProgrammeFactory(is_active=False))


def test_duplicates_are_recorded_with_their_reasons():
    PartnerFactory(name="Northwind Traders GmbH", status=PartnerStatus.ACTIVE)
    PartnerFactory(name="Unrelated Ltd")
    application = submit()
    assert [item["name"] for item in application.duplicates] == [
        "Northwind Traders GmbH"
    ]
    assert "Same name" in application.duplicates[0]["reasons"][0]
    # An active partner is a duplicate to look at, not a prospect to attach to.
    assert application.partner is None


def test_an_application_from_a_known_prospect_attaches_to_it():
    prospect = PartnerFactory(
        name="NW Trading",
        status=PartnerStatus.PROSPECT,
        website="https://northwind.example",
    )
    partners = Partner.objects.count()
    application = submit()
    assert application.partner == prospect
    assert Partner.objects.count() == partners
    assert "Same website domain" in application.duplicates[0]["reasons"][0]


def two_step_programme():
    programme = ProgrammeFactory()
    manager = ChannelManagerFactory()
    legal_user = UserFactory(vendor_role="analyst", email="legal@vendor.example")
    legal = ApprovalQueueFactory(name="Legal", members=[legal_user])
    RoutingRuleFactory(user=manager)
    ApprovalStepFactory(programme=programme, position=1, name="Channel manager")
    ApprovalStepFactory(programme=programme, position=2, name="Legal", queue=legal)
    return programme, manager, legal_user


def test_approval_goes_through_the_chain_then_creates_the_partner_and_invites(
    django_capture_on_commit_callbacks,
):
    programme, manager, legal_user = two_step_programme()
    application = submit(programme)
    assert (application.step_position, application.assignee) == (1, manager)
    services.application_approve_step(application=application, actor=manager)
    application.refresh_from_db()
    assert application.step_name == "Legal"
    assert application.queue.name == "Legal"
    assert application.assignee is None
    with django_capture_on_commit_callbacks(execute=True):
        services.application_approve_step(
            application=application, actor=legal_user, base_url="http://prm.test/"
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    partner = application.partner
    assert (partner.name, partner.status) == ("Northwind Traders", "onboarding")
    assert partner.domains.get().domain == "northwind.example"
    invitation = Invitation.objects.get(partner=partner)
    assert invitation.email == "nora@northwind.example"
    assert invitation.roles == [PartnerRole.PARTNER_ADMIN]
    assert application.invitation == invitation
    assert any("http://prm.test/" in m.body for m in mail.outbox)
    assert [name for name in event_names() if name.startswith("application.")] == [
        "application.submitted",
        "application.routed",
        "application.step_approved",
        "application.step_approved",
        "application.approved",
    ]
    assert list(application.actions.values_list("kind", flat=True)) == [
        ActionKind.SUBMITTED,
        ActionKind.ROUTED,
        ActionKind.STEP_APPROVED,
        ActionKind.STEP_APPROVED,
        ActionKind.APPROVED,
    ]


def test_approving_an_attached_prospect_moves_it_to_onboarding():
    prospect = PartnerFactory(name="Northwind Traders", status=PartnerStatus.PROSPECT)
    manager = ChannelManagerFactory()
    RoutingRuleFactory(user=manager)
    application = submit()
    services.application_approve_step(application=application, actor=manager)
    prospect.refresh_from_db()
    assert prospect.status == PartnerStatus.ONBOARDING
    assert Partner.objects.count() == 1
    changed = OutboxEvent.objects.get(name="partner.status_changed")
    assert (changed.payload["from"], changed.payload["to"]) == (
        "prospect",
        "onboarding",
    )


def test_someone_not_assigned_cannot_act_and_nothing_changes():
    programme, _manager, legal_user = two_step_programme()
    application = submit(programme)
    other_manager = ChannelManagerFactory()
    audits, outbox = AuditEntry.objects.count(), OutboxEvent.objects.count()
    for action in (
        lambda: services.application_approve_step(
            application=application, actor=other_manager
        ),
        lambda: services.application_reject(
            application=application, actor=legal_user, reason="No"
        ),
        lambda: services.application_request_info(
            application=application, actor=other_manager, question="Why?"
        ),
    ):
        with pytest.raises(PermissionDenied):
            action()
    application.refresh_from_db()
    assert (application.status, application.step_position) == ("in_review", 1)
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == (
        audits,
        outbox,
    )


def test_a_vendor_admin_may_act_on_any_step():
    programme, _manager, _legal_user = two_step_programme()
    application = submit(programme)
    services.application_approve_step(
        application=application, actor=VendorUserFactory()
    )
    application.refresh_from_db()
    assert application.step_position == 2


def test_reject_emails_the_reason_to_the_applicant(django_capture_on_commit_callbacks):
    manager = ChannelManagerFactory()
    RoutingRuleFactory(user=manager)
    application = submit()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(
            application=application, actor=manager, reason="Outside our territory."
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.decision_reason == "Outside our territory."
    to_applicant = [m for m in mail.outbox if m.to == ["nora@northwind.example"]]
    assert len(to_applicant) == 1
    assert "Outside our territory." in to_applicant[0].body
    assert OutboxEvent.objects.filter(name="application.rejected").count() == 1


def test_reject_needs_a_reason():
    manager = ChannelManagerFactory()
    RoutingRuleFactory(user=manager)
    application = submit()
    with pytest.raises(ValidationFailed):
        services.application_reject(application=application, actor=manager, reason=" ")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW


def test_a_decided_application_cannot_be_acted_on_again():
    manager = ChannelManagerFactory()
    RoutingRuleFactory(user=manager)
    application = submit()
    services.application_reject(application=application, actor=manager, reason="No")
    application.refresh_from_db()
    with pytest.raises(services.InvalidTransition):
        services.application_approve_step(application=application, actor=manager)


def test_request_info_and_the_answer_return_the_application_to_the_same_step(
    django_capture_on_commit_callbacks,
):
    programme, manager, legal_user = two_step_programme()
    application = submit(programme)
    services.application_approve_step(application=application, actor=manager)
    application.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_request_info(
            application=application, actor=legal_user, question="Your VAT number?"
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INFO_REQUESTED
    assert application.due_at is None
    [email] = [m for m in mail.outbox if m.to == ["nora@northwind.example"]]
    assert "Your VAT number?" in email.body
    token = re.search(r"/apply/answer/([^/\s]+)/", email.body).group(1)
    services.application_answer_info(token=token, answer="DE123456789")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW
    assert (application.step_position, application.queue.name) == (2, "Legal")
    assert application.due_at is not None
    assert application.actions.last().note == "DE123456789"
    # The link works once.
    with pytest.raises(NotFound):
        services.application_answer_info(token=token, answer="again")


def test_a_forged_answer_link_is_not_found():
    with pytest.raises(NotFound):
        services.application_for_info_token("forged:token")


# --- the SLA sweep


def sla_setup():
    programme = ProgrammeFactory()
    manager = ChannelManagerFactory()
    boss = UserFactory(vendor_role="vendor_admin", email="boss@vendor.example")
    RoutingRuleFactory(user=manager)
    ApprovalStepFactory(
        programme=programme,
        position=1,
        name="Channel manager",
        sla_business_days=2,
        escalate_to_user=boss,
    )
    return programme, manager, boss


def test_the_sweep_reminds_before_the_sla_ends_and_escalates_after(
    django_capture_on_commit_callbacks, settings
):
    settings.OPENPRM_APPLICATION_REMINDER_HOURS = 24
    programme, manager, boss = sla_setup()
    application = submit(programme)
    due = application.due_at
    # Well before the reminder window: nothing.
    assert services.applications_sweep(now=due - timedelta(hours=48)) == {
        "reminded": 0,
        "escalated": 0,
    }
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.applications_sweep(now=due - timedelta(hours=2))
    assert counts == {"reminded": 1, "escalated": 0}
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert "Due soon" in mail.outbox[0].subject
    # A second run in the window does not remind again.
    assert services.applications_sweep(now=due - timedelta(hours=1))["reminded"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.applications_sweep(now=due + timedelta(minutes=1))
    assert counts == {"reminded": 0, "escalated": 1}
    application.refresh_from_db()
    assert (application.assignee, application.escalation_level) == (boss, 1)
    assert application.due_at > due
    escalated = OutboxEvent.objects.get(name="application.escalated")
    assert escalated.payload["level"] == 1
    assert application.actions.last().kind == ActionKind.ESCALATED
    assert "Escalated to you" in mail.outbox[-1].subject
    assert mail.outbox[-1].to == [boss.email]


def test_without_a_further_level_an_overdue_step_is_reminded_once(settings):
    settings.OPENPRM_APPLICATION_ESCALATION_QUEUE = ""
    manager = ChannelManagerFactory()
    RoutingRuleFactory(user=manager)
    application = submit()  # no chain: one review step, no escalation target
    later = application.due_at + timedelta(days=1)
    assert services.applications_sweep(now=later) == {"reminded": 1, "escalated": 0}
    assert services.applications_sweep(now=later) == {"reminded": 0, "escalated": 0}


def test_the_escalation_queue_setting_is_the_level_after_the_step_target(settings):
    settings.OPENPRM_APPLICATION_ESCALATION_QUEUE = "Directors"
    directors = ApprovalQueueFactory(name="Directors")
    programme, _manager, _boss = sla_setup()
    application = submit(programme)
    services.applications_sweep(now=application.due_at + timedelta(minutes=1))
    application.refresh_from_db()
    services.applications_sweep(now=application.due_at + timedelta(minutes=1))
    application.refresh_from_db()
    assert (application.queue, application.escalation_level) == (directors, 2)


def test_waiting_for_the_applicant_stops_the_clock():
    programme, manager, _boss = sla_setup()
    application = submit(programme)
    services.application_request_info(
        application=application, actor=manager, question="More?"
    )
    later = timezone.now() + timedelta(days=30)
    assert services.applications_sweep(now=later) == {"reminded": 0, "escalated": 0}


def test_the_sweep_is_registered_for_the_worker():
    names = [sweep.name for sweep in sweeps.registered()]
    assert "openprm.onboarding.tasks.applications_sla_sweep" in names


def test_application_data_is_valid_as_it_is():
    # The factories' data passes the service's checks (guards the other tests).
    assert services._clean_submission(ProgrammeFactory(), application_data())[1] == {}


def test_an_applicant_already_invited_is_not_invited_twice_and_history_says_so():
    prospect = PartnerFactory(name="Northwind Traders", status=PartnerStatus.PROSPECT)
    InvitationFactory(partner=prospect, email="nora@northwind.example")
    manager = ChannelManagerFactory()
    RoutingRuleFactory(user=manager)
    application = submit()
    services.application_approve_step(application=application, actor=manager)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.invitation is None
    assert Invitation.objects.filter(partner=prospect).count() == 1
    assert application.actions.last().note.startswith("No invitation sent")


def test_the_approved_event_starts_the_partners_onboarding_journey(
    django_capture_on_commit_callbacks,
):
    from openprm.journeys.models import Journey

    manager = ChannelManagerFactory()
    RoutingRuleFactory(user=manager)
    application = submit()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_approve_step(application=application, actor=manager)
    application.refresh_from_db()
    journey = Journey.objects.get()
    assert (journey.partner, journey.programme) == (
        application.partner,
        application.programme,
    )
