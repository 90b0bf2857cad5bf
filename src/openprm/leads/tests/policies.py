"""Access policies of leads, routing rules and capacities.

Every vendor role reads leads in its scope (the unassigned channel manager sees
none of the owner's); vendor admins, channel managers and channel marketing manage
leads, rules and capacities. The owner's partner admins and sellers read and work
the leads offered to their organisation; its other roles are refused (403); other
partners, the distributor above included, never see them (404).
"""

import uuid
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openprm.leads import permissions
from openprm.leads.models import LeadAssignment, LeadStatus
from openprm.leads.tests.factories import LeadFactory, RuleFactory
from openprm.programs.tests.policies import staff_scoped
from openprm.testing.authz import Policy, gated, owned, partner_area, vendor

STAFF = vendor(rule=permissions.READ)
ROUTING_STAFF = vendor(rule=permissions.READ_ROUTING)
MANAGE = vendor(rule=permissions.MANAGE)
WORK = gated(rule=permissions.WORK, owner_only=True)
# Lists: partner admins and sellers of any partner read their own (maybe empty).
READ_LIST = gated(rule=permissions.READ)
# A lead manager acting on the owner's lead or the owner itself: the channel
# manager (assigned to nobody) cannot find it; everyone else is refused first.
managed = staff_scoped(*permissions.MANAGE.vendor)
# The owner's lead: vendor staff in scope, the owner's admins and sellers.
readable = owned(rule=permissions.READ, distributor=False)
# Notes: lead managers and the holding partner's admins and sellers.
notes = owned(
    vendor_roles=permissions.MANAGE.vendor,
    partner_roles=permissions.WORK.partner,
    distributor=False,
)
# A console page of the owner's lead: vendor staff in scope; partner users never
# reach the console.
console_lead = staff_scoped(*permissions.READ.vendor)


def new_lead(world):
    return LeadFactory(status=LeadStatus.NEW, current_partner=world.owner)


def offered(world):
    lead = LeadFactory(status=LeadStatus.OFFERED, current_partner=world.owner)
    LeadAssignment.objects.create(
        lead=lead,
        partner=world.owner,
        reasons=["Rule 'Matrix' matches every lead"],
        respond_by=timezone.now() + timedelta(hours=48),
    )
    return lead


def accepted(world):
    return LeadFactory(status=LeadStatus.ACCEPTED, current_partner=world.owner)


def rule(world):
    return RuleFactory()


def web_kwargs(obj):
    return {"public_id": obj.public_id}


def api_kwargs(obj):
    return {"lead_id": obj.public_id}


def rule_kwargs(obj):
    return {"rule_id": obj.public_id}


LEAD_DATA = {"company": "Matrix GmbH", "country": "DE", "region": "EMEA"}


def lead_file(obj) -> dict:
    """A real upload: a CSV file of one lead."""
    return {
        "file": SimpleUploadedFile(
            "leads.csv",
            b"company,country,region\nMatrix Import GmbH,DE,EMEA\n",
            content_type="text/csv",
        )
    }


CONVERT = {
    "title": "Matrix deal",
    "expected_close_date": str(timezone.localdate() + timedelta(days=30)),
    "lines": [{"product_line": "networking", "quantity": 1, "amount": "100"}],
}
RULE_DATA = {"name": "Matrix rule", "strategy": "round_robin"}
LEADS = "api:{method} /api/v1/leads"
RULES = "api:{method} /api/v1/lead-rules"


RULE_FORM = {
    "name": "Matrix rule",
    "order": "3",
    "is_active": "on",
    "strategy": "round_robin",
    "same_country": "on",
    "tier_weight": "1",
    "score_weight": "1",
    "acceptance_weight": "1",
    "win_weight": "1",
}

