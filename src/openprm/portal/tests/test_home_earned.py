"""The portal home's "What you have earned" card: won revenue over the last 12
months (the rollups), the points balance, the funds available per currency and
the current tier's discount, each only for a reader whose roles open the page it
links to, only the organisation's own, escaped, and in a fixed number of
queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.funds.tests.factories import FundFactory, allocate, budget
from openprm.incentives import ledger
from openprm.incentives.choices import EntryKind
from openprm.metrics.selectors import add_months
from openprm.metrics.tests.test_api import THIS_MONTH, figures
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import (
    EnrolmentFactory,
    TierBenefitFactory,
    programme_with_tiers,
)
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def earned(partner, *, months: int = 1, entries: int = 1, funds: int = 1) -> None:
    """Won revenue of 1,500 a month, 100 points an entry, an allocation of 2,000
    EUR per fund, and the Gold tier with a 15 % discount."""
    month = THIS_MONTH
    for _ in range(months):
        figures(partner, month=month, won_revenue="1500")
        month = add_months(month, -1)
    account = ledger.account_for(partner_id=partner.pk)
    for _ in range(entries):
        ledger.credit(account=account, kind=EntryKind.BONUS, points=100)
    for _ in range(funds):
        allocate(partner, budget(), "2000.00")
    programme = programme_with_tiers("Gold<b>", name="Partner programme")
    tier = programme.tiers.get()
    TierBenefitFactory(tier=tier, value="15")
    EnrolmentFactory(partner=partner, programme=programme, tier=tier)


def _home(client, partner, roles):
    membership = MembershipFactory(partner=partner, roles=roles)
    client.force_login(membership.user)
    response = client.get("/portal/")
    assert response.status_code == 200
    return response


def _figures(response) -> dict[str, tuple[str, ...]]:
    return {figure.key: figure.values for figure in response.context["earned"]}


def test_a_partner_admin_reads_revenue_points_funds_and_discount(client):
    partner = PartnerFactory()
    earned(partner, months=3, entries=2)

    response = _home(client, partner, [PartnerRole.PARTNER_ADMIN])

    assert _figures(response) == {
        "revenue": ("4,500.00 EUR",),
        "points": ("200 points",),
        "funds": ("2,000.00 EUR",),
        "discount": ("15 % (Gold<b>)",),
    }
    page = response.content.decode()
    assert 'href="/portal/earnings/"' in page
    assert 'href="/portal/funds/"' in page
    assert 'href="/portal/programme/"' in page
    assert 'href="/portal/tier/"' in page


def test_revenue_older_than_twelve_months_is_not_counted(client):
    partner = PartnerFactory()
    earned(partner, months=14)

    response = _home(client, partner, [PartnerRole.PARTNER_ADMIN])

    assert _figures(response)["revenue"] == ("18,000.00 EUR",)  # 12 x 1,500


def test_funds_available_are_summed_per_currency(client):
    partner = PartnerFactory()
    earned(partner, funds=2)
    allocate(partner, budget(fund=FundFactory(currency="USD")), "300.00")

    response = _home(client, partner, [PartnerRole.PARTNER_ADMIN])

    assert _figures(response)["funds"] == ("4,000.00 EUR", "300.00 USD")


def test_a_salesperson_sees_no_funds_figure(client):
    partner = PartnerFactory()
    earned(partner)

    response = _home(client, partner, [PartnerRole.SALES])

    assert set(_figures(response)) == {"revenue", "points", "discount"}
    assert 'data-testid="earned-funds"' not in response.content.decode()


def test_another_partners_figures_are_never_shown(client):
    earned(PartnerFactory())
    mine = PartnerFactory()

    response = _home(client, mine, [PartnerRole.PARTNER_ADMIN])

    assert response.context["earned"] == []
    page = response.content.decode()
    assert "Nothing earned yet" in page
    assert "Gold" not in page


def test_points_held_by_users_show_the_readers_own_balance(client, settings):
    settings.OPENPRM_POINTS_HOLDER = "user"
    partner = PartnerFactory()
    colleague = MembershipFactory(partner=partner, roles=[PartnerRole.SALES])
    ledger.credit(
        account=ledger.account_for(partner_id=partner.pk, user_id=colleague.user_id),
        kind=EntryKind.BONUS,
        points=70,
    )

    reader = MembershipFactory(partner=partner, roles=[PartnerRole.SALES])
    client.force_login(reader.user)

    assert "points" not in _figures(client.get("/portal/"))

    ledger.credit(
        account=ledger.account_for(partner_id=partner.pk, user_id=reader.user_id),
        kind=EntryKind.BONUS,
        points=30,
    )
    assert _figures(client.get("/portal/"))["points"] == ("30 points",)


def test_names_are_escaped(client):
    partner = PartnerFactory()
    earned(partner)

    page = _home(client, partner, [PartnerRole.PARTNER_ADMIN]).content.decode()

    assert "Gold&lt;b&gt;" in page
    assert "Gold<b>" not in page


def test_the_card_reads_the_same_queries_for_many_figures_as_for_one(client):
    few, many = PartnerFactory(), PartnerFactory()
    earned(few)
    earned(many, months=12, entries=6, funds=4)
    counts = []
    for partner in (few, many):
        membership = MembershipFactory(
            partner=partner, roles=[PartnerRole.PARTNER_ADMIN]
        )
        client.force_login(membership.user)
        client.get("/portal/")  # warm the caches (navigation, session)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/portal/")
        assert len(response.context["earned"]) == 4
        counts.append(len(queries))
        client.logout()
    assert counts[0] == counts[1]
