"""Demo data of onboarding applications: queues, routing rules, the Reseller
programme's two-step approval chain and questions, and applications in every state
(in review at each step, overdue, escalated, waiting for the applicant, approved,
rejected, one attached to a known prospect and one that duplicates a partner).

Everything goes through the services, so each application has its real history,
audit entries and events. Safe to run twice: nothing is added once the demo
applications exist.
"""

from datetime import timedelta

from django.utils import timezone

from openprm.accounts.models import User
from openprm.approvals.models import Request
from openprm.onboarding import services
from openprm.onboarding.config import services as config_services
from openprm.onboarding.models import Application
from openprm.partners.choices import PartnerStatus
from openprm.partners.models import Partner
from openprm.programs.models import Programme

DEMO_BASE_URL = "http://localhost:8000/"

QUESTIONS = [
    {
        "key": "engineers",
        "label": "How many certified engineers do you employ?",
        "kind": "number",
        "is_required": True,
        "position": 1,
    },
    {
        "key": "focus",
        "label": "Which areas do you focus on?",
        "kind": "multi_choice",
        "choices": ["networking", "security", "cloud"],
        "position": 2,
    },
    {
        "key": "competitors",
        "label": "Do you resell competing products?",
        "kind": "boolean",
        "position": 3,
    },
]


def _applicant(company: str, domain: str, country: str, region: str) -> dict:
    return {
        "company": company,
        "website": domain,
        "country": country,
        "region": region,
        "partner_types": ["reseller"],
        "contact_name": f"{company.split()[0]} Contact",
        "contact_email": f"partners@{domain}",
        "answers": {"engineers": "3", "focus": ["security"], "competitors": False},
        "consent": True,
    }


def build_demo_applications(*, actor) -> int:
    """Build the demo; return how many applications it added."""
    if Application.objects.exists():
        return 0
    programme = Programme.objects.filter(slug="reseller").first()
    if programme is None:
        return 0
    manager = User.objects.filter(vendor_role="channel_manager").order_by("pk").first()
    legal = config_services.approval_queue_save(
        actor=actor, name="Legal", members=[actor]
    )
    americas = config_services.approval_queue_save(
        actor=actor, name="Americas partner team", members=[manager, actor]
    )
    config_services.approval_queue_save(
        actor=actor, name="Partner team", members=[actor], is_fallback=True
    )
    config_services.routing_rule_create(
        actor=actor,
        data={"name": "EMEA to the channel manager", "position": 1,
              "regions": ["EMEA"], "user": manager},
    )  # fmt: skip
    config_services.routing_rule_create(
        actor=actor,
        data={"name": "Americas", "position": 2,
              "regions": ["NA", "LATAM"], "queue": americas},
    )  # fmt: skip
    config_services.approval_step_create(
        actor=actor,
        programme=programme,
        data={"position": 1, "name": "Channel manager", "sla_business_days": 2,
              "escalate_to_user": actor},
    )  # fmt: skip
    config_services.approval_step_create(
        actor=actor,
        programme=programme,
        data={"position": 2, "name": "Legal", "queue": legal, "sla_business_days": 3},
    )
    for question in QUESTIONS:
        config_services.question_create(actor=actor, programme=programme, data=question)

    def submit(*args):
        return services.application_submit(programme=programme, data=_applicant(*args))

    made = []
    # In review at the first step, routed by a rule or to the fallback queue.
    made.append(submit("Fjord Networks AS", "fjord-networks.example", "NO", "EMEA"))
    made.append(submit("Pampas Digital", "pampas.example", "AR", "LATAM"))
    made.append(submit("Sakura Systems KK", "sakura-systems.example", "JP", "APAC"))
    # At the second step (legal).
    second = submit("Danube IT GmbH", "danube-it.example", "AT", "EMEA")
    services.application_approve_step(application=second, actor=manager)
    made.append(second)
    # Escalated by the sweep: only this one is past its due date when it runs
    # (sweeping at its due date would escalate every application above too).
    escalated = submit("Iberia Secure SL", "iberia-secure.example", "ES", "EMEA")
    Request.objects.filter(pk=escalated.approval_id).update(
        due_at=timezone.now() - timedelta(minutes=1)
    )
    services.applications_sweep(now=timezone.now())
    made.append(escalated)
    # Overdue (nobody acted for days), still with the channel manager.
    overdue = submit("Baltic Cloud OU", "baltic-cloud.example", "EE", "EMEA")
    Request.objects.filter(pk=overdue.approval_id).update(
        due_at=timezone.now() - timedelta(hours=6)
    )
    made.append(overdue)
    # Waiting for the applicant's answer.
    waiting = submit("Maple Integrators Inc", "maple-int.example", "CA", "NA")
    services.application_request_info(
        application=waiting,
        actor=manager,
        question="Which of your engineers hold a security certification?",
    )
    made.append(waiting)
    # Approved through both steps: a partner in onboarding and an invitation.
    approved = submit("Alpine Data AG", "alpine-data.example", "CH", "EMEA")
    services.application_approve_step(application=approved, actor=manager)
    approved.refresh_from_db()
    services.application_approve_step(
        application=approved, actor=actor, base_url=DEMO_BASE_URL
    )
    made.append(approved)
    # Rejected, with the reason the applicant received.
    rejected = submit("Quick Resell Ltd", "quick-resell.example", "GB", "EMEA")
    services.application_reject(
        application=rejected,
        actor=manager,
        reason="We are not adding resellers in this territory this year.",
    )
    made.append(rejected)
    # From a known prospect (attached to it), and one that duplicates a partner.
    prospect = (
        Partner.objects.filter(status=PartnerStatus.PROSPECT).order_by("pk").first()
    )
    if prospect is not None:
        made.append(
            submit(prospect.name, f"{prospect.public_id.hex[:8]}.example",
                   prospect.country, prospect.region)
        )  # fmt: skip
    active = Partner.objects.filter(status=PartnerStatus.ACTIVE).order_by("pk").first()
    if active is not None:
        made.append(
            submit(f"{active.name} Holdings", "holdings.example",
                   active.country, active.region)
        )  # fmt: skip
    return len(made)
