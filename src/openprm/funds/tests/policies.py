"""Access policies of funds.

Vendor staff read budgets, requests and claims in their scope; channel marketing
(and admins) set up and allocate budgets and decide requests, claims and
attributions; finance (and admins) approve and record payouts. A partner's
admins and marketers request and claim funds; its finance people read them; the
distributor above reads but does not act; another partner never sees them.
"""

import itertools

from django.utils import timezone

from openprm.funds import permissions, services
from openprm.funds.models import FiscalPeriod
from openprm.funds.tests import factories as f
from openprm.programs.tests.policies import staff_scoped
from openprm.testing.authz import (
    ALLOW,
    FORBID,
    HIDE,
    LOGIN,
    OWNER_ACTORS,
    SIGNED_OUT_ACTORS,
    VENDOR_ACTORS,
    Policy,
    owned,
    partner_area,
    signed_in,
    vendor,
)

REVIEWERS = staff_scoped(*permissions.REVIEW.vendor)
PAYERS = staff_scoped(*permissions.PAYOUT.vendor)


def DECIDERS(actor):
    """Who acts on the step of a request or claim with no chain: the engine lets
    the "Marketing funds" queue (channel marketing) and vendor admins; the
    unassigned channel manager does not see the partner's request (404); other
    staff and partner users 403."""
    if actor == "channel_manager":
        return HIDE
    return REVIEWERS(actor)


READERS = permissions.PARTNER_READ.partner
WORKERS = permissions.WORK.partner
_numbers = itertools.count(1)


def _signed_out(actor) -> bool:
    return actor in (*SIGNED_OUT_ACTORS, "revoked_token")


def partner_read(actor):
    """Portal: the owner's fund people and the distributor above read; another
    partner and the owner's other roles find nothing (404)."""
    if _signed_out(actor):
        return LOGIN
    if actor in VENDOR_ACTORS:
        return FORBID
    if actor in OWNER_ACTORS:
        return ALLOW if OWNER_ACTORS[actor] in READERS else HIDE
    return ALLOW if actor == "distributor_admin" else HIDE


def partner_write(actor):
    """The owner's admins and marketers act; everyone else without the roles
    403 first; the distributor above sees it but may not act; another partner
    404."""
    if _signed_out(actor):
        return LOGIN
    if actor in VENDOR_ACTORS:
        return FORBID
    if actor in OWNER_ACTORS:
        return ALLOW if OWNER_ACTORS[actor] in WORKERS else FORBID
    return FORBID if actor == "distributor_admin" else HIDE


def staff_read(actor):
    """Vendor staff in scope (the unassigned channel manager: 404)."""
    if _signed_out(actor):
        return LOGIN
    if actor == "channel_manager":
        return HIDE
    return ALLOW if actor in VENDOR_ACTORS else FORBID


def api_read(actor):
    """Vendor staff in scope and the owner's fund people, the distributor above;
    404 for everyone else signed in."""
    if _signed_out(actor):
        return LOGIN
    if actor == "channel_manager":
        return HIDE
    if actor in VENDOR_ACTORS:
        return ALLOW
    if actor in OWNER_ACTORS:
        return ALLOW if OWNER_ACTORS[actor] in READERS else HIDE
    return ALLOW if actor == "distributor_admin" else HIDE


# --- objects


def budget(world):
    return f.budget("100000.00")


def submitted(world):
    the_budget = f.budget()
    f.allocate(world.owner, the_budget, "5000.00")
    return f.make_request(partner=world.owner, the_budget=the_budget)


def draft(world):
    return f.make_request(partner=world.owner, submit=False)


def approved(world):
    return f.approved_request(partner=world.owner, amount="1000.00")


def asked(world):
    """A submitted request the vendor asked the partner about."""
    from openprm.accounts.tests.factories import VendorUserFactory
    from openprm.approvals import services as approvals

    request = submitted(world)
    approvals.request_ask_info(
        request=request.approval,
        actor=VendorUserFactory(vendor_role="vendor_admin"),
        question="Which audience?",
    )
    return request


def with_plan(world):
    return f.make_request(partner=world.owner, plan=f.pdf("plan.pdf"))


def claim(world):
    return f.make_claim(approved(world), amount="100.00")


def approved_claim(world):
    item = claim(world)
    return services.claim_review(actor=f.reviewer(), claim=item, approve=True)


def payout_approved(world):
    item = approved_claim(world)
    return services.payout_approve(actor=f.finance(), claim=item)


