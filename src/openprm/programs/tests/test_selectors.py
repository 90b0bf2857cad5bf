import pytest
from django.db import IntegrityError

from openprm.accounts.tests.factories import UserFactory
from openprm.core.errors import NotFound
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs import selectors
from openprm.programs.models import Enrolment
from openprm.programs.tests.factories import EnrolmentFactory, programme_with_tiers
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_second_active_enrolment():
    enrolment = EnrolmentFactory()

    with pytest.raises(IntegrityError):
        Enrolment.objects.create(
            partner=enrolment.partner,
            programme=enrolment.programme,
            tier=enrolment.tier,
        )


def test_a_partner_user_sees_only_their_organisations_enrolments():
    mine = EnrolmentFactory()
    EnrolmentFactory()
    user = partner_user(partner=mine.partner)

    assert list(selectors.enrolment_list_visible_to(user=user)) == [mine]


def test_a_distributor_sees_the_enrolments_beneath_it():
    distributor = PartnerFactory(partner_type="distributor", downstream_visibility=True)
    below = EnrolmentFactory(partner=PartnerFactory(parent=distributor))
    EnrolmentFactory()

    visible = selectors.enrolment_list_visible_to(
        user=partner_user(partner=distributor)
    )

    assert list(visible) == [below]


def test_a_partner_user_does_not_see_a_programme_after_the_enrolment_ended():
    enrolment = EnrolmentFactory()
    user = partner_user(partner=enrolment.partner)
    Enrolment.objects.filter(pk=enrolment.pk).update(status="ended")

    assert list(selectors.programme_list_visible_to(user=user)) == []
    with pytest.raises(NotFound):
        selectors.programme_get(user=user, public_id=enrolment.programme.public_id)


def test_every_vendor_role_reads_every_programme():
    programme = programme_with_tiers()

    for role in ("channel_manager", "channel_marketing", "finance", "analyst"):
        user = UserFactory(vendor_role=role)
        assert list(selectors.programme_list_visible_to(user=user)) == [programme]


def test_without_a_measuring_app_active_users_counts_active_members(monkeypatch):
    from openprm.programs import metrics

    monkeypatch.setattr(metrics, "_providers", {})
    partner = PartnerFactory()
    partner_user(partner=partner)
    partner_user(partner=partner, is_active=False)
    gone = partner_user(partner=partner)
    gone.is_active = False
    gone.save()

    assert selectors.partner_metric_values(partner=partner)["active_users"] == 1


def test_a_registered_provider_replaces_and_adds_figures(monkeypatch):
    from openprm.programs import metrics

    monkeypatch.setattr(
        metrics,
        "_providers",
        {"test": lambda ids: {pk: {"active_users": 7, "x": 1} for pk in ids}},
    )
    partner = PartnerFactory()
    partner_user(partner=partner)

    assert selectors.partner_metric_values(partner=partner) == {
        "active_users": 7,
        "x": 1,
    }
