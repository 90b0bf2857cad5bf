"""Access policies of incentives (see openprm.testing.authz).

Console pages: vendor staff by the app's rules; a ledger or a sales file of
world.owner is hidden from the channel manager assigned to no partner. Portal: each
partner user's own organisation (earnings for every role, sales for those who
report them); another organisation's sales file is not found. API: the catalogue
and rules for vendor staff; ledgers, sales lines and files scoped like every
partner-owned row; sales reported by a role that may, for a partner in scope.
"""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from openprm.deals.tests.policies import api_deal, api_read, submitted
from openprm.incentives import ledger, permissions
from openprm.incentives.choices import EntryKind, UploadStatus
from openprm.incentives.models import SalesUpload
from openprm.incentives.tests.factories import (
    EarningRuleFactory,
    ProductFactory,
    RewardFactory,
)
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
CONFIGURERS = vendor(rule=permissions.CONFIGURE)
API = "api:{method} /api/v1{path}"
SALES_CSV = (
    b"invoice_number,invoice_date,end_customer,sku,quantity,amount,currency\n"
    b"INV-1,2026-01-05,Acme,%s,1,100,USD\n"
)


def _out(actor):
    return actor in (*SIGNED_OUT_ACTORS, "revoked_token")


def console_owned(rule):
    """A console page of world.owner's row: the rule's vendor roles, except the
    unassigned channel manager (404); partner users 403."""

    def expect(actor):
        if _out(actor):
            return LOGIN
        if actor in VENDOR_ACTORS and VENDOR_ACTORS[actor] in rule.vendor:
            return HIDE if actor == "channel_manager" else ALLOW
        return FORBID

    return expect


def portal_owned_upload(actor):
    """The portal's sales file of world.owner: its reporters; other partners 404."""
    if _out(actor):
        return LOGIN
    if actor in OWNER_ACTORS:
        return (
            ALLOW if OWNER_ACTORS[actor] in permissions.REPORT_SALES.partner else FORBID
        )
    if actor in VENDOR_ACTORS:
        return FORBID
    return HIDE


def api_sales_report(actor):
    """Reporting world.owner's sales: vendor reporters in scope, the owner's
    reporters; the distributor above sees the owner but holds no role there."""
    if _out(actor):
        return LOGIN
    if actor in VENDOR_ACTORS:
        if VENDOR_ACTORS[actor] not in permissions.REPORT_SALES.vendor:
            return FORBID
        return HIDE if actor == "channel_manager" else ALLOW
    if actor in OWNER_ACTORS:
        return (
            ALLOW if OWNER_ACTORS[actor] in permissions.REPORT_SALES.partner else FORBID
        )
    return HIDE if actor == "other_partner_admin" else FORBID


LEDGER_READERS = owned(
    vendor_roles=VENDOR_ACTORS.values(), partner_roles=OWNER_ACTORS.values()
)


def account(world):
    holder = ledger.account_for(partner_id=world.owner.pk)
    from django.db import transaction

    with transaction.atomic():
        ledger.credit(account=holder, kind=EntryKind.BONUS, points=50, reason="x")
    return holder


def upload(world):
    return SalesUpload.objects.create(
        partner=world.owner,
        file_name="sales.csv",
        status=UploadStatus.DONE,
        progress=1,
    )


def reward(world):
    """A reward of 1 point, and points for every organisation of the cast."""
    from django.db import transaction

    for partner in (world.owner, world.other, world.distributor):
        holder = ledger.account_for(partner_id=partner.pk)
        with transaction.atomic():
            ledger.credit(account=holder, kind=EntryKind.BONUS, points=5)
    return RewardFactory(points_price=1)


def order(world):
    """world.owner's order of a reward, placed by its partner admin."""
    from openprm.incentives import rewards

    account(world)
    return rewards.redemption_order_place(
        actor=world.users["owner_partner_admin"],
        partner_id=world.owner.pk,
        reward=RewardFactory(points_price=10),
    )


def portal_redeemer(actor):
    """A portal action of one's own organisation for those who redeem; for the
    owner's order, other organisations' users get 404."""
    if _out(actor):
        return LOGIN
    if actor in OWNER_ACTORS:
        allowed = OWNER_ACTORS[actor] in permissions.REDEEM.partner
        return ALLOW if allowed else FORBID
    if actor in VENDOR_ACTORS:
        return FORBID
    return HIDE


