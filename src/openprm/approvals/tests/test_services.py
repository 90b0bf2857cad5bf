"""The approval engine through a subject's life: a chain chosen by rules, approve
step by step, reject with a reason, ask for information and resume, the SLA sweep,
delegation, and two approvers racing for one step."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.approvals import services
from openprm.approvals.choices import ActionKind, RequestStatus
from openprm.approvals.models import Request
from openprm.approvals.rules import Facts
from openprm.approvals.selectors import RequestFilters, request_queue
from openprm.approvals.tests import subject
from openprm.approvals.tests.factories import ChainStepFactory, QueueFactory
from openprm.core import sweeps
from openprm.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def manager(**kwargs):
    return UserFactory(vendor_role="channel_manager", **kwargs)


def start(amount="10000", currency="EUR", object_id="exp-1", **facts):
    return services.request_start(
        kind=subject.KIND,
        object_id=object_id,
        subject_label="Webinar in Berlin",
        facts=Facts(amount=Decimal(amount), currency=currency, **facts),
        partner=PartnerFactory(),
    )


def banded_chain():
    """Every expense goes to the channel manager; from 5,000 EUR finance too."""
    cm, finance_user = manager(), UserFactory(vendor_role="finance")
    finance = QueueFactory(name="Finance", members=[finance_user])
    ChainStepFactory(position=1, name="Channel manager", user=cm)
    ChainStepFactory(
        position=2,
        name="Finance",
        queue=finance,
        currency="EUR",
        min_amount=Decimal("5000"),
    )
    return cm, finance_user


def fresh(request):
    return Request.objects.get(pk=request.pk)


def test_an_amount_above_the_band_gets_the_second_step_and_the_reason_says_why():
    banded_chain()
    request = start("10000")
    assert (request.step_position, request.step_name) == (1, "Channel manager")
    routed = request.actions.get(kind=ActionKind.ROUTED)
    assert "2. Finance (amount from 5,000.00 EUR)" in routed.note


def test_an_amount_below_the_band_or_in_another_currency_has_one_step():
    cm, _finance = banded_chain()
    for number, (amount, currency) in enumerate([("4999.99", "EUR"), ("10000", "USD")]):
        request = start(amount, currency, object_id=f"exp-{number}")
        services.request_approve(request=request, actor=cm)
        assert fresh(request).status == RequestStatus.APPROVED


def test_steps_are_chosen_by_region_and_partner_type():
    emea, partner_desk = manager(), manager()
    ChainStepFactory(position=1, name="EMEA", user=emea, regions=["EMEA"])
    ChainStepFactory(
        position=2, name="Resellers", user=partner_desk, partner_types=["reseller"]
    )
    request = start(region="APAC", partner_types=("reseller",))
    assert (request.step_name, request.assignee) == ("Resellers", partner_desk)


def test_approving_every_step_decides_once_and_tells_the_subject_in_the_transaction(
    django_capture_on_commit_callbacks,
):
    cm, finance_user = banded_chain()
    request = start()
    services.request_approve(request=request, actor=cm, note="Looks fine")
    request = fresh(request)
    assert (request.step_name, request.queue.name, request.assignee) == (
        "Finance",
        "Finance",
        None,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.request_approve(request=request, actor=finance_user)
    request = fresh(request)
    assert request.status == RequestStatus.APPROVED
    assert request.decided_at is not None
    assert subject.told == [
        ("submitted", "exp-1", ""),
        ("step_approved", "exp-1", "Looks fine"),
        ("step_approved", "exp-1", ""),
        ("approved", "exp-1", ""),
    ]
    assert list(request.actions.values_list("kind", "note")) == [
        ("submitted", ""),
        ("routed", request.actions.get(kind="routed").note),
        ("step_approved", "Looks fine"),
        ("step_approved", ""),
        ("approved", "committed"),
    ]
    assert [
        name
        for name in OutboxEvent.objects.order_by("id").values_list("name", flat=True)
        if name.startswith("approval.")
    ] == [
        "approval.submitted",
        "approval.step_approved",
        "approval.step_approved",
        "approval.approved",
    ]
    assert AuditEntry.objects.filter(verb="approval.approved").count() == 1


def test_a_subject_that_refuses_the_decision_rolls_it_back():
    cm = manager()
    ChainStepFactory(position=1, user=cm)
    request = start()
    subject.refuse_decisions.append(True)
    audits = AuditEntry.objects.count()
    with pytest.raises(RuntimeError):
        services.request_approve(request=request, actor=cm)
    request = fresh(request)
    assert request.status == RequestStatus.IN_REVIEW
    assert request.actions.filter(kind=ActionKind.STEP_APPROVED).count() == 0
    assert AuditEntry.objects.count() == audits


def test_reject_needs_a_reason_and_tells_the_subject_with_it():
    cm = manager()
    ChainStepFactory(position=1, user=cm)
    request = start()
    with pytest.raises(ValidationFailed):
        services.request_reject(request=request, actor=cm, reason="  ")
    assert fresh(request).status == RequestStatus.IN_REVIEW
    services.request_reject(request=request, actor=cm, reason="No budget left.")
    request = fresh(request)
    assert (request.status, request.decision_reason) == ("rejected", "No budget left.")
    assert subject.told[-1] == ("rejected", "exp-1", "No budget left.")
    assert request.actions.last().note == "No budget left."


def test_someone_not_assigned_cannot_act_and_nothing_changes():
    cm = manager()
    ChainStepFactory(position=1, user=cm)
    request = start()
    stranger = manager()
    audits, outbox = AuditEntry.objects.count(), OutboxEvent.objects.count()
    for action in (
        lambda: services.request_approve(request=request, actor=stranger),
        lambda: services.request_reject(request=request, actor=stranger, reason="No"),
        lambda: services.request_ask_info(
            request=request, actor=stranger, question="Why?"
        ),
    ):
        with pytest.raises(PermissionDenied):
            action()
    assert fresh(request).status == RequestStatus.IN_REVIEW
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == (
        audits,
        outbox,
    )


def test_a_queue_by_vendor_role_lets_anyone_with_the_role_act_and_see_it():
    finance = QueueFactory(name="Finance", vendor_role="finance")
    ChainStepFactory(position=1, queue=finance)
    request = start()
    accountant = UserFactory(vendor_role="finance")
    assert list(request_queue(user=accountant, filters=RequestFilters())) == [request]
    assert list(request_queue(user=manager(), filters=RequestFilters())) == []
    services.request_approve(request=request, actor=accountant)
    assert fresh(request).status == RequestStatus.APPROVED


def test_asking_for_information_stops_the_clock_and_the_answer_resumes_the_step():
    cm, finance_user = banded_chain()
    request = start()
    services.request_approve(request=request, actor=cm)
    request = fresh(request)
    services.request_ask_info(request=request, actor=finance_user, question="Agenda?")
    request = fresh(request)
    assert (request.status, request.due_at, request.info_round) == (
        "info_requested",
        None,
        1,
    )
    later = timezone.now() + timedelta(days=30)
    assert services.requests_sweep(now=later, kinds=(subject.KIND,)) == {
        "reminded": 0,
        "escalated": 0,
    }
    services.request_answer_info(request=request, answer="Attached.")
    request = fresh(request)
    assert (request.status, request.step_name) == ("in_review", "Finance")
    assert request.due_at > timezone.now()
    assert subject.told[-1] == ("info_answered", "exp-1", "Attached.")
    with pytest.raises(InvalidTransition):
        services.request_answer_info(request=request, answer="again")


def test_two_approvers_acting_on_the_same_step_do_not_both_advance_it():
    queue_member_a, queue_member_b = manager(), manager()
    team = QueueFactory(members=[queue_member_a, queue_member_b])
    ChainStepFactory(position=1, queue=team)
    ChainStepFactory(position=2, queue=team)
    ChainStepFactory(position=3, queue=team)
    request = start()
    # Both opened the request at step 1; the first to act wins.
    seen_by_a, seen_by_b = fresh(request), fresh(request)
    services.request_approve(request=seen_by_a, actor=queue_member_a)
    with pytest.raises(InvalidTransition):
        services.request_approve(request=seen_by_b, actor=queue_member_b)
    request = fresh(request)
    assert request.step_position == 2
    assert request.actions.filter(kind=ActionKind.STEP_APPROVED).count() == 1


def test_the_sweep_reminds_before_the_sla_ends_then_escalates(
    settings, django_capture_on_commit_callbacks
):
    settings.OPENPRM_APPROVAL_REMINDER_HOURS = 24
    cm, head = manager(email="cm@vendor.example"), manager(email="head@vendor.example")
    heads = QueueFactory(name="Heads", members=[head])
    ChainStepFactory(position=1, user=cm, escalate_to_queue=heads)
    request = start()
    due = request.due_at
    assert services.requests_sweep(now=due - timedelta(hours=48)) == {
        "reminded": 0,
        "escalated": 0,
    }
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requests_sweep(now=due - timedelta(hours=2))["reminded"] == 1
    assert services.requests_sweep(now=due - timedelta(hours=1))["reminded"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requests_sweep(now=due + timedelta(minutes=1)) == {
            "reminded": 0,
            "escalated": 1,
        }
    request = fresh(request)
    assert (request.queue, request.assignee, request.escalation_level) == (
        heads,
        None,
        1,
    )
    assert request.due_at > due
    subjects_sent = [(m.to, m.subject) for m in mail.outbox]
    assert (["cm@vendor.example"], "Due soon: Expense Webinar in Berlin") in (
        subjects_sent
    )
    assert (["head@vendor.example"], "Escalated to you: Expense Webinar in Berlin") in (
        subjects_sent
    )
    assert OutboxEvent.objects.filter(name="approval.escalated").count() == 1


def test_the_sweep_is_registered_for_the_worker():
    names = [sweep.name for sweep in sweeps.registered()]
    assert "openprm.approvals.tasks.approvals_sla_sweep" in names


# --- delegation


def test_a_delegate_acts_while_the_approver_is_away_and_history_says_for_whom():
    away, stand_in = manager(email="away@vendor.example"), manager()
    ChainStepFactory(position=1, user=away)
    request = start()
    today = timezone.localdate()
    services.delegation_create(
        actor=away,
        user=away,
        delegate=stand_in,
        starts_on=today,
        ends_on=today + timedelta(days=5),
    )
    assert list(request_queue(user=stand_in, filters=RequestFilters())) == [request]
    services.request_approve(request=request, actor=stand_in)
    request = fresh(request)
    step = request.actions.get(kind=ActionKind.STEP_APPROVED)
    assert (step.actor, step.on_behalf_of) == (stand_in, away)


def test_a_delegation_outside_its_dates_gives_nothing():
    away, stand_in = manager(), manager()
    ChainStepFactory(position=1, user=away)
    request = start()
    tomorrow = timezone.localdate() + timedelta(days=1)
    services.delegation_create(
        actor=away,
        user=away,
        delegate=stand_in,
        starts_on=tomorrow,
        ends_on=tomorrow + timedelta(days=2),
    )
    assert list(request_queue(user=stand_in, filters=RequestFilters())) == []
    with pytest.raises(PermissionDenied):
        services.request_approve(request=request, actor=stand_in)


def test_a_delegation_is_checked_and_only_a_vendor_admin_records_someone_elses():
    away, stand_in = manager(), manager()
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as caught:
        services.delegation_create(
            actor=away,
            user=away,
            delegate=away,
            starts_on=today,
            ends_on=today - timedelta(days=1),
        )
    assert set(caught.value.field_errors) == {"delegate", "ends_on"}
    with pytest.raises(PermissionDenied):
        services.delegation_create(
            actor=stand_in, user=away, delegate=stand_in, starts_on=today, ends_on=today
        )
    delegation = services.delegation_create(
        actor=VendorUserFactory(),
        user=away,
        delegate=stand_in,
        starts_on=today,
        ends_on=today,
    )
    assert AuditEntry.objects.filter(verb="approval_delegation.created").count() == 1
    services.delegation_end(actor=away, delegation=delegation)
    assert not type(delegation).objects.filter(pk=delegation.pk).exists()


def test_a_delegate_of_a_queue_member_acts_for_them():
    member, stand_in = manager(email="member@vendor.example"), manager()
    ChainStepFactory(position=1, queue=QueueFactory(members=[member]))
    request = start()
    today = timezone.localdate()
    services.delegation_create(
        actor=member, user=member, delegate=stand_in, starts_on=today, ends_on=today
    )
    services.request_approve(request=request, actor=stand_in)
    step = fresh(request).actions.get(kind=ActionKind.STEP_APPROVED)
    assert step.on_behalf_of == member
