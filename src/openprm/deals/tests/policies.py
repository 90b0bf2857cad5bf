"""Access policies of deals.

Partner admins and salespeople work their organisation's deals (the distributor
above reads them, but does not act on them; another partner never sees them).
Vendor staff read deals in their scope; vendor admins and channel managers (within
their scope — the harness's channel manager has none) decide; vendor admins sync
the CRM accounts.
"""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openprm.deals import permissions
from openprm.deals.choices import DealStatus, StageKind
from openprm.deals.models import DealAttachment, DealExtension, Stage
from openprm.deals.tests.factories import make_deal
from openprm.deals.tests.pipeline.policies import POLICIES as PIPELINE_POLICIES
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

SELLERS = permissions.WORK.partner
REVIEWERS = staff_scoped(*permissions.REVIEW.vendor)


def _partner_side(actor, *, distributor):
    if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
        return LOGIN
    if actor in VENDOR_ACTORS:
        return FORBID
    if actor in OWNER_ACTORS:
        return ALLOW if OWNER_ACTORS[actor] in SELLERS else FORBID
    if actor == "distributor_admin":
        return distributor
    return HIDE  # other_partner_admin


def portal_read(actor):
    """The owner's sellers and the distributor above read; another partner 404."""
    return _partner_side(actor, distributor=ALLOW)


def seller_write(actor):
    """The owner's sellers act; the distributor above reads but may not act."""
    return _partner_side(actor, distributor=FORBID)


def staff_read(actor):
    """All vendor staff in scope (the unassigned channel manager: 404)."""
    if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
        return LOGIN
    if actor == "channel_manager":
        return HIDE
    return ALLOW if actor in VENDOR_ACTORS else FORBID


def api_read(actor):
    """Vendor staff in scope and the owner's sellers, the distributor above; 404
    for everyone else signed in (no deal is visible to them)."""
    if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
        return LOGIN
    if actor == "channel_manager":
        return HIDE
    if actor in VENDOR_ACTORS:
        return ALLOW
    if actor in OWNER_ACTORS:
        return ALLOW if OWNER_ACTORS[actor] in SELLERS else HIDE
    return ALLOW if actor == "distributor_admin" else HIDE


def submitted(world):
    return make_deal(partner=world.owner)


def more_info(world):
    return make_deal(partner=world.owner, status=DealStatus.MORE_INFO_REQUESTED)


def approved(world):
    return make_deal(partner=world.owner, status=DealStatus.APPROVED)


def with_extension(world):
    deal = approved(world)
    return DealExtension.objects.create(deal=deal, days=10, reason="Board")


def with_attachment(world):
    deal = submitted(world)
    attachment = DealAttachment(
        deal=deal, original_name="quote.pdf", content_type="application/pdf", size=9
    )
    attachment.file.save(
        "quote.pdf", SimpleUploadedFile("quote.pdf", b"%PDF-1.7"), save=False
    )
    attachment.save()
    return attachment


def another_open_stage(deal) -> dict:
    """A move that changes the deal's stage (so that it is audited)."""
    stage = Stage.objects.filter(kind=StageKind.OPEN).exclude(pk=deal.stage_id).first()
    return {"stage": stage.pk}


def deal_kwargs(obj):
    return {"public_id": obj.public_id}


def api_deal(obj):
    return {"deal_id": obj.public_id}


def registration_form(obj):
    return {
        "title": "Matrix deal",
        "customer_name": "Matrix Customer",
        "customer_domain": "matrix.example",
        "currency": "EUR",
        "expected_close_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "stage": "1",
        "line0_product_line": "security",
        "line0_quantity": "1",
        "line0_amount": "100",
    }


def registration_json(obj):
    return {
        "title": "Matrix deal",
        "customer_name": "Matrix Customer",
        "expected_close_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "lines": [{"product_line": "security", "amount": "100"}],
    }


DEALS = "api:{method} /api/v1/deals"