def api_order_cancel(actor):
    """Cancelling world.owner's order: its redeemers, vendor managers in scope."""
    if _out(actor):
        return LOGIN
    if actor in VENDOR_ACTORS:
        if actor == "channel_manager":
            return HIDE
        allowed = VENDOR_ACTORS[actor] in permissions.MANAGE.vendor
        return ALLOW if allowed else FORBID
    if actor in OWNER_ACTORS:
        allowed = OWNER_ACTORS[actor] in permissions.REDEEM.partner
        return ALLOW if allowed else FORBID
    # The distributor above sees the order but holds no role at the owner.
    return FORBID if actor == "distributor_admin" else HIDE


def csv_order(world):
    """world.owner's order, sent to the CSV batch provider (the default)."""
    from openprm.accounts.tests.factories import VendorUserFactory
    from openprm.incentives import rewards

    rewards.fulfilment_configure(
        actor=VendorUserFactory(), provider="csv", options={}, is_default=True
    )
    return order(world)


def status_file(obj):
    return {
        "file": SimpleUploadedFile(
            "statuses.csv",
            b"order,status\n%s,shipped\n" % str(obj.public_id).encode(),
            content_type="text/csv",
        )
    }


def portal_order_reader(actor):
    """An order of world.owner in the portal: every user of the owner; vendor
    staff 403; other organisations (the distributor above too) 404."""
    if _out(actor):
        return LOGIN
    if actor in OWNER_ACTORS:
        return ALLOW
    if actor in VENDOR_ACTORS:
        return FORBID
    return HIDE


def rule(world):
    return EarningRuleFactory()


def product(world):
    return ProductFactory()


def public(obj):
    return {"public_id": obj.public_id}


def sales_file(obj):
    return {
        "file": SimpleUploadedFile(
            "sales.csv", SALES_CSV % obj.sku.encode(), content_type="text/csv"
        )
    }


def products_file(obj):
    return {
        "file": SimpleUploadedFile(
            "products.csv",
            b"sku,name,product_line,price_usd\n%s-NEW,Matrix box,Storage,10\n"
            b"MX-2,,Storage,10\n" % obj.sku.encode(),
            content_type="text/csv",
        )
    }


def rule_form(obj):
    return {
        "name": "Matrix rule",
        "basis": "per_event",
        "event_name": "deal.won",
        "points": "5",
        "is_active": "on",
    }


def sales_body(obj):
    return {
        "partner": str(obj.owner_public_id),
        "lines": [
            {
                "invoice_number": "INV-API",
                "invoice_date": datetime.date(2026, 1, 5).isoformat(),
                "end_customer": "Acme",
                "sku": obj.sku,
                "quantity": "1",
                "amount": "100",
                "currency": "USD",
            }
        ],
    }


def product_for_owner(world):
    item = ProductFactory()
    item.owner_public_id = world.owner.public_id
    return item


def product_and_owner_id(world):
    item = product_for_owner(world)
    item.owner_pk = world.owner.pk
    return item


