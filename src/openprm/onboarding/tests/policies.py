"""Access policies of onboarding.

The application form, its confirmation, the applicant's answer page and the public
submit endpoint are open to anyone. Applications are seen by vendor admins and
channel managers (other vendor staff only when assigned: 404 otherwise) and acted on
by the step's approver, its queue's members or a vendor admin (the harness's channel
manager is not assigned: 403). Routing rules, queues, chains and questions are
configured by vendor admins; channel managers may read rules, queues and chains in
the API.
"""

from openprm.onboarding import permissions, services, spam
from openprm.onboarding.tests.factories import (
    ApplicationQuestionFactory,
    ApprovalQueueFactory,
    ApprovalStepFactory,
    ChannelManagerFactory,
    RoutingRuleFactory,
    application_data,
    submit,
)
from openprm.programs.tests.factories import ProgrammeFactory
from openprm.testing.authz import (
    ALLOW,
    FORBID,
    HIDE,
    LOGIN,
    SIGNED_OUT_ACTORS,
    VENDOR_ACTORS,
    Policy,
    public,
    vendor,
)

ADMIN = vendor(rule=permissions.CONFIGURE)
STAFF = vendor(rule=permissions.READ)
READERS = vendor(rule=permissions.READ_CONFIG)


def application_seen(acting: bool):
    """An application assigned to none of the harness's users: those who act on any
    (vendor admins) act; those who see every one (the channel manager) see it,
    403 when acting; other vendor staff do not see it (404); partner users 403."""

    def expect(actor: str):
        if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
            return LOGIN
        if actor not in VENDOR_ACTORS:
            return FORBID
        role = VENDOR_ACTORS[actor]
        if acting and role in permissions.DECIDE_ANY.vendor:
            return ALLOW
        if role in permissions.REVIEW_ALL.vendor:
            return FORBID if acting else ALLOW
        return HIDE

    return expect


def programme(world):
    return ProgrammeFactory()


def open_programme(world):
    """A programme to apply to, with the client's rate limit counter reset (the
    matrix submits once per actor from one address)."""
    spam.reset_rate_limit("127.0.0.1")
    return ProgrammeFactory()


def application(world):
    RoutingRuleFactory(user=ChannelManagerFactory())
    return submit()


def waiting_application(world):
    item = application(world)
    services.application_request_info(
        application=item, actor=item.assignee, question="More?"
    )
    item.refresh_from_db()
    return item


def rule(world):
    return RoutingRuleFactory()


def queue(world):
    return ApprovalQueueFactory()


def step(world):
    return ApprovalStepFactory()


def question(world):
    return ApplicationQuestionFactory()


def application_kwargs(obj):
    return {"public_id": obj.public_id}


def api_application(obj):
    return {"application_id": obj.public_id}


def chain_kwargs(obj):
    return {"public_id": obj.public_id}


APPLICATIONS = "api:{method} /api/v1/applications"
RULES = "api:{method} /api/v1/application-routing-rules"
STEPS = "api:{method} /api/v1/programmes/{{programme_id}}/approval-steps"
STEP = "api:{method} /api/v1/approval-steps/{{step_id}}"