POLICIES = [
    # Console.
    Policy("web:console:deal_list", vendor()),
    Policy("web:console:deal_queue", vendor(rule=permissions.REVIEW)),
    Policy("web:console:deal_detail", staff_read, make=submitted, kwargs=deal_kwargs),
    Policy(
        "web:console:deal_approve",
        REVIEWERS,
        method="POST",
        make=submitted,
        kwargs=deal_kwargs,
        data=lambda obj: {},
    ),
    Policy(
        "web:console:deal_reject",
        REVIEWERS,
        method="POST",
        make=submitted,
        kwargs=deal_kwargs,
        data=lambda obj: {"reason": "Ours"},
    ),
    Policy(
        "web:console:deal_request_info",
        REVIEWERS,
        method="POST",
        make=submitted,
        kwargs=deal_kwargs,
        data=lambda obj: {"question": "Budget?"},
    ),
    Policy(
        "web:console:deal_extension_decide",
        REVIEWERS,
        method="POST",
        make=with_extension,
        kwargs=lambda obj: {"public_id": obj.deal.public_id, "extension_id": obj.pk},
        data=lambda obj: {"decision": "approve"},
    ),
    Policy(
        "web:console:deal_attachment",
        staff_read,
        make=with_attachment,
        kwargs=lambda obj: {
            "public_id": obj.deal.public_id,
            "attachment_id": obj.public_id,
        },
    ),
    # Portal.
    Policy("web:portal:deal_list", partner_area(rule=permissions.WORK)),
    Policy(
        "web:portal:deal_register",
        partner_area(rule=permissions.WORK),
        method="POST",
        data=registration_form,
    ),
    Policy(
        "web:portal:deal_conflict_preview",
        partner_area(rule=permissions.WORK),
        query="?customer_name=Acme&line0_product_line=security",
    ),
    Policy("web:portal:deal_detail", portal_read, make=submitted, kwargs=deal_kwargs),
    Policy(
        "web:portal:deal_answer",
        seller_write,
        method="POST",
        make=more_info,
        kwargs=deal_kwargs,
        data=lambda obj: {"answer": "Budget approved"},
    ),
    Policy(
        "web:portal:deal_extension",
        seller_write,
        method="POST",
        make=approved,
        kwargs=deal_kwargs,
        data=lambda obj: {"days": "10", "reason": "Board"},
    ),
    Policy(
        "web:portal:deal_won",
        seller_write,
        method="POST",
        make=approved,
        kwargs=deal_kwargs,
        data=lambda obj: {"amount": "", "won_on": ""},
    ),
    Policy(
        "web:portal:deal_lost",
        seller_write,
        method="POST",
        make=approved,
        kwargs=deal_kwargs,
        data=lambda obj: {"reason": "Price"},
    ),
    Policy(
        "web:portal:deal_attachment",
        portal_read,
        make=with_attachment,
        kwargs=lambda obj: {
            "public_id": obj.deal.public_id,
            "attachment_id": obj.public_id,
        },
    ),
    # API.
    Policy(DEALS.format(method="GET"), signed_in(), make=submitted),
    Policy(
        DEALS.format(method="POST"),
        partner_area(rule=permissions.WORK),
        data=registration_json,
    ),
    Policy(
        DEALS.format(method="GET") + "/review-queue",
        vendor(rule=permissions.REVIEW),
    ),
    Policy(
        DEALS.format(method="GET") + "/{deal_id}",
        api_read,
        make=submitted,
        kwargs=api_deal,
    ),
    Policy(
        DEALS.format(method="GET") + "/{deal_id}/conflicts",
        api_read,
        make=submitted,
        kwargs=api_deal,
    ),
    Policy(
        DEALS.format(method="POST") + "/{deal_id}/approve",
        REVIEWERS,
        make=submitted,
        kwargs=api_deal,
    ),
    Policy(
        DEALS.format(method="POST") + "/{deal_id}/reject",
        REVIEWERS,
        make=submitted,
        kwargs=api_deal,
        data=lambda obj: {"reason": "Ours"},
    ),
    Policy(
        DEALS.format(method="POST") + "/{deal_id}/request-info",
        REVIEWERS,
        make=submitted,
        kwargs=api_deal,
        data=lambda obj: {"question": "Budget?"},
    ),
    Policy(
        DEALS.format(method="POST") + "/{deal_id}/answer",
        seller_write,
        make=more_info,
        kwargs=api_deal,
        data=lambda obj: {"answer": "Approved"},
    ),
    Policy(
        DEALS.format(method="POST") + "/{deal_id}/extensions",
        seller_write,
        make=approved,
        kwargs=api_deal,
        data=lambda obj: {"days": 10, "reason": "Board"},
    ),
    Policy(
        DEALS.format(method="POST") + "/{deal_id}/extensions/{extension_id}/decision",
        REVIEWERS,
        make=with_extension,
        kwargs=lambda obj: {"deal_id": obj.deal.public_id, "extension_id": obj.pk},
        data=lambda obj: {"approve": True},
    ),
    Policy(
        DEALS.format(method="POST") + "/{deal_id}/won",
        seller_write,
        make=approved,
        kwargs=api_deal,
        data=lambda obj: {},
    ),
    Policy(
        DEALS.format(method="POST") + "/{deal_id}/lost",
        seller_write,
        make=approved,
        kwargs=api_deal,
        data=lambda obj: {"reason": "Price"},
    ),
    Policy(
        DEALS.format(method="POST") + "/{deal_id}/stage",
        seller_write,
        make=submitted,
        kwargs=api_deal,
        data=another_open_stage,
    ),
    Policy("api:GET /api/v1/deal-stages", signed_in()),
    Policy(
        "api:GET /api/v1/partners/{public_id}/won-revenue",
        owned(rule=permissions.READ_PIPELINE),
        make=lambda world: world.owner,
        kwargs=lambda obj: {"public_id": obj.public_id},
    ),
    Policy("api:GET /api/v1/customer-accounts", vendor(rule=permissions.READ_ACCOUNTS)),
    Policy(
        "api:PUT /api/v1/customer-accounts/{external_id}",
        vendor(rule=permissions.MANAGE_ACCOUNTS),
        kwargs=lambda obj: {"external_id": "CRM-1"},
        data=lambda obj: {"name": "Acme"},
    ),
    *PIPELINE_POLICIES,
]
