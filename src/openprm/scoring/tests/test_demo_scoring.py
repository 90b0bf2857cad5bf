import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.demo.profiles import build_demo_profiles
from openprm.demo.scoring import build_demo_scoring
from openprm.partners.tests.factories import PartnerFactory
from openprm.scoring.models import PartnerScore, Scorecard

pytestmark = pytest.mark.django_db


def test_the_demo_scores_every_partner_on_reseller_fit_with_reasons():
    PartnerFactory.create_batch(6)
    PartnerFactory(status="prospect")
    build_demo_profiles()

    scorecard = build_demo_scoring(actor=VendorUserFactory())

    assert scorecard.name == "Reseller fit"
    assert scorecard.criteria.count() == 5
    scores = PartnerScore.objects.filter(scorecard=scorecard, is_current=True)
    assert scores.count() == 7
    assert all(len(score.breakdown) == 5 for score in scores)


def test_running_the_demo_twice_changes_nothing():
    PartnerFactory.create_batch(3)
    admin = VendorUserFactory()
    build_demo_scoring(actor=admin)

    build_demo_scoring(actor=admin)

    assert Scorecard.objects.count() == 1
    assert PartnerScore.objects.count() == 3
