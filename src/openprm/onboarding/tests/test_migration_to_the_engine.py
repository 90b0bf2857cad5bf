"""Migration 0004 moves existing queues, chains, and each application's approval
state and history onto the approval engine."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("onboarding", "0003_application_consent"), ("approvals", "0001_initial")]
AFTER = [("onboarding", "0004_applications_on_the_approval_engine")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_queues_chains_state_and_history_move_to_the_engine():
    old = migrate(BEFORE)
    try:
        User = old.get_model("accounts", "User")
        Programme = old.get_model("programs", "Programme")
        OldQueue = old.get_model("onboarding", "ApprovalQueue")
        OldStep = old.get_model("onboarding", "ApprovalStep")
        Application = old.get_model("onboarding", "Application")
        OldAction = old.get_model("onboarding", "ApplicationAction")
        legal_user = User.objects.create(email="legal@vendor.example")
        manager = User.objects.create(email="cm@vendor.example")
        legal = OldQueue.objects.create(name="Legal", is_fallback=True)
        legal.members.add(legal_user)
        programme = Programme.objects.create(name="Reseller", slug="reseller")
        OldStep.objects.create(
            programme=programme, position=1, name="Channel manager", user=manager
        )
        OldStep.objects.create(
            programme=programme,
            position=2,
            name="Legal",
            queue=legal,
            sla_business_days=3,
            escalate_to_user=manager,
        )
        due = timezone.now() + timedelta(days=2)
        application = Application.objects.create(
            programme=programme,
            company="Northwind",
            country="DE",
            region="EMEA",
            partner_types=["reseller"],
            contact_name="Nora",
            contact_email="nora@northwind.example",
            status="in_review",
            step_position=2,
            step_name="Legal",
            queue=legal,
            routed_user=manager,
            due_at=due,
            escalation_level=1,
            info_round=2,
        )
        OldAction.objects.create(application=application, kind="submitted")
        OldAction.objects.create(
            application=application, kind="step_approved", actor=manager, note="ok"
        )
    except Exception:
        migrate([("onboarding", "0004_applications_on_the_approval_engine")])
        raise

    new = migrate(AFTER)
    Queue = new.get_model("approvals", "Queue")
    ChainStep = new.get_model("approvals", "ChainStep")
    Request = new.get_model("approvals", "Request")
    Application = new.get_model("onboarding", "Application")
    queue = Queue.objects.get(pk=legal.pk)
    assert (queue.name, queue.is_fallback) == ("Legal", True)
    assert list(queue.members.values_list("email", flat=True)) == [
        "legal@vendor.example"
    ]
    steps = list(
        ChainStep.objects.order_by("position").values_list(
            "kind", "programme_id", "position", "name", "queue_id", "user_id"
        )
    )
    assert steps == [
        (
            "onboarding.application",
            programme.pk,
            1,
            "Channel manager",
            None,
            manager.pk,
        ),
        ("onboarding.application", programme.pk, 2, "Legal", legal.pk, None),
    ]
    request = Request.objects.get()
    assert Application.objects.get().approval_id == request.pk
    assert (
        request.status,
        request.step_position,
        request.queue_id,
        request.routed_user_id,
        request.escalation_level,
        request.info_round,
        request.due_at,
    ) == ("in_review", 2, legal.pk, manager.pk, 1, 2, due)
    assert list(request.actions.order_by("id").values_list("kind", "note")) == [
        ("submitted", ""),
        ("step_approved", "ok"),
    ]
    # New rows after the copied ids get ids of their own.
    assert Queue.objects.create(name="Next").pk > legal.pk
