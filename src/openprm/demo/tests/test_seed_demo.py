from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from openprm.accounts.models import User
from openprm.demo.ecosystem import DEMO_LOGINS, EcosystemBuilder
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
def test_seeding_prints_the_logins_and_no_email(settings, capsys):
    # The console backend of `make run` writes every email to standard output.
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

    output = seed("--partners", "20")

    printed = capsys.readouterr().out
    assert "MIME-Version" not in printed
    assert "Subject:" not in printed + output
    assert all(login.email in output for login in DEMO_LOGINS)
    assert Invitation.objects.filter(partner__name="Contoso Solutions").exists()