POLICIES = [
    # Console pages.
    Policy("web:console:lead_list", STAFF, make=offered),
    Policy(
        "web:console:lead_create",
        MANAGE,
        method="POST",
        data=lambda obj: LEAD_DATA,
    ),
    Policy("web:console:lead_import", MANAGE, method="POST", files=lead_file),
    # A waiting lead, so that routing it writes something.
    Policy(
        "web:console:lead_route_waiting",
        MANAGE,
        method="POST",
        make=new_lead,
        data=lambda obj: {},
    ),
    Policy("web:console:lead_detail", console_lead, make=offered, kwargs=web_kwargs),
    Policy(
        "web:console:lead_route",
        managed,
        method="POST",
        make=new_lead,
        kwargs=web_kwargs,
        data=lambda obj: {},
    ),
    Policy(
        "web:console:lead_recall",
        managed,
        method="POST",
        make=offered,
        kwargs=web_kwargs,
        data=lambda obj: {},
    ),
    Policy(
        "web:console:lead_note",
        managed,
        method="POST",
        make=offered,
        kwargs=web_kwargs,
        data=lambda obj: {"text": "Called"},
    ),
    Policy("web:console:lead_rule_list", ROUTING_STAFF, make=rule),
    Policy(
        "web:console:lead_rule_create",
        MANAGE,
        method="POST",
        data=lambda obj: RULE_FORM,
    ),
    Policy(
        "web:console:lead_rule_update",
        MANAGE,
        method="POST",
        make=rule,
        kwargs=web_kwargs,
        data=lambda obj: RULE_FORM,
    ),
    Policy(
        "web:console:lead_rule_delete",
        MANAGE,
        method="POST",
        make=rule,
        kwargs=web_kwargs,
        data=lambda obj: {},
    ),
    Policy("web:console:lead_capacity", ROUTING_STAFF),
    # Portal pages.
    Policy("web:portal:lead_list", partner_area(rule=permissions.WORK), make=offered),
    Policy("web:portal:lead_detail", WORK, make=offered, kwargs=web_kwargs),
    Policy(
        "web:portal:lead_accept",
        WORK,
        method="POST",
        make=offered,
        kwargs=web_kwargs,
        data=lambda obj: {},
    ),
    Policy(
        "web:portal:lead_reject",
        WORK,
        method="POST",
        make=offered,
        kwargs=web_kwargs,
        data=lambda obj: {"reason": "Not for us"},
    ),
    Policy(
        "web:portal:lead_status",
        WORK,
        method="POST",
        make=accepted,
        kwargs=web_kwargs,
        data=lambda obj: {"status": "working"},
    ),
    Policy(
        "web:portal:lead_convert",
        WORK,
        method="POST",
        make=accepted,
        kwargs=web_kwargs,
        data=lambda obj: {
            "title": "Matrix deal",
            "expected_close_date": CONVERT["expected_close_date"],
            "product_line": "networking",
            "quantity": "1",
            "amount": "100",
            "currency": "EUR",
        },
    ),
    Policy(
        "web:portal:lead_note",
        WORK,
        method="POST",
        make=accepted,
        kwargs=web_kwargs,
        data=lambda obj: {"text": "Called"},
    ),
    # API: leads.
    Policy(LEADS.format(method="GET"), READ_LIST, make=offered),
    Policy(LEADS.format(method="POST"), MANAGE, data=lambda obj: LEAD_DATA),
    Policy(
        LEADS.format(method="PUT") + "/by-external-id/{external_id}",
        MANAGE,
        kwargs=lambda obj: {"external_id": f"MATRIX-{uuid.uuid4()}"},
        data=lambda obj: LEAD_DATA,
    ),
    Policy(LEADS.format(method="POST") + "/import", MANAGE, files=lead_file),
    Policy(LEADS.format(method="POST") + "/route-waiting", MANAGE, make=new_lead),
    Policy(
        LEADS.format(method="GET") + "/{lead_id}",
        readable,
        make=offered,
        kwargs=api_kwargs,
    ),
    Policy(
        LEADS.format(method="PATCH") + "/{lead_id}",
        managed,
        make=offered,
        kwargs=api_kwargs,
        data=lambda obj: {"description": "Changed"},
    ),
    Policy(
        LEADS.format(method="POST") + "/{lead_id}/route",
        managed,
        make=new_lead,
        kwargs=api_kwargs,
    ),
    Policy(
        LEADS.format(method="POST") + "/{lead_id}/recall",
        managed,
        make=offered,
        kwargs=api_kwargs,
    ),
    Policy(
        LEADS.format(method="POST") + "/{lead_id}/accept",
        WORK,
        make=offered,
        kwargs=api_kwargs,
    ),
    Policy(
        LEADS.format(method="POST") + "/{lead_id}/reject",
        WORK,
        make=offered,
        kwargs=api_kwargs,
        data=lambda obj: {"reason": "Not for us"},
    ),
    Policy(
        LEADS.format(method="POST") + "/{lead_id}/status",
        WORK,
        make=accepted,
        kwargs=api_kwargs,
        data=lambda obj: {"status": "working"},
    ),
    Policy(
        LEADS.format(method="POST") + "/{lead_id}/notes",
        notes,
        make=accepted,
        kwargs=api_kwargs,
        data=lambda obj: {"text": "Called them"},
    ),
    Policy(
        LEADS.format(method="POST") + "/{lead_id}/convert",
        WORK,
        make=accepted,
        kwargs=api_kwargs,
        data=lambda obj: CONVERT,
    ),
    # API: rules and capacities.
    Policy(RULES.format(method="GET"), ROUTING_STAFF, make=rule),
    Policy(RULES.format(method="POST"), MANAGE, data=lambda obj: RULE_DATA),
    Policy(
        RULES.format(method="GET") + "/{rule_id}",
        ROUTING_STAFF,
        make=rule,
        kwargs=rule_kwargs,
    ),
    Policy(
        RULES.format(method="PATCH") + "/{rule_id}",
        MANAGE,
        make=rule,
        kwargs=rule_kwargs,
        data=lambda obj: {"order": 5},
    ),
    Policy(
        RULES.format(method="DELETE") + "/{rule_id}",
        MANAGE,
        make=rule,
        kwargs=rule_kwargs,
    ),
    Policy("api:GET /api/v1/lead-capacities", ROUTING_STAFF),
    Policy(
        "api:PUT /api/v1/lead-capacities/{partner_id}",
        managed,
        make=lambda world: world.owner,
        kwargs=lambda obj: {"partner_id": obj.pk},
        data=lambda obj: {"max_open_leads": 3},
    ),
]
