"""Access policies of the approval engine.

The approvals page and the API's queue are open to vendor staff, each seeing only
what waits on them (their steps, their queues', whom they stand in for); a request
assigned to none of the harness's users is seen and acted on by vendor admins
only (404 for other vendor staff, 403 for partner users). Absences: vendor staff
record their own (vendor admins anyone's); one of someone else is not found. The
requester's answer is for the request's partner's users (404 for other partners).
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from openprm.accounts.tests.factories import UserFactory
from openprm.approvals import permissions, services
from openprm.approvals.rules import Facts
from openprm.approvals.tests import subject
from openprm.approvals.tests.factories import ChainStepFactory
from openprm.testing.authz import (
    ALLOW,
    FORBID,
    HIDE,
    LOGIN,
    SIGNED_OUT_ACTORS,
    VENDOR_ACTORS,
    Policy,
    gated,
    vendor,
)

STAFF = vendor(rule=permissions.READ)
DELEGATING = vendor(rule=permissions.DELEGATE)


def admins_only(actor: str):
    """A request or an absence that is none of the harness's users': vendor
    admins see and act on it, other vendor staff do not see it, partner users are
    refused."""
    if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
        return LOGIN
    if actor not in VENDOR_ACTORS:
        return FORBID
    return ALLOW if VENDOR_ACTORS[actor] in permissions.DECIDE_ANY.vendor else HIDE


def approval(world):
    approver = UserFactory(vendor_role="channel_manager")
    ChainStepFactory(position=1, user=approver)
    return services.request_start(
        kind=subject.KIND,
        object_id="exp-matrix",
        subject_label="Trade show",
        facts=Facts(amount=Decimal("2500"), currency="EUR"),
        partner=world.owner,
    )


def waiting_approval(world):
    request = approval(world)
    return services.request_ask_info(
        request=request, actor=request.assignee, question="Which booth?"
    )


def colleague(world):
    return UserFactory(vendor_role="channel_manager")


def delegation(world):
    away, stand_in = colleague(world), colleague(world)
    today = timezone.localdate()
    return services.delegation_create(
        actor=away,
        user=away,
        delegate=stand_in,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=3),
    )


def web_kwargs(obj):
    return {"public_id": obj.public_id}


def api_kwargs(obj):
    return {"approval_id": obj.public_id}


def absence(obj):
    today = timezone.localdate()
    return {
        "delegate": obj.pk,
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=2)).isoformat(),
    }


CONFIGURING = vendor(rule=permissions.CONFIGURE)
CHAIN_STEPS = "api:{method} /api/v1/approval-chain-steps"


def step(world):
    return ChainStepFactory(kind=subject.KIND)


def step_form(obj):
    return {"name": "Finance check", "sla_business_days": "3"}


def step_key(obj):
    return {"step_id": obj.pk}


APPROVALS = "api:{method} /api/v1/approvals"
DELEGATIONS = "api:{method} /api/v1/approval-delegations"

POLICIES = [
    Policy("web:console:approval_queue", STAFF),
    Policy(
        "web:console:approval_detail", admins_only, make=approval, kwargs=web_kwargs
    ),
    Policy(
        "web:console:approval_approve",
        admins_only,
        method="POST",
        make=approval,
        kwargs=web_kwargs,
        data=lambda obj: {"note": "Fine"},
    ),
    Policy(
        "web:console:approval_reject",
        admins_only,
        method="POST",
        make=approval,
        kwargs=web_kwargs,
        data=lambda obj: {"reason": "Over budget"},
    ),
    Policy(
        "web:console:approval_request_info",
        admins_only,
        method="POST",
        make=approval,
        kwargs=web_kwargs,
        data=lambda obj: {"question": "Which booth?"},
    ),
    Policy(
        "web:console:approval_delegations",
        DELEGATING,
        method="POST",
        make=colleague,
        data=absence,
    ),
    Policy(
        "web:console:approval_delegation_end",
        admins_only,
        method="POST",
        make=delegation,
        kwargs=lambda obj: {"delegation_id": obj.pk},
        data=lambda obj: {},
    ),
    Policy("web:console:approval_chains", CONFIGURING, make=step),
    Policy(
        "web:console:approval_chain_step_new",
        CONFIGURING,
        method="POST",
        kwargs=lambda obj: {"kind": subject.KIND},
        data=step_form,
    ),
    Policy(
        "web:console:approval_chain_step_edit",
        CONFIGURING,
        method="POST",
        make=step,
        kwargs=step_key,
        data=step_form,
    ),
    Policy(
        "web:console:approval_chain_step_move",
        CONFIGURING,
        method="POST",
        make=lambda world: [step(world), step(world)][1],
        kwargs=step_key,
        data=lambda obj: {"direction": "up"},
    ),
    Policy(
        "web:console:approval_chain_step_delete",
        CONFIGURING,
        method="POST",
        make=step,
        kwargs=step_key,
        data=lambda obj: {},
    ),
    Policy(CHAIN_STEPS.format(method="GET"), CONFIGURING, make=step),
    Policy(
        CHAIN_STEPS.format(method="POST"),
        CONFIGURING,
        data=lambda obj: {"kind": subject.KIND, "name": "Legal"},
    ),
    Policy(
        CHAIN_STEPS.format(method="PUT") + "/{step_id}",
        CONFIGURING,
        make=step,
        kwargs=step_key,
        data=lambda obj: {"name": "Legal review"},
    ),
    Policy(
        CHAIN_STEPS.format(method="POST") + "/{step_id}/move",
        CONFIGURING,
        make=lambda world: [step(world), step(world)][1],
        kwargs=step_key,
        data=lambda obj: {"direction": "up"},
    ),
    Policy(
        CHAIN_STEPS.format(method="DELETE") + "/{step_id}",
        CONFIGURING,
        make=step,
        kwargs=step_key,
    ),
    Policy(APPROVALS.format(method="GET"), STAFF, make=approval),
    Policy(
        APPROVALS.format(method="GET") + "/{approval_id}",
        admins_only,
        make=approval,
        kwargs=api_kwargs,
    ),
    Policy(
        APPROVALS.format(method="POST") + "/{approval_id}/approve",
        admins_only,
        make=approval,
        kwargs=api_kwargs,
        data=lambda obj: {"note": "Fine"},
    ),
    Policy(
        APPROVALS.format(method="POST") + "/{approval_id}/reject",
        admins_only,
        make=approval,
        kwargs=api_kwargs,
        data=lambda obj: {"reason": "Over budget"},
    ),
    Policy(
        APPROVALS.format(method="POST") + "/{approval_id}/request-info",
        admins_only,
        make=approval,
        kwargs=api_kwargs,
        data=lambda obj: {"question": "Which booth?"},
    ),
    Policy(
        APPROVALS.format(method="POST") + "/{approval_id}/answer",
        gated(rule=permissions.ANSWER, owner_only=True),
        make=waiting_approval,
        kwargs=api_kwargs,
        data=lambda obj: {"answer": "Hall 4, booth 12"},
    ),
    Policy(DELEGATIONS.format(method="GET"), DELEGATING, make=delegation),
    Policy(
        DELEGATIONS.format(method="POST"),
        DELEGATING,
        make=colleague,
        data=lambda obj: {**absence(obj), "delegate": obj.email},
    ),
    Policy(
        DELEGATIONS.format(method="POST") + "/{delegation_id}/end",
        admins_only,
        make=delegation,
        kwargs=lambda obj: {"delegation_id": obj.pk},
    ),
]