def proposed_attribution(world):
    from openprm.deals.tests.factories import make_deal

    request = approved(world)
    return services.attribution_propose(
        actor=f.marketer(world.owner),
        request=request,
        deal=make_deal(partner=world.owner),
    )


def fund_and_period(world):
    number = next(_numbers)
    today = timezone.localdate()
    period = FiscalPeriod.objects.create(
        name=f"P{number}",
        fiscal_year=2200 + number,
        quarter=1,
        starts_on=today,
        ends_on=today,
    )
    return f.FundFactory(), period


def request_form(obj):
    today = timezone.localdate().isoformat()
    return {
        "budget": str(obj.pk),
        "activity_type": str(f.activity_type().pk),
        "title": "Matrix webinar",
        "starts_on": today,
        "ends_on": today,
        "expected_leads": "0",
        "expected_revenue": "0",
        "line0_description": "Ads",
        "line0_amount": "100",
    }


def request_json(obj):
    today = timezone.localdate().isoformat()
    return {
        "budget": str(obj.public_id),
        "activity_type": f.activity_type().pk,
        "title": "Matrix webinar",
        "starts_on": today,
        "ends_on": today,
        "lines": [{"description": "Ads", "amount": "100"}],
    }


def claim_files(obj):
    return {"invoices": f.pdf(), "proofs": f.attendees()}


def a_deal_target(obj):
    from openprm.deals.tests.factories import make_deal

    return {"target": f"deal:{make_deal(partner=obj.partner).public_id}"}


def a_deal_json(obj):
    from openprm.deals.tests.factories import make_deal

    return {"deal": str(make_deal(partner=obj.partner).public_id)}


def key(obj):
    return {"public_id": obj.public_id}


def claim_file_key(obj):
    return {"public_id": obj.public_id, "file_id": obj.files.first().public_id}


def request_id(obj):
    return {"request_id": obj.public_id}


def claim_id(obj):
    return {"claim_id": obj.public_id}


API = "api:{} /api/v1/"

