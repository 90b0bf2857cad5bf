"""Access policies of SPIFFs, rebates and payouts (see openprm.testing.authz).

Console pages: vendor staff by the app's rules; a money ledger or a sales line of
world.owner is hidden from the channel manager assigned to no partner; payouts
are decided by those the approval engine lets act (the finance queue, vendor
admins). Portal: each partner user's own organisation. API: SPIFFs and
programmes for vendor staff; ledgers, payouts and statements scoped like every
partner-owned row.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from openprm.accruals import ledger, payouts, permissions
from openprm.accruals.choices import MoneyKind, PayoutStatus
from openprm.accruals.models import Payout, RebateStatement
from openprm.accruals.tests.factories import RebateProgrammeFactory, SpiffFactory
from openprm.incentives.models import SalesLine
from openprm.incentives.tests.factories import ProductFactory
from openprm.incentives.tests.policies import console_owned
from openprm.partners.tests.factories import PartnerFactory
from openprm.testing.authz import (
    ALLOW,
    FORBID,
    HIDE,
    LOGIN,
    OWNER_ACTORS,
    SIGNED_OUT_ACTORS,
    VENDOR_ACTORS,
    Policy,
    gated,
    owned,
    partner_area,
    signed_in,
    vendor,
)

READERS = vendor(rule=permissions.READ)
MANAGERS = vendor(rule=permissions.MANAGE)
FINANCE = vendor(rule=permissions.FINANCE)
API = "api:{method} /api/v1{path}"
ALL_OWNED = owned(
    vendor_roles=VENDOR_ACTORS.values(), partner_roles=OWNER_ACTORS.values()
)


def deciders(actor):
    """Deciding a payout: the finance queue and vendor admins; other vendor
    roles are refused by the engine; the unassigned channel manager does not
    see it; partner users are refused."""
    if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
        return LOGIN
    if actor == "channel_manager":
        return HIDE
    if actor in ("vendor_admin", "finance"):
        return ALLOW
    return FORBID


def spiff(world):
    return SpiffFactory()


def programme(world):
    """A programme and a sale of world.owner in today's quarter to calculate."""
    item = RebateProgrammeFactory(starts_on=datetime.date(2020, 1, 1))
    sales_line(world)
    return item


def sales_line(world):
    return SalesLine.objects.create(
        partner=world.owner,
        invoice_number=f"POL-{SalesLine.objects.count() + 1}",
        invoiced_on=timezone.localdate(),
        end_customer="Acme",
        product=ProductFactory(),
        quantity=1,
        amount=Decimal("100.00"),
        currency="EUR",
        reporting_amount=Decimal("100.00"),
    )


def owner_account(world):
    account = ledger.account_for(partner_id=world.owner.pk)
    ledger.post(account=account, kind=MoneyKind.SPIFF, amount=Decimal(10))
    return account


def owed_partner(world):
    """A new partner with money owed (a payout each, whoever asked before)."""
    partner = PartnerFactory()
    account = ledger.account_for(partner_id=partner.pk)
    ledger.post(account=account, kind=MoneyKind.SPIFF, amount=Decimal(10))
    return partner


def pending_payout(world):
    return payouts.payout_request(
        actor=world.users["finance"], partner=owed_partner(world)
    )


def approved_payout(world):
    payout = pending_payout(world)
    return payouts.payout_review(
        actor=world.users["finance"], payout=payout, approve=True
    )


def owner_payout(world):
    account = owner_account(world)
    return Payout.objects.create(
        partner=world.owner,
        account=account,
        amount=Decimal(10),
        currency=account.currency,
        status=PayoutStatus.EXPORTED,
    )


def statement(world):
    return RebateStatement.objects.create(
        programme=RebateProgrammeFactory(),
        partner=world.owner,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 4, 1),
        sales_amount=Decimal(1000),
        rate=Decimal(1),
        rebate_amount=Decimal(10),
        currency="EUR",
        calculated_at=timezone.now(),
    )


