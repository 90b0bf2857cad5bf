"""Generated activity for the metrics tests: every kind of fact the rollups count,
made through the domain services so that every event is emitted: deals, leads,
downloads, sign-ins, reported sales, points, marketing funds, certifications and
accreditations."""

import datetime
from decimal import Decimal

from django.urls import get_resolver
from django.utils import timezone
from freezegun import freeze_time

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.certifications import services as certifications
from openprm.certifications.choices import AwardSource
from openprm.certifications.tests.factories import (
    AccreditationConditionFactory,
    CertificationFactory,
)
from openprm.content.choices import ActivityKind
from openprm.content.library.services import asset_activity_record
from openprm.content.tests.factories import AssetFactory
from openprm.currencies.tests.factories import ExchangeRateFactory
from openprm.deals import services as deals
from openprm.deals.models import Stage
from openprm.deals.tests.factories import ensure_stages, registration
from openprm.funds import services as funds
from openprm.funds.models import FiscalPeriod
from openprm.funds.tests import factories as fund_factories
from openprm.incentives import ledger
from openprm.incentives import services as incentives
from openprm.incentives.sales import sales_report
from openprm.incentives.tests.factories import EarningRuleFactory, ProductFactory
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


class Programmes:
    """What the later apps' facts need, set up once (no fact of its own): a product
    paying points, a fund in USD with a budget over the days, a certification and
    an accreditation one certified person earns."""

    def __init__(self, *, first_day: datetime.date, days: int):
        self.product = ProductFactory()
        EarningRuleFactory(product=self.product, points=Decimal(10))
        period = FiscalPeriod.objects.create(
            name="Generated",
            fiscal_year=first_day.year,
            quarter=8,
            starts_on=first_day - datetime.timedelta(days=1),
            ends_on=first_day + datetime.timedelta(days=days + 90),
        )
        self.budget = fund_factories.budget(
            fund=fund_factories.FundFactory(currency="USD"), period=period
        )
        self.fund_reviewer = fund_factories.reviewer()
        self.certification = CertificationFactory()
        AccreditationConditionFactory(
            certification=self.certification, product_line="", role="", count=1
        )
        self.requests: dict[int, object] = {}
        self.held: dict[int, object] = {}

    def day(self, *, partner, user, reviewer, day, offset, index, number, stages):
        """One partner's sales, points, funds and certifications on one day."""
        currency = "USD" if number % 2 else "EUR"
        first = day - datetime.timedelta(days=offset)
        sales_report(
            actor=user,
            partner=partner,
            lines=[
                {
                    "invoice_number": f"INV-{number}",
                    # On an earlier day of the generated ones, too.
                    "invoice_date": (
                        first + datetime.timedelta(days=(offset + index) % (offset + 1))
                    ).isoformat(),
                    "end_customer": f"Buyer {number}",
                    "sku": self.product.sku,
                    "quantity": str(1 + index),
                    "amount": str((1 + index) * (90 if currency == "EUR" else 100)),
                    "currency": currency,
                }
            ],
        )
        account = ledger.account_for(partner_id=partner.pk)
        if (offset + index) % 3 == 0:
            incentives.points_bonus(
                actor=reviewer, account=account, points=5, reason="Good quarter"
            )
        elif (offset + index) % 3 == 1:
            entry = incentives.points_redeem(
                actor=user, account=account, points=3, reason="Mug"
            )
            if offset % 2:
                incentives.points_refund(
                    actor=reviewer, entry=entry, reason="Order cancelled"
                )
        self._funds(
            partner=partner,
            user=user,
            reviewer=reviewer,
            day=day,
            offset=offset,
            number=number,
            stages=stages,
        )
        self._certifications(
            partner=partner,
            user=user,
            reviewer=reviewer,
            offset=offset,
            index=index,
            number=number,
        )

    def _funds(self, *, partner, user, reviewer, day, offset, number, stages):
        if offset == 0:
            funds.allocation_adjust(
                actor=reviewer,
                allocation=funds._allocation_for(partner.pk, self.budget),
                amount=Decimal("5000.00"),
                note="Generated",
            )
        elif offset == 1:
            request = fund_factories.make_request(
                partner=partner,
                the_budget=self.budget,
                amount="1200.00",
                user=fund_factories.marketer(partner),
            )
            self.requests[partner.pk] = funds.request_review(
                actor=self.fund_reviewer, request=request, approve=True
            )
        elif offset == 2:
            claim = fund_factories.make_claim(self.requests[partner.pk], "700.00")
            funds.claim_review(actor=self.fund_reviewer, claim=claim, approve=True)
        elif offset == 3:
            # A deal carrying the activity's campaign code is attributed to it at
            # once (funds' subscriber), then won: the fund's return.
            request = self.requests[partner.pk]
            deal = deals.deal_register(
                actor=user,
                partner=partner,
                **registration(
                    title=f"Webinar follow-up {request.campaign_code}",
                    customer_name=f"Funded {number} Sigma{number}",
                    customer_domain=f"f{number}.example",
                    currency="EUR",
                    lines=[
                        {"product_line": "security", "quantity": 1, "amount": "9000"}
                    ],
                ),
            )
            # What funds' subscriber does on deal.registered, here on the frozen
            # day (the test delivers the events after the clock is real again).
            funds.attribute_by_campaign_code(deal=deal, text=deal.title)
            deals.deal_approve(actor=reviewer, deal=deal)
            deal.refresh_from_db()
            deals.deal_mark_won(actor=user, deal=deal, won_on=day)

    def _certifications(self, *, partner, user, reviewer, offset, index, number):
        if offset == 1:
            self.held[partner.pk] = certifications.certification_award(
                certification=self.certification,
                user=user,
                partner_id=partner.pk,
                source=AwardSource.PATH,
                key=f"generated-{number}",
            )
        elif offset == 3 and index == 0:
            certifications.certification_revoke(
                actor=reviewer, held=self.held[partner.pk], reason="Exam fraud"
            )


def activity(*, partners, first_day: datetime.date, days: int = 6, seed: int = 0):
    """A few days of deals (registered, approved, rejected, won on an earlier date,
    lost, moved), leads (offered, accepted, rejected, recalled, converted), content
    downloads and sign-ins for ``partners``, in EUR and USD; and reported sales
    (invoiced on earlier days too), points (earned, bonus, redeemed, refunded),
    funds (allocated, committed, claimed, a deal attributed and won) and
    certifications (earned, revoked) with the accreditation they bring."""
    ensure_stages()
    later = Programmes(first_day=first_day, days=days)
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
                later.day(
                    partner=partner,
                    user=user,
                    reviewer=reviewer,
                    day=day,
                    offset=offset,
                    index=index,
                    number=number,
                    stages=stages,
                )
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
