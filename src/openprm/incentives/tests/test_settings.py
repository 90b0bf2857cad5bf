"""The redemption approval threshold as a console and API setting: a vendor
admin sets it; the server's OPENPRM_REDEMPTION_APPROVAL_ABOVE is the default."""

import pytest
from django.db import transaction
from django.urls import reverse

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.errors import PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry
from openprm.incentives import ledger, rewards
from openprm.incentives.choices import EntryKind
from openprm.incentives.models import IncentiveSettings
from openprm.incentives.tests.factories import RewardFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return VendorUserFactory(vendor_role=VendorRole.VENDOR_ADMIN)


def _order(points=250):
    user = partner_user(roles=[PartnerRole.SALES])
    partner = user.memberships.get().partner
    account = ledger.account_for(partner_id=partner.pk)
    with transaction.atomic():
        ledger.credit(account=account, kind=EntryKind.BONUS, points=points)
    return rewards.redemption_order_place(
        actor=user,
        partner_id=partner.pk,
        reward=RewardFactory(),  # 100 points
    )


def test_the_setting_overrides_the_default_and_empty_goes_back_to_it(settings, admin):
    settings.OPENPRM_REDEMPTION_APPROVAL_ABOVE = 500
    assert _order().status == "placed"
    rewards.incentive_settings_update(actor=admin, redemption_approval_above=99)
    assert _order().status == "pending"
    rewards.incentive_settings_update(actor=admin, redemption_approval_above=0)
    assert _order().status == "placed"  # 0: never
    settings.OPENPRM_REDEMPTION_APPROVAL_ABOVE = 50
    rewards.incentive_settings_update(actor=admin, redemption_approval_above=None)
    assert _order().status == "pending"  # the default again
    verbs = AuditEntry.objects.filter(verb="incentive_settings.updated")
    assert verbs.count() == 3


def test_only_a_vendor_admin_changes_it_and_a_bad_value_changes_nothing(admin):
    rewards.incentive_settings_update(actor=admin, redemption_approval_above=200)
    marketing = VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING)
    with pytest.raises(PermissionDenied):
        rewards.incentive_settings_update(actor=marketing, redemption_approval_above=1)
    with pytest.raises(ValidationFailed) as refused:
        rewards.incentive_settings_update(actor=admin, redemption_approval_above=-5)
    assert "redemption_approval_above" in refused.value.field_errors
    assert IncentiveSettings.objects.get().redemption_approval_above == 200


def test_the_console_page_sets_it(client, settings, admin):
    settings.OPENPRM_REDEMPTION_APPROVAL_ABOVE = 0
    client.force_login(admin)
    url = reverse("console:incentive_settings")
    page = client.get(url)
    assert "Now: no order waits for approval." in page.content.decode()
    saved = client.post(url, {"redemption_approval_above": "300"})
    assert saved.status_code == 302
    page = client.get(url)
    assert "priced above 300 points wait for approval" in page.content.decode()
    refused = client.post(url, {"redemption_approval_above": "-1"})
    assert refused.status_code == 200
    assert "greater than or equal to 0" in refused.content.decode()
    assert IncentiveSettings.objects.get().redemption_approval_above == 300
    rewards_page = client.get(reverse("console:incentive_rewards"))
    assert "Settings" in rewards_page.content.decode()


def test_the_api_reads_and_sets_it(client, settings, admin):
    settings.OPENPRM_REDEMPTION_APPROVAL_ABOVE = 1000
    client.force_login(admin)
    read = client.get("/api/v1/incentive-settings")
    assert read.json() == {
        "redemption_approval_above": None,
        "redemption_approval_default": 1000,
        "redemption_approval_in_force": 1000,
    }
    changed = client.put(
        "/api/v1/incentive-settings",
        {"redemption_approval_above": 250},
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert changed.json()["redemption_approval_in_force"] == 250
    bad = client.put(
        "/api/v1/incentive-settings",
        {"redemption_approval_above": -1},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert [error["field"] for error in bad.json()["errors"]] == [
        "redemption_approval_above"
    ]
    assert rewards.approval_above() == 250