def public(obj):
    return {"public_id": obj.public_id}


def spiff_form(obj):
    return {
        "name": "Matrix SPIFF",
        "product": str(obj.public_id),
        "starts_on": "2026-01-01",
        "ends_on": "2026-03-31",
        "pay_in": "money",
        "rate": "50",
        "budget": "1000",
        "is_active": "on",
    }


def spiff_body(obj):
    return {
        "name": "Matrix SPIFF",
        "product": obj.product.sku,
        "starts_on": "2026-01-01",
        "ends_on": "2026-03-31",
        "pay_in": "points",
        "rate": "5",
        "budget": "1000",
    }


def programme_body(obj):
    return {
        "name": "Matrix rebate",
        "basis": "volume",
        "period": "quarter",
        "starts_on": "2026-01-01",
        "tiers": [{"threshold": "0", "rate": "1"}],
    }


POLICIES = [
    # Console.
    Policy("web:console:accrual_spiffs", READERS),
    Policy(
        "web:console:accrual_spiff_create",
        MANAGERS,
        method="POST",
        make=lambda world: ProductFactory(),
        data=spiff_form,
    ),
    Policy("web:console:accrual_spiff", READERS, make=spiff, kwargs=public),
    Policy("web:console:accrual_spiff_edit", MANAGERS, make=spiff, kwargs=public),
    Policy("web:console:accrual_rebates", READERS),
    Policy(
        "web:console:accrual_rebate_create",
        MANAGERS,
        method="POST",
        data=lambda obj: {
            "name": "Matrix rebate",
            "basis": "volume",
            "period": "quarter",
            "starts_on": "2026-01-01",
            "tiers": "0, 1\n100000, 2",
            "is_active": "on",
        },
    ),
    Policy("web:console:accrual_rebate", READERS, make=programme, kwargs=public),
    Policy("web:console:accrual_rebate_edit", MANAGERS, make=programme, kwargs=public),
    Policy(
        "web:console:accrual_rebate_calculate",
        FINANCE,
        method="POST",
        make=programme,
        kwargs=public,
        data=lambda obj: {"on": timezone.localdate().isoformat()},
    ),
    Policy("web:console:accrual_payouts", READERS),
    Policy(
        "web:console:accrual_payout_request",
        FINANCE,
        method="POST",
        make=owed_partner,
        data=lambda obj: {"partner": str(obj.pk)},
    ),
    Policy(
        "web:console:accrual_payout_approve",
        deciders,
        method="POST",
        make=pending_payout,
        kwargs=public,
        data=lambda obj: {"note": ""},
    ),
    Policy(
        "web:console:accrual_payout_reject",
        deciders,
        method="POST",
        make=pending_payout,
        kwargs=public,
        data=lambda obj: {"note": "Wrong account"},
    ),
    Policy(
        "web:console:accrual_payouts_export",
        FINANCE,
        method="POST",
        make=approved_payout,
        data=lambda obj: {},
    ),
    Policy(
        "web:console:accrual_money_account",
        console_owned(permissions.READ),
        make=owner_account,
        kwargs=public,
    ),
    Policy("web:console:accrual_returns", READERS, query="?invoice=POL-1"),
    Policy(
        "web:console:accrual_return_create",
        console_owned(permissions.FINANCE),
        method="POST",
        make=sales_line,
        kwargs=public,
        data=lambda obj: {"reason": "Damaged"},
    ),
    # Portal.
    Policy("web:portal:spiffs", partner_area(rule=permissions.SPIFFS)),
    Policy("web:portal:money", partner_area(rule=permissions.STATEMENTS)),
    # API.
    Policy(API.format(method="GET", path="/spiffs"), READERS),
    Policy(
        API.format(method="POST", path="/spiffs"),
        MANAGERS,
        make=spiff,
        data=spiff_body,
    ),
    Policy(
        API.format(method="GET", path="/spiffs/mine"),
        partner_area(rule=permissions.SPIFFS),
    ),
    Policy(
        API.format(method="GET", path="/spiffs/{spiff_id}"),
        READERS,
        make=spiff,
        kwargs=lambda obj: {"spiff_id": obj.public_id},
    ),
    Policy(
        API.format(method="PUT", path="/spiffs/{spiff_id}"),
        MANAGERS,
        make=spiff,
        kwargs=lambda obj: {"spiff_id": obj.public_id},
        data=spiff_body,
    ),
    Policy(API.format(method="GET", path="/spiff-earnings"), signed_in()),
    Policy(API.format(method="GET", path="/money/accounts"), signed_in()),
    Policy(
        API.format(method="GET", path="/money/accounts/{account_id}"),
        ALL_OWNED,
        make=owner_account,
        kwargs=lambda obj: {"account_id": obj.public_id},
    ),
    Policy(
        API.format(method="GET", path="/money/accounts/{account_id}/entries"),
        ALL_OWNED,
        make=owner_account,
        kwargs=lambda obj: {"account_id": obj.public_id},
    ),
    Policy(
        API.format(method="GET", path="/money/accounts/{account_id}/statement"),
        ALL_OWNED,
        make=owner_account,
        kwargs=lambda obj: {"account_id": obj.public_id},
    ),
    Policy(
        API.format(method="POST", path="/payouts"),
        gated(rule=permissions.FINANCE),
        make=owed_partner,
        data=lambda obj: {"partner": str(obj.public_id)},
    ),
    Policy(API.format(method="GET", path="/payouts"), signed_in()),
    Policy(
        API.format(method="GET", path="/payouts/{payout_id}"),
        ALL_OWNED,
        make=owner_payout,
        kwargs=lambda obj: {"payout_id": obj.public_id},
    ),
    Policy(
        API.format(method="POST", path="/payouts/{payout_id}/approve"),
        deciders,
        make=pending_payout,
        kwargs=lambda obj: {"payout_id": obj.public_id},
        data=lambda obj: {},
    ),
    Policy(
        API.format(method="POST", path="/payouts/{payout_id}/reject"),
        deciders,
        make=pending_payout,
        kwargs=lambda obj: {"payout_id": obj.public_id},
        data=lambda obj: {"reason": "Wrong account"},
    ),
    Policy(
        API.format(method="POST", path="/payouts/export"),
        gated(rule=permissions.FINANCE),
        make=approved_payout,
    ),
    Policy(API.format(method="GET", path="/rebate-programmes"), READERS),
    Policy(
        API.format(method="POST", path="/rebate-programmes"),
        MANAGERS,
        data=programme_body,
    ),
    Policy(
        API.format(method="GET", path="/rebate-programmes/{programme_id}"),
        READERS,
        make=programme,
        kwargs=lambda obj: {"programme_id": obj.public_id},
    ),
    Policy(
        API.format(method="PUT", path="/rebate-programmes/{programme_id}"),
        MANAGERS,
        make=programme,
        kwargs=lambda obj: {"programme_id": obj.public_id},
        data=programme_body,
    ),
    Policy(
        API.format(
            method="POST", path="/rebate-programmes/{programme_id}/calculations"
        ),
        gated(rule=permissions.FINANCE),
        make=programme,
        kwargs=lambda obj: {"programme_id": obj.public_id},
        data=lambda obj: {"on": timezone.localdate().isoformat()},
    ),
    Policy(API.format(method="GET", path="/rebate-statements"), signed_in()),
    Policy(
        API.format(method="GET", path="/rebate-statements/{statement_id}"),
        ALL_OWNED,
        make=statement,
        kwargs=lambda obj: {"statement_id": obj.public_id},
    ),
    Policy(
        API.format(method="POST", path="/sales/lines/{line_id}/return"),
        gated(rule=permissions.FINANCE),
        make=sales_line,
        kwargs=lambda obj: {"line_id": obj.public_id},
        data=lambda obj: {"reason": "Damaged"},
    ),
]