POLICIES = [
    # Console.
    Policy("web:console:incentive_products", READERS),
    Policy(
        "web:console:incentive_product_import",
        MANAGERS,
        method="POST",
        make=product,
        files=products_file,
    ),
    Policy("web:console:incentive_rules", READERS),
    Policy(
        "web:console:incentive_rule_create", MANAGERS, method="POST", data=rule_form
    ),
    Policy("web:console:incentive_rule_edit", MANAGERS, make=rule, kwargs=public),
    Policy("web:console:incentive_rule_preview", READERS, make=rule, kwargs=public),
    Policy("web:console:incentive_accounts", READERS),
    Policy("web:console:incentive_leaderboard", READERS, query="?period=year"),
    Policy(API.format(method="GET", path="/points/leaderboard"), READERS),
    Policy(
        "web:console:incentive_account",
        console_owned(permissions.READ),
        make=account,
        kwargs=public,
    ),
    Policy(
        "web:console:incentive_account_adjust",
        console_owned(permissions.ADJUST),
        method="POST",
        make=account,
        kwargs=public,
        data=lambda obj: {"points": "-5", "reason": "Matrix correction"},
    ),
    Policy("web:console:incentive_sales", READERS),
    Policy(
        "web:console:incentive_sales_upload_create",
        vendor(rule=permissions.REPORT_SALES),
        method="POST",
        make=product_and_owner_id,
        data=lambda obj: {"partner": str(obj.owner_pk)},
        files=sales_file,
        # Assigned to no partner, the channel manager has none to pick: the
        # form refuses the choice (shown again, nothing written).
        skip=("channel_manager",),
    ),
    Policy(
        "web:console:incentive_sales_upload",
        console_owned(permissions.READ),
        make=upload,
        kwargs=public,
    ),
    Policy("web:console:incentive_rewards", READERS),
    Policy(
        "web:console:incentive_reward_create",
        MANAGERS,
        method="POST",
        data=lambda obj: {
            "name": "Mug",
            "points_price": "50",
            "is_active": "on",
            "kind": "goods",
        },
    ),
    Policy(
        "web:console:incentive_reward_edit",
        MANAGERS,
        method="POST",
        make=reward,
        kwargs=public,
        data=lambda obj: {
            "name": "Renamed mug",
            "points_price": "2",
            "is_active": "on",
            "kind": "goods",
        },
    ),
    # Portal.
    Policy("web:portal:rewards", partner_area(rule=permissions.EARNINGS)),
    Policy(
        "web:portal:reward_redeem",
        partner_area(rule=permissions.REDEEM),
        method="POST",
        make=reward,
        kwargs=public,
        data=lambda obj: {},
    ),
    Policy(
        "web:portal:reward_order_cancel",
        portal_redeemer,
        method="POST",
        make=order,
        kwargs=public,
        data=lambda obj: {},
    ),
    Policy("web:portal:earnings", partner_area(rule=permissions.EARNINGS)),
    Policy(
        "web:portal:incentive_sales",
        partner_area(rule=permissions.REPORT_SALES),
        method="POST",
        make=product,
        files=sales_file,
    ),
    Policy(
        "web:portal:incentive_sales_upload",
        portal_owned_upload,
        make=upload,
        kwargs=public,
    ),
    # API.
    Policy(API.format(method="GET", path="/products"), READERS),
    Policy(
        API.format(method="GET", path="/products/{sku}"),
        READERS,
        make=product,
        kwargs=lambda obj: {"sku": obj.sku},
    ),
    Policy(
        API.format(method="PUT", path="/products/{sku}"),
        MANAGERS,
        kwargs=lambda obj: {"sku": "MX-PUT"},
        data=lambda obj: {
            "sku": "MX-PUT",
            "name": "Matrix box",
            "prices": {"USD": "10.00"},
        },
        # Each allowed actor finds the product the previous one wrote.
        happened=lambda obj: True,
    ),
    Policy(API.format(method="GET", path="/earning-rules"), READERS),
    Policy(
        API.format(method="POST", path="/earning-rules"),
        MANAGERS,
        data=lambda obj: {
            "name": "Matrix",
            "basis": "per_event",
            "event_name": "deal.won",
            "points": "5",
        },
    ),
    Policy(
        API.format(method="GET", path="/earning-rules/{rule_id}"),
        READERS,
        make=rule,
        kwargs=lambda obj: {"rule_id": obj.public_id},
    ),
    Policy(
        API.format(method="GET", path="/earning-rules/{rule_id}/preview"),
        READERS,
        make=rule,
        kwargs=lambda obj: {"rule_id": obj.public_id},
    ),
    Policy(
        API.format(method="PUT", path="/earning-rules/{rule_id}"),
        MANAGERS,
        make=rule,
        kwargs=lambda obj: {"rule_id": obj.public_id},
        data=lambda obj: {
            "name": "Renamed",
            "basis": "per_unit",
            "product": obj.product.sku,
            "points": str(Decimal(3)),
        },
    ),
    Policy(API.format(method="GET", path="/points/accounts"), signed_in()),
    Policy(
        API.format(method="GET", path="/points/accounts/{account_id}"),
        LEDGER_READERS,
        make=account,
        kwargs=lambda obj: {"account_id": obj.public_id},
    ),
    Policy(
        API.format(method="GET", path="/points/accounts/{account_id}/entries"),
        LEDGER_READERS,
        make=account,
        kwargs=lambda obj: {"account_id": obj.public_id},
    ),
    Policy(
        API.format(method="POST", path="/points/accounts/{account_id}/adjustments"),
        gated(rule=permissions.ADJUST),
        make=account,
        kwargs=lambda obj: {"account_id": obj.public_id},
        data=lambda obj: {"points": 5, "reason": "Matrix"},
    ),
    Policy(
        API.format(method="POST", path="/sales"),
        api_sales_report,
        make=product_for_owner,
        data=sales_body,
    ),
    Policy(
        API.format(method="POST", path="/sales/uploads"),
        api_sales_report,
        make=product_for_owner,
        data=lambda obj: {"partner": str(obj.owner_public_id)},
        files=sales_file,
    ),
    Policy(API.format(method="GET", path="/sales/lines"), signed_in()),
    Policy(API.format(method="GET", path="/sales/uploads"), signed_in()),
    Policy(
        API.format(method="GET", path="/sales/uploads/{upload_id}"),
        LEDGER_READERS,
        make=upload,
        kwargs=lambda obj: {"upload_id": obj.public_id},
    ),
    Policy(API.format(method="GET", path="/rewards"), signed_in()),
    Policy(
        API.format(method="POST", path="/rewards"),
        MANAGERS,
        data=lambda obj: {"name": "Mug", "points_price": 50},
    ),
    Policy(
        API.format(method="GET", path="/rewards/{reward_id}"),
        signed_in(),
        make=reward,
        kwargs=lambda obj: {"reward_id": obj.public_id},
    ),
    Policy(
        API.format(method="PATCH", path="/rewards/{reward_id}"),
        MANAGERS,
        make=reward,
        kwargs=lambda obj: {"reward_id": obj.public_id},
        data=lambda obj: {"points_price": 2, "stock": 3},
    ),
    Policy(
        API.format(method="POST", path="/rewards/{reward_id}/redemptions"),
        gated(rule=permissions.REDEEM),
        make=reward,
        kwargs=lambda obj: {"reward_id": obj.public_id},
        data=lambda obj: {},
    ),
    Policy(API.format(method="GET", path="/redemptions"), signed_in()),
    Policy(
        API.format(method="POST", path="/redemptions/{order_id}/cancel"),
        api_order_cancel,
        make=order,
        kwargs=lambda obj: {"order_id": obj.public_id},
    ),
    # Fulfilment.
    Policy(
        "web:console:incentive_order",
        console_owned(permissions.READ),
        make=order,
        kwargs=public,
    ),
    Policy(
        "web:console:incentive_order_report",
        console_owned(permissions.MANAGE),
        method="POST",
        make=order,
        kwargs=public,
        data=lambda obj: {"status": "shipped", "tracking": "1Z"},
    ),
    Policy("web:console:incentive_fulfilment", READERS),
    Policy(
        "web:console:incentive_fulfilment_configure",
        MANAGERS,
        method="POST",
        kwargs=lambda obj: {"name": "csv"},
        data=lambda obj: {"csv-is_default": "on"},
    ),
    Policy(
        "web:console:incentive_fulfilment_export",
        MANAGERS,
        method="POST",
        make=csv_order,
        data=lambda obj: {},
    ),
    Policy(
        "web:console:incentive_fulfilment_import",
        MANAGERS,
        method="POST",
        make=csv_order,
        files=status_file,
    ),
    Policy("web:portal:reward_order", portal_order_reader, make=order, kwargs=public),
    Policy(
        API.format(method="GET", path="/redemptions/{order_id}"),
        LEDGER_READERS,
        make=order,
        kwargs=lambda obj: {"order_id": obj.public_id},
    ),
    Policy(
        API.format(method="POST", path="/redemptions/{order_id}/fulfilment"),
        MANAGERS,
        make=order,
        kwargs=lambda obj: {"order_id": obj.public_id},
        data=lambda obj: {"status": "shipped"},
    ),
    Policy(API.format(method="GET", path="/fulfilment/providers"), READERS),
    Policy(
        "web:console:incentive_settings",
        CONFIGURERS,
        method="POST",
        data=lambda obj: {"redemption_approval_above": "500"},
    ),
    Policy(API.format(method="GET", path="/incentive-settings"), READERS),
    Policy(
        API.format(method="PUT", path="/incentive-settings"),
        CONFIGURERS,
        data=lambda obj: {"redemption_approval_above": 500},
    ),
    Policy(
        API.format(method="PUT", path="/fulfilment/providers/{name}"),
        MANAGERS,
        kwargs=lambda obj: {"name": "csv"},
        data=lambda obj: {"options": {}, "is_default": True},
    ),
    Policy(
        API.format(method="POST", path="/fulfilment/exports"),
        MANAGERS,
        make=csv_order,
    ),
    Policy(
        API.format(method="POST", path="/fulfilment/statuses"),
        MANAGERS,
        make=csv_order,
        files=status_file,
    ),
    Policy(
        API.format(method="GET", path="/deals/{deal_id}/sales"),
        api_read,
        make=submitted,
        kwargs=api_deal,
    ),
]
