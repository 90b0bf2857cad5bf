"""Generated activity for the metrics tests: every kind of fact the rollups count,
made through the domain services so that every event is emitted."""

import datetime
from decimal import Decimal

from django.urls import get_resolver
from django.utils import timezone
from freezegun import freeze_time

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.content.choices import ActivityKind
from openprm.content.library.services import asset_activity_record
from openprm.content.tests.factories import AssetFactory
from openprm.currencies.tests.factories import ExchangeRateFactory
from openprm.deals import services as deals
from openprm.deals.models import Stage
from openprm.deals.tests.factories import ensure_stages, registration
from openprm.leads import services as leads
from openprm.leads.tests.factories import RuleFactory
from openprm.metrics.services import sign_in_record
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import partner_user


def frozen(moment):
    """``freeze_time`` once every module is imported: a schema built while the
    clock is frozen would meet freezegun's datetime class."""
    get_resolver().url_patterns  # noqa: B018
    return freeze_time(moment)


def activity(*, partners, first_day: datetime.date, days: int = 6, seed: int = 0):
    """A few days of deals (registered, approved, rejected, won on an earlier date,
    lost, moved), leads (offered, accepted, rejected, recalled, converted), content
    downloads and sign-ins for ``partners``, in EUR and USD."""
    ensure_stages()
    ExchangeRateFactory(
        currency="USD", rate=Decimal("0.9"), valid_from=datetime.date(2020, 1, 1)
    )
    reviewer = VendorUserFactory(vendor_role="vendor_admin")
    marketing = VendorUserFactory(vendor_role="channel_marketing")
    RuleFactory(name="Germany", countries=["DE"])
    sellers = {
        partner.pk: partner_user(partner=partner, roles=["partner_admin"])
        for partner in partners
    }
    asset = AssetFactory()
    stages = list(Stage.objects.filter(kind="open").order_by("order"))
    for offset in range(days):
        day = first_day + datetime.timedelta(days=offset)
        moment = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(10 + offset % 5, 15))
        )
        with frozen(moment):
            for index, partner in enumerate(partners):
                user = sellers[partner.pk]
                number = seed * 1000 + offset * 10 + index
                currency = "USD" if number % 2 else "EUR"
                deal = deals.deal_register(
                    actor=user,
                    partner=partner,
                    **registration(
                        customer_name=f"Customer {number} Omega{number}",
                        customer_domain=f"c{number}.example",
                        currency=currency,
                        lines=[
                            {
                                "product_line": "security",
                                "quantity": 1 + index,
                                "amount": str(1000 + 37 * number),
                            }
                        ],
                    ),
                )
                if (offset + index) % 4 == 3:
                    deals.deal_reject(actor=reviewer, deal=deal, reason="Duplicate")
                    continue
                deals.deal_approve(actor=reviewer, deal=deal)
                deal.refresh_from_db()
                if (offset + index) % 3 == 0:
                    deals.deal_mark_won(
                        actor=user,
                        deal=deal,
                        won_on=day - datetime.timedelta(days=offset % 3),
                    )
                elif (offset + index) % 3 == 1:
                    deals.deal_mark_lost(actor=user, deal=deal, reason="Price")
                else:
                    deals.deal_stage_change(actor=user, deal=deal, stage=stages[-1])
                asset_activity_record(
                    actor=user,
                    partner_id=partner.pk,
                    asset=asset,
                    kind=ActivityKind.DOWNLOAD,
                )
                sign_in_record(user=user)
            lead = leads.lead_create(
                actor=marketing,
                data={
                    "company": f"Lead {seed}-{offset}",
                    "country": "DE",
                    "region": "EMEA",
                },
            )
            lead.refresh_from_db()
            holder = sellers.get(lead.current_partner_id)
            if holder is None:
                continue
            if offset % 4 == 0:
                leads.lead_accept(actor=holder, lead=lead)
                leads.lead_convert(
                    actor=holder,
                    lead=lead,
                    title="From a lead",
                    expected_close_date=day + datetime.timedelta(days=30),
                    lines=[
                        {"product_line": "security", "quantity": 1, "amount": "700"}
                    ],
                    currency="EUR",
                )
            elif offset % 4 == 1:
                leads.lead_reject(actor=holder, lead=lead, reason="No capacity")
            elif offset % 4 == 2:
                leads.lead_recall(lead=lead, now=moment + datetime.timedelta(hours=49))
        if offset % 4 == 3:
            with frozen(moment + datetime.timedelta(hours=5)):
                leads.lead_accept(actor=holder, lead=lead)
    return sellers


def ecosystem():
    """A distributor with a reseller beneath it, and an independent partner."""
    distributor = PartnerFactory(name="Dist", partner_type="distributor")
    reseller = PartnerFactory(name="Resell", parent=distributor)
    other = PartnerFactory(name="Other")
    return distributor, reseller, other