POLICIES = [
    # Console.
    Policy("web:console:fund_overview", vendor(rule=permissions.READ)),
    Policy(
        "web:console:fund_year_create",
        vendor(rule=permissions.MANAGE),
        method="POST",
        data=lambda obj: {"fiscal_year": str(2100 - next(_numbers) % 90)},
    ),
    Policy(
        "web:console:fund_create",
        vendor(rule=permissions.MANAGE),
        method="POST",
        data=lambda obj: {
            "name": f"Matrix fund {next(_numbers)}",
            "kind": "mdf",
            "currency": "EUR",
        },
    ),
    Policy(
        "web:console:fund_budget_create",
        vendor(rule=permissions.MANAGE),
        method="POST",
        make=fund_and_period,
        data=lambda obj: {
            "fund": str(obj[0].pk),
            "period": str(obj[1].pk),
            "amount": "1000",
            "carry_over_percent": "0",
        },
    ),
    Policy(
        "web:console:fund_budget",
        vendor(rule=permissions.READ),
        make=budget,
        kwargs=key,
        query="?method=fixed&amount=10",
    ),
    Policy("web:console:fund_requests", vendor(rule=permissions.READ)),
    Policy(
        "web:console:fund_activity_types",
        vendor(rule=permissions.MANAGE),
        method="POST",
        data=lambda obj: {"name": f"Matrix type {next(_numbers)}", "is_active": "on"},
    ),
    Policy(
        "web:console:fund_activity_type_edit",
        vendor(rule=permissions.MANAGE),
        method="POST",
        make=lambda world: f.activity_type(),
        kwargs=lambda obj: {"type_id": obj.pk},
        data=lambda obj: {"name": f"Webinar {next(_numbers)}", "is_active": "on"},
    ),
    Policy("web:console:fund_reports", vendor(rule=permissions.READ), make=claim),
    Policy(
        "web:console:fund_reports_export", vendor(rule=permissions.READ), make=claim
    ),
    Policy(
        "web:console:fund_requests_export", vendor(rule=permissions.READ), make=claim
    ),
    Policy("web:console:fund_request_detail", staff_read, make=submitted, kwargs=key),
    Policy(
        "web:console:fund_request_approve",
        DECIDERS,
        method="POST",
        make=submitted,
        kwargs=key,
        data=lambda obj: {},
    ),
    Policy(
        "web:console:fund_request_reject",
        DECIDERS,
        method="POST",
        make=submitted,
        kwargs=key,
        data=lambda obj: {"reason": "Out of scope"},
    ),
    Policy("web:console:fund_request_plan", staff_read, make=with_plan, kwargs=key),
    Policy("web:console:fund_claim_detail", staff_read, make=claim, kwargs=key),
    Policy(
        "web:console:fund_claim_approve",
        DECIDERS,
        method="POST",
        make=claim,
        kwargs=key,
        data=lambda obj: {},
    ),
    Policy(
        "web:console:fund_claim_reject",
        DECIDERS,
        method="POST",
        make=claim,
        kwargs=key,
        data=lambda obj: {"reason": "No proof"},
    ),
    Policy(
        "web:console:fund_claim_file", staff_read, make=claim, kwargs=claim_file_key
    ),
    Policy("web:console:fund_payouts", vendor(rule=permissions.PAYOUT)),
    Policy("web:console:fund_payouts_csv", vendor(rule=permissions.PAYOUT)),
    Policy(
        "web:console:fund_payout_approve",
        PAYERS,
        method="POST",
        make=approved_claim,
        kwargs=key,
        data=lambda obj: {},
    ),
    Policy(
        "web:console:fund_payout_record",
        PAYERS,
        method="POST",
        make=payout_approved,
        kwargs=key,
        data=lambda obj: {"reference": "TRX-1"},
    ),
    Policy(
        "web:console:fund_attribution_decide",
        REVIEWERS,
        method="POST",
        make=proposed_attribution,
        kwargs=key,
        data=lambda obj: {"decision": "approve"},
    ),
    # Portal.
    Policy("web:portal:funds", partner_area(rule=permissions.PARTNER_READ)),
    Policy("web:portal:fund_history", partner_area(rule=permissions.PARTNER_READ)),
    Policy(
        "web:portal:fund_request_new",
        partner_area(rule=permissions.WORK),
        method="POST",
        make=budget,
        data=request_form,
    ),
    Policy("web:portal:fund_request_detail", partner_read, make=submitted, kwargs=key),
    Policy(
        "web:portal:fund_request_submit",
        partner_write,
        method="POST",
        make=draft,
        kwargs=key,
        data=lambda obj: {},
    ),
    Policy(
        "web:portal:fund_claim_new",
        partner_write,
        method="POST",
        make=approved,
        kwargs=key,
        data=lambda obj: {"amount": "100", "payout_method": "bank_transfer"},
        files=claim_files,
    ),
    Policy(
        "web:portal:fund_request_answer",
        partner_write,
        method="POST",
        make=asked,
        kwargs=key,
        data=lambda obj: {"answer": "IT managers"},
    ),
    Policy(
        "web:portal:fund_request_close",
        partner_write,
        method="POST",
        make=approved,
        kwargs=key,
        data=lambda obj: {},
    ),
    Policy(
        "web:portal:fund_attribution_propose",
        partner_write,
        method="POST",
        make=approved,
        kwargs=key,
        data=a_deal_target,
    ),
    Policy("web:portal:fund_request_plan", partner_read, make=with_plan, kwargs=key),
    Policy(
        "web:portal:fund_claim_file", partner_read, make=claim, kwargs=claim_file_key
    ),
    # API.
    Policy(API.format("GET") + "funds", vendor(rule=permissions.READ)),
    Policy(
        API.format("POST") + "funds",
        vendor(rule=permissions.MANAGE),
        data=lambda obj: {
            "name": f"Matrix fund {next(_numbers)}",
            "kind": "coop",
            "currency": "USD",
        },
    ),
    Policy(API.format("GET") + "fund-periods", vendor(rule=permissions.READ)),
    Policy(
        API.format("POST") + "fund-periods",
        vendor(rule=permissions.MANAGE),
        data=lambda obj: {"fiscal_year": 2100 - next(_numbers) % 90},
    ),
    Policy(API.format("GET") + "fund-activity-types", signed_in()),
    Policy(
        API.format("POST") + "fund-activity-types",
        vendor(rule=permissions.MANAGE),
        data=lambda obj: {"name": f"Matrix activity {next(_numbers)}"},
    ),
    Policy(
        API.format("PUT") + "fund-activity-types/{type_id}",
        vendor(rule=permissions.MANAGE),
        make=lambda world: f.activity_type(),
        kwargs=lambda obj: {"type_id": obj.pk},
        data=lambda obj: {"name": f"Webinar {next(_numbers)}"},
    ),
    Policy(API.format("GET") + "fund-budgets", vendor(rule=permissions.READ)),
    Policy(
        API.format("GET") + "fund-reports", vendor(rule=permissions.READ), make=claim
    ),
    Policy(
        API.format("POST") + "fund-budgets",
        vendor(rule=permissions.MANAGE),
        make=fund_and_period,
        data=lambda obj: {
            "fund": str(obj[0].public_id),
            "period": obj[1].pk,
            "amount": "1000",
        },
    ),
    Policy(
        API.format("POST") + "fund-budgets/{budget_id}/allocation-preview",
        vendor(rule=permissions.MANAGE),
        make=budget,
        kwargs=lambda obj: {"budget_id": obj.public_id},
        data=lambda obj: {"method": "fixed", "amounts": {"amount": "10"}},
        happened=lambda obj: True,  # a preview writes nothing
    ),
    Policy(
        API.format("POST") + "fund-budgets/{budget_id}/allocation-runs",
        vendor(rule=permissions.MANAGE),
        make=budget,
        kwargs=lambda obj: {"budget_id": obj.public_id},
        data=lambda obj: {"method": "fixed", "amounts": {"amount": "10"}},
    ),
    Policy(
        API.format("GET") + "partners/{public_id}/fund-balances",
        owned(vendor_roles=permissions.READ.vendor, partner_roles=READERS),
        make=lambda world: world.owner,
        kwargs=key,
    ),
    Policy(API.format("GET") + "fund-ledger", signed_in(), make=approved),
    Policy(API.format("GET") + "fund-requests", signed_in(), make=submitted),
    Policy(
        API.format("POST") + "fund-requests",
        partner_area(rule=permissions.WORK),
        make=budget,
        data=request_json,
    ),
    Policy(
        API.format("GET") + "fund-requests/review-queue",
        vendor(rule=permissions.REVIEW),
    ),
    Policy(
        API.format("GET") + "fund-requests/{request_id}",
        api_read,
        make=submitted,
        kwargs=request_id,
    ),
    Policy(
        API.format("POST") + "fund-requests/{request_id}/approve",
        DECIDERS,
        make=submitted,
        kwargs=request_id,
    ),
    Policy(
        API.format("POST") + "fund-requests/{request_id}/reject",
        DECIDERS,
        make=submitted,
        kwargs=request_id,
        data=lambda obj: {"reason": "Out of scope"},
    ),
    Policy(
        API.format("POST") + "fund-requests/{request_id}/submit",
        partner_write,
        make=draft,
        kwargs=request_id,
    ),
    Policy(
        API.format("POST") + "fund-requests/{request_id}/close",
        partner_write,
        make=approved,
        kwargs=request_id,
    ),
    Policy(
        API.format("POST") + "fund-requests/{request_id}/claims",
        partner_write,
        make=approved,
        kwargs=request_id,
        data=lambda obj: {"amount": "100"},
        files=claim_files,
    ),
    Policy(
        API.format("POST") + "fund-requests/{request_id}/attributions",
        partner_write,
        make=approved,
        kwargs=request_id,
        data=a_deal_json,
    ),
    Policy(
        API.format("POST") + "fund-attributions/{attribution_id}/decision",
        REVIEWERS,
        make=proposed_attribution,
        kwargs=lambda obj: {"attribution_id": obj.public_id},
        data=lambda obj: {"approve": True},
    ),
    Policy(API.format("GET") + "fund-claims", signed_in(), make=claim),
    Policy(
        API.format("GET") + "fund-claims/{claim_id}",
        api_read,
        make=claim,
        kwargs=claim_id,
    ),
    Policy(
        API.format("POST") + "fund-claims/{claim_id}/approve",
        DECIDERS,
        make=claim,
        kwargs=claim_id,
    ),
    Policy(
        API.format("POST") + "fund-claims/{claim_id}/reject",
        DECIDERS,
        make=claim,
        kwargs=claim_id,
        data=lambda obj: {"reason": "No proof"},
    ),
    Policy(
        API.format("POST") + "fund-claims/{claim_id}/payout-approval",
        PAYERS,
        make=approved_claim,
        kwargs=claim_id,
    ),
    Policy(
        API.format("POST") + "fund-claims/{claim_id}/payment",
        PAYERS,
        make=payout_approved,
        kwargs=claim_id,
        data=lambda obj: {"reference": "TRX-1"},
    ),
]