POLICIES = [
    # Public pages.
    Policy(
        "web:public:apply", public(), make=programme, kwargs=lambda p: {"key": p.slug}
    ),
    Policy(
        "web:public:apply_done",
        public(),
        make=programme,
        kwargs=lambda p: {"key": str(p.public_id)},
    ),
    Policy(
        "web:public:application_answer",
        public(),
        make=waiting_application,
        kwargs=lambda a: {"token": services.info_token(a)},
    ),
    # Console: the review queue and applications.
    Policy("web:console:application_queue", STAFF),
    Policy(
        "web:console:application_detail",
        application_seen(acting=False),
        make=application,
        kwargs=application_kwargs,
    ),
    Policy(
        "web:console:application_approve",
        application_seen(acting=True),
        method="POST",
        make=application,
        kwargs=application_kwargs,
        data=lambda obj: {"note": "Fine"},
    ),
    Policy(
        "web:console:application_reject",
        application_seen(acting=True),
        method="POST",
        make=application,
        kwargs=application_kwargs,
        data=lambda obj: {"reason": "Not a fit"},
    ),
    Policy(
        "web:console:application_request_info",
        application_seen(acting=True),
        method="POST",
        make=application,
        kwargs=application_kwargs,
        data=lambda obj: {"question": "Your VAT number?"},
    ),
    # Console: configuration.
    Policy(
        "web:console:application_routing",
        ADMIN,
        method="POST",
        make=queue,
        data=lambda q: {"name": "EMEA", "position": "1", "queue": q.pk},
    ),
    Policy(
        "web:console:application_routing_edit",
        ADMIN,
        method="POST",
        make=rule,
        kwargs=lambda r: {"rule_id": r.pk},
        data=lambda r: {"name": "Renamed", "position": "3", "user": r.user_id},
    ),
    Policy(
        "web:console:application_routing_delete",
        ADMIN,
        method="POST",
        make=rule,
        kwargs=lambda r: {"rule_id": r.pk},
        data=lambda r: {},
    ),
    Policy(
        "web:console:application_queues",
        ADMIN,
        method="POST",
        data=lambda obj: {"name": "Legal"},
    ),
    Policy(
        "web:console:application_queue_edit",
        ADMIN,
        make=queue,
        kwargs=lambda q: {"queue_id": q.pk},
    ),
    Policy("web:console:application_chains", ADMIN),
    Policy(
        "web:console:application_chain",
        ADMIN,
        method="POST",
        make=programme,
        kwargs=chain_kwargs,
        data=lambda p: {
            "form": "step",
            "position": "1",
            "name": "Legal",
            "sla_business_days": "2",
        },
    ),
    Policy(
        "web:console:application_chain_step_edit",
        ADMIN,
        method="POST",
        make=step,
        kwargs=lambda s: {"public_id": s.programme.public_id, "step_id": s.pk},
        data=lambda s: {"position": "4", "name": "Legal", "sla_business_days": "5"},
    ),
    Policy(
        "web:console:application_chain_step_delete",
        ADMIN,
        method="POST",
        make=step,
        kwargs=lambda s: {"public_id": s.programme.public_id, "step_id": s.pk},
        data=lambda s: {},
    ),
    Policy(
        "web:console:application_chain_question_delete",
        ADMIN,
        method="POST",
        make=question,
        kwargs=lambda q: {"public_id": q.programme.public_id, "question_id": q.pk},
        data=lambda q: {},
    ),
    Policy("web:public:apply_index", public(), make=programme),
    Policy(APPLICATIONS.format(method="GET") + "/programmes", public(), make=programme),
    # API: the public form and its submit endpoint.
    Policy(
        APPLICATIONS.format(method="GET") + "/apply/{programme}",
        public(),
        make=programme,
        kwargs=lambda p: {"programme": p.slug},
    ),
    Policy(
        APPLICATIONS.format(method="POST") + "/apply/{programme}",
        public(),
        make=open_programme,
        kwargs=lambda p: {"programme": p.slug},
        data=lambda p: application_data(),
    ),
    # API: applications.
    Policy(APPLICATIONS.format(method="GET"), STAFF, make=application),
    Policy(
        APPLICATIONS.format(method="GET") + "/{application_id}",
        application_seen(acting=False),
        make=application,
        kwargs=api_application,
    ),
    Policy(
        APPLICATIONS.format(method="POST") + "/{application_id}/approve",
        application_seen(acting=True),
        make=application,
        kwargs=api_application,
        data=lambda obj: {"note": "Fine"},
    ),
    Policy(
        APPLICATIONS.format(method="POST") + "/{application_id}/reject",
        application_seen(acting=True),
        make=application,
        kwargs=api_application,
        data=lambda obj: {"reason": "Not a fit"},
    ),
    Policy(
        APPLICATIONS.format(method="POST") + "/{application_id}/request-info",
        application_seen(acting=True),
        make=application,
        kwargs=api_application,
        data=lambda obj: {"question": "Your VAT number?"},
    ),
    # API: routing rules and chains.
    Policy(RULES.format(method="GET"), READERS, make=rule),
    Policy(
        RULES.format(method="POST"),
        ADMIN,
        make=queue,
        data=lambda q: {"name": "EMEA", "regions": ["EMEA"], "queue": q.pk},
    ),
    Policy(
        RULES.format(method="PATCH") + "/{rule_id}",
        ADMIN,
        make=rule,
        kwargs=lambda r: {"rule_id": r.pk},
        data=lambda r: {"name": "Renamed"},
    ),
    Policy(
        RULES.format(method="DELETE") + "/{rule_id}",
        ADMIN,
        make=rule,
        kwargs=lambda r: {"rule_id": r.pk},
    ),
    Policy("api:GET /api/v1/approval-queues", READERS, make=queue),
    Policy(
        STEPS.format(method="GET"),
        READERS,
        make=step,
        kwargs=lambda s: {"programme_id": s.programme.public_id},
    ),
    Policy(
        STEPS.format(method="POST"),
        ADMIN,
        make=programme,
        kwargs=lambda p: {"programme_id": p.public_id},
        data=lambda p: {"position": 1, "name": "Legal", "sla_business_days": 3},
    ),
    Policy(
        STEP.format(method="PATCH"),
        ADMIN,
        make=step,
        kwargs=lambda s: {"step_id": s.pk},
        data=lambda s: {"sla_business_days": 5},
    ),
    Policy(
        STEP.format(method="DELETE"),
        ADMIN,
        make=step,
        kwargs=lambda s: {"step_id": s.pk},
    ),
]
