import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.demo.programs import build_demo_programs
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.models import Enrolment, Programme, TierChange

pytestmark = pytest.mark.django_db

# Enrolments whose tier the demo changed after enrolling (with Random(2026)).
CHANGED = 6


def make_partners():
    for number in range(12):
        PartnerFactory(name=f"Reseller {number:02d}")
    PartnerFactory(name="Referrer", partner_type="referral")
    PartnerFactory(name="Operator", partner_type="msp")
    PartnerFactory(name="Prospect", status="prospect")


def snapshot():
    return sorted(
        Enrolment.objects.values_list("partner__name", "programme__slug", "tier__name")
    )


def test_the_demo_programmes_have_ordered_tiers_with_rules():
    build_demo_programs(actor=VendorUserFactory())

    reseller = Programme.objects.get(slug="reseller")
    assert list(reseller.tiers.values_list("name", flat=True)) == [
        "Registered",
        "Silver",
        "Gold",
        "Platinum",
    ]
    gold = reseller.tiers.get(name="Gold")
    # Won deal revenue and deals won: what every demo partner's history has
    # (demo.metrics), so the first evaluation keeps most partners in place.
    assert set(gold.requirements.values_list("metric", flat=True)) == {
        "won_revenue",
        "deals_won_12m",
    }
    assert gold.benefits.count() == 4
    assert sorted(Programme.objects.values_list("slug", flat=True)) == [
        "msp",
        "referral",
        "reseller",
    ]


def test_active_partners_are_enrolled_where_their_type_fits_with_history():
    make_partners()

    build_demo_programs(actor=VendorUserFactory())

    programme_of = {partner: slug for partner, slug, _tier in snapshot()}
    assert len(programme_of) == 14
    assert (programme_of["Referrer"], programme_of["Operator"]) == ("referral", "msp")
    assert "Prospect" not in programme_of
    assert {programme_of[f"Reseller {number:02d}"] for number in range(12)} == {
        "reseller"
    }
    assert TierChange.objects.filter(from_tier__isnull=False).count() == CHANGED


def test_the_demo_is_deterministic_and_runs_twice_without_change():
    make_partners()
    admin = VendorUserFactory()
    build_demo_programs(actor=admin)
    first = snapshot()
    changes = TierChange.objects.count()

    build_demo_programs(actor=admin)

    assert snapshot() == first
    assert TierChange.objects.count() == changes
    assert Programme.objects.count() == 3


def test_the_demo_ecosystem_gets_enrolled():
    from openprm.accounts.models import User
    from openprm.demo.ecosystem import VENDOR_LOGINS, EcosystemBuilder

    EcosystemBuilder(seed=2026, partner_count=40, password="demo").build()
    admin = User.objects.get(email=VENDOR_LOGINS[0].email)

    build_demo_programs(actor=admin)

    active = Partner.objects.filter(status="active").count()
    assert Enrolment.objects.count() == active
