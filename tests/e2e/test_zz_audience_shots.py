import pytest

from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.content.models import Asset
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import EnrolmentFactory, programme_with_tiers
from openprm.segments.models import StaticListMember
from openprm.segments.tests.factories import AudienceFactory, StaticListFactory
from openprm.tenancy.tests.factories import MembershipFactory
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOLD = {"all": [
    {"field": "tier", "op": "gte", "value": {"programme": "apex", "tier": "Gold"}},
    {"field": "region", "op": "eq", "value": "EMEA"},
    {"field": "partner_type", "op": "eq", "value": "reseller"},
]}


@pytest.mark.parametrize("width", [1366, 390])
def test_shots(browser, live_server, width):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    apex = programme_with_tiers("Silver", "Gold", "Platinum", slug="apex")
    contoso = PartnerFactory(name="Contoso Solutions", region="EMEA")
    EnrolmentFactory(partner=contoso, programme=apex, tier=apex.tiers.get(name="Gold"))
    for i in range(6):
        p = PartnerFactory(name=f"Partner {i}", region="EMEA" if i % 2 else "NA", country="DE" if i % 2 else "US")
        MembershipFactory(partner=p, roles=["sales"])
    MembershipFactory(partner=contoso, roles=["marketing"])
    MembershipFactory(partner=contoso, roles=["technical"])
    key = StaticListFactory(name="Key accounts")
    StaticListMember.objects.create(segment=key, partner=contoso)
    gold = AudienceFactory(name="Gold and above, EMEA resellers", rule=GOLD, partner_roles=["marketing", "partner_admin"], description="Co-branded campaign kits")
    AudienceFactory(name="Everyone active")
    AudienceFactory(name="North America", rule={"field": "region", "op": "eq", "value": "NA"})
    AudienceFactory(name="Key accounts, technical", rule={"field": "segment", "op": "eq", "value": str(key.public_id)}, partner_roles=["technical"])
    Asset.objects.create(kind="link", title="Gold campaign kit", url="https://example.com", audience=gold, publish_at=timezone.now())
    VendorUserFactory(email="mia@vendor.example", vendor_role="channel_marketing")
    page.goto("/")
    page.get_by_label("Email").fill("mia@vendor.example")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/console/audiences/")
    page.screenshot(path=f"/tmp/shots/audiences/list-{width}.png", full_page=True)
    page.goto(f"/console/audiences/{gold.public_id}/edit/")
    page.get_by_test_id("reach").wait_for()
    page.screenshot(path=f"/tmp/shots/audiences/form-{width}.png", full_page=True)
    page.goto(f"/console/audiences/explain/?q=contoso&partner={contoso.public_id}")
    page.screenshot(path=f"/tmp/shots/audiences/explain-{width}.png", full_page=True)
    context.close()
