"""seed-demo's ecosystem of 20 partners, built once for the module: each test
reads it (or tries to seed again) inside its own savepoint of the module's
transaction, which is rolled back at the end.

Tests that seed with other settings or sizes are in test_seed_demo.py.
"""

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction

from openprm.accounts.models import User
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.demo.ecosystem import DEMO_LOGINS
from openprm.integrations.models import WebhookEndpoint
from openprm.partners.models import Partner
from openprm.programs.models import Enrolment, Programme
from openprm.tenancy.models import Invitation, Membership


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed-demo", *args, stdout=out)
    return out.getvalue()


def ecosystem_partners():
    """The ecosystem's partners, without those approved demo applications created."""
    return Partner.objects.exclude(applications__status="approved")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """`seed-demo --partners 20`, once: seeding takes seconds, reading it does not."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed("--partners", "20")
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_fixed_demo_logins_exist_with_their_roles(seeded, settings):
    admin = authenticate(
        email="admin@openprm.example", password=settings.OPENPRM_DEMO_PASSWORD
    )
    distributor = Membership.objects.get(user__email="distributor@openprm.example")
    partner = Membership.objects.get(user__email="partner@openprm.example")
    assert (
        admin is not None and admin.vendor_role == "vendor_admin" and admin.is_superuser
    )
    assert distributor.partner.partner_type == "distributor"
    assert distributor.roles == ["partner_admin"]
    assert partner.partner.parent == distributor.partner
    assert partner.roles == ["partner_admin"]
    vendor_roles = set(
        User.objects.exclude(vendor_role="").values_list("vendor_role", flat=True)
    )
    assert vendor_roles == {
        "vendor_admin", "channel_manager", "channel_marketing", "finance", "analyst"
    }  # fmt: skip


@pytest.mark.django_db
def test_seed_demo_refuses_a_database_that_has_partners(seeded):
    with pytest.raises(CommandError, match="already has partners"):
        seed()
    assert ecosystem_partners().count() == 20


@pytest.mark.django_db
def test_seed_demo_if_empty_skips_quietly_and_still_prints_the_logins(seeded):
    output = seed("--if-empty")

    assert "demo seeding skipped" in output
    assert all(login.email in output for login in DEMO_LOGINS)
    assert ecosystem_partners().count() == 20


@pytest.mark.django_db
def test_seed_demo_shows_the_kernel_at_work(seeded):
    assert (
        AuditEntry.objects.filter(
            object_type="partners.partner", actor__isnull=True
        ).count()
        == 20
    )
    assert (
        OutboxEvent.objects.filter(
            name="partner.created", actor_id__isnull=True
        ).count()
        == 20
    )
    assert Invitation.objects.filter(partner__name="Contoso Solutions").count() >= 3
    # The demo CRM's endpoint and the demo fulfilment service's, both disabled.
    assert WebhookEndpoint.objects.filter(is_active=False).count() == 2


@pytest.mark.django_db
def test_every_write_of_the_demo_names_its_business_action(seeded):
    # The demo drives most services (partners, imports, applications, journeys,
    # deals, leads, campaigns, ...): each of their audit entries has a verb.
    assert AuditEntry.objects.count() > 100
    assert (
        list(AuditEntry.objects.filter(verb="").values_list("object_type", flat=True))
        == []
    )


@pytest.mark.django_db
def test_seed_demo_scores_every_enrolled_partners_health(seeded):
    from openprm.metrics.models import HealthModel, PartnerHealth

    assert HealthModel.objects.count() == Programme.objects.count() > 0
    scored = PartnerHealth.objects.values("partner_id").distinct().count()
    assert scored == Enrolment.objects.filter(status="active").count() > 0


@pytest.mark.django_db
def test_seed_demo_has_redemption_orders_in_every_state_with_their_fulfilment(seeded):
    from openprm.incentives import ledger, rewards
    from openprm.incentives.choices import OrderStatus
    from openprm.incentives.models import RedemptionOrder

    orders = RedemptionOrder.objects.all()
    assert set(orders.values_list("status", flat=True)) == set(OrderStatus.values)
    webhook_orders = orders.filter(fulfilment_provider="webhook")
    assert webhook_orders.count() == 4
    assert rewards.approval_above() == 1000
    failed = orders.get(status=OrderStatus.FAILED)
    assert failed.refund_entry.points == failed.points
    delivered = orders.get(status=OrderStatus.DELIVERED)
    assert list(
        delivered.fulfilment_updates.order_by("id").values_list("status", flat=True)
    ) == ["submitted", "shipped", "delivered"]
    for account in {order.redeem_entry.account for order in orders}:
        assert ledger.balance_of(account) == ledger.spendable_of(account) >= 0


@pytest.mark.django_db
def test_seed_demo_offers_a_reward_that_converts_points_to_mdf(seeded):
    from openprm.incentives.choices import RewardKind
    from openprm.incentives.models import Reward

    reward = Reward.objects.get(kind=RewardKind.MDF)
    assert (reward.mdf_amount, reward.mdf_currency) == (Decimal("50.00"), "EUR")
    assert reward.mdf_budget.closed_at is None


@pytest.mark.django_db
def test_seed_demo_sends_nothing_to_its_fulfilment_endpoint_where_nothing_listens(
    seeded, settings
):
    """A first run is quiet: the demo fulfilment endpoint is disabled, its
    submissions failed without an attempt, and new orders wait for a hand."""
    from openprm.demo.redemptions import DEMO_FULFILMENT_URL
    from openprm.incentives.models import FulfilmentSetting
    from openprm.integrations.models import WebhookAttempt, WebhookDelivery
    from openprm.integrations.webhooks import dispatch

    assert not WebhookEndpoint.objects.filter(is_active=True).exists()
    endpoint = WebhookEndpoint.objects.get(url=DEMO_FULFILMENT_URL)
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint)
    assert deliveries.count() == 4
    assert set(deliveries.values_list("status", flat=True)) == {"failed"}
    assert not FulfilmentSetting.objects.filter(is_default=True).exists()
    assert FulfilmentSetting.objects.get(provider="webhook").options == {
        "endpoint": str(endpoint.public_id)
    }
    settings.OPENPRM_OUTBOX_RELAY = False
    dispatch.send_due()
    assert not WebhookAttempt.objects.exists()


@pytest.mark.django_db
def test_seed_demo_leaves_tier_recommendations_in_every_state(seeded):
    from openprm.metrics.models import RecommendationStatus, TierRecommendation

    recommendations = TierRecommendation.objects.all()
    # At 20 partners every recommendation gets one of the decided states; the
    # 200 of a default seed leave most of them pending as well (docs/tiers.md).
    assert set(recommendations.values_list("status", flat=True)) >= {
        RecommendationStatus.APPROVED,
        RecommendationStatus.APPLIED,
        RecommendationStatus.REJECTED,
        RecommendationStatus.WITHDRAWN,
    }
    assert set(recommendations.values_list("direction", flat=True)) == {
        "promote",
        "demote",
    }
    # The data sit at their tiers' levels: most enrolled partners keep their tier.
    moving = recommendations.exclude(status=RecommendationStatus.WITHDRAWN).count()
    assert moving * 2 < Enrolment.objects.filter(status="active").count()
