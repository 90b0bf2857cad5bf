from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from openprm.accounts.models import User
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.demo.ecosystem import DEMO_LOGINS, EcosystemBuilder
from openprm.integrations.models import WebhookEndpoint
from openprm.partners.models import Partner, PartnerDomain
from openprm.programs.models import Enrolment, Programme
from openprm.tenancy.models import Invitation, Membership


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed-demo", *args, stdout=out)
    return out.getvalue()


def ecosystem_partners():
    """The ecosystem's partners, without those approved demo applications created."""
    return Partner.objects.exclude(applications__status="approved")


@pytest.mark.django_db
def test_seed_demo_builds_about_two_hundred_partners_with_users():
    seed()

    assert ecosystem_partners().count() == 200
    assert Partner.objects.filter(partner_type="distributor").count() >= 3
    assert Partner.objects.filter(depth=2).exists()  # sub-resellers
    assert Partner.objects.values("country").distinct().count() >= 10
    assert Membership.objects.count() >= 200


@pytest.mark.django_db
def test_the_fixed_demo_logins_exist_with_their_roles(settings):
    seed("--partners", "20")

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
def test_demo_users_share_the_password_from_the_environment(settings):
    settings.OPENPRM_DEMO_PASSWORD = "another-demo-secret"
    seed("--partners", "20")

    assert authenticate(email="partner@openprm.example", password="another-demo-secret")
    assert not authenticate(email="partner@openprm.example", password="openprm-demo")


@pytest.mark.django_db
def test_the_same_seed_builds_the_same_ecosystem():
    def build() -> list[tuple]:
        EcosystemBuilder(seed=7, partner_count=60, password="pw").build()
        rows = list(
            Partner.objects.order_by("id").values_list(
                "name", "partner_type", "status", "country", "depth"
            )
        )
        emails = sorted(User.objects.values_list("email", flat=True))
        Membership.objects.all().delete()
        User.objects.all().delete()
        for depth in (2, 1, 0):  # children before their parents
            Partner.objects.filter(depth=depth).delete()
        return [rows, emails]

    assert build() == build()


@pytest.mark.django_db
def test_seed_demo_refuses_a_database_that_has_partners():
    seed("--partners", "20")

    with pytest.raises(CommandError, match="already has partners"):
        seed()
    assert ecosystem_partners().count() == 20


@pytest.mark.django_db
def test_seed_demo_if_empty_skips_quietly_and_still_prints_the_logins():
    seed("--partners", "20")

    output = seed("--if-empty")

    assert "demo seeding skipped" in output
    assert all(login.email in output for login in DEMO_LOGINS)
    assert ecosystem_partners().count() == 20


@pytest.mark.django_db
def test_seed_demo_shows_the_kernel_at_work():
    seed("--partners", "20")

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
    assert WebhookEndpoint.objects.filter(is_active=False).count() == 1


@pytest.mark.django_db
def test_seed_demo_fills_profiles_and_enrols_active_partners_in_programmes():
    seed("--partners", "40")

    active = Partner.objects.filter(status="active")
    assert PartnerDomain.objects.filter(partner__in=ecosystem_partners()).count() == 40
    assert Programme.objects.count() == 3
    enrolled = set(
        Enrolment.objects.filter(status="active").values_list("partner_id", flat=True)
    )
    assert set(active.values_list("id", flat=True)) <= enrolled


@pytest.mark.django_db
def test_every_write_of_the_demo_names_its_business_action():
    # The demo drives most services (partners, imports, applications, journeys,
    # deals, leads, campaigns, ...): each of their audit entries has a verb.
    seed("--partners", "20")

    assert AuditEntry.objects.count() > 100
    assert (
        list(AuditEntry.objects.filter(verb="").values_list("object_type", flat=True))
        == []
    )


@pytest.mark.django_db
def test_seeding_prints_the_logins_and_no_email(settings, capsys):
    # The console backend of `make run` writes every email to standard output.
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

    output = seed("--partners", "20")

    printed = capsys.readouterr().out
    assert "MIME-Version" not in printed
    assert "Subject:" not in printed + output
    assert all(login.email in output for login in DEMO_LOGINS)
    assert Invitation.objects.filter(partner__name="Contoso Solutions").exists()


@pytest.mark.django_db
def test_seed_demo_scores_every_enrolled_partners_health():
    from openprm.metrics.models import HealthModel, PartnerHealth

    seed("--partners", "20")

    assert HealthModel.objects.count() == Programme.objects.count() > 0
    scored = PartnerHealth.objects.values("partner_id").distinct().count()
    assert scored == Enrolment.objects.filter(status="active").count() > 0


@pytest.mark.django_db
def test_seed_demo_has_redemption_orders_in_every_state_with_their_fulfilment():
    from openprm.incentives import ledger, rewards
    from openprm.incentives.choices import OrderStatus
    from openprm.incentives.models import FulfilmentSetting, RedemptionOrder

    seed("--partners", "20")

    orders = RedemptionOrder.objects.all()
    assert set(orders.values_list("status", flat=True)) == set(OrderStatus.values)
    assert FulfilmentSetting.objects.get(is_default=True).provider == "webhook"
    assert WebhookEndpoint.objects.filter(is_active=True).count() == 1
    assert rewards.approval_above() == 1000
    failed = orders.get(status=OrderStatus.FAILED)
    assert failed.refund_entry.points == failed.points
    delivered = orders.get(status=OrderStatus.DELIVERED)
    assert list(
        delivered.fulfilment_updates.order_by("id").values_list("status", flat=True)
    ) == ["submitted", "shipped", "delivered"]
    for account in {order.redeem_entry.account for order in orders}:
        assert ledger.balance_of(account) == ledger.spendable_of(account) >= 0
