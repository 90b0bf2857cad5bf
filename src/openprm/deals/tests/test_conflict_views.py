"""Conflicts before and after registering: the preview while the form is filled in,
the partner's view of a registered deal's conflicts, and the reviewer's view of a
protection that makes approval impossible."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.deals import services
from openprm.deals.choices import DealStatus
from openprm.deals.models import Deal
from openprm.deals.tests.factories import make_account, make_deal, seller
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def preview(client, **values):
    return client.get(
        reverse("portal:deal_conflict_preview"),
        {
            "customer_name": "Acme Corporation",
            "customer_domain": "acme.com",
            "line0_product_line": "security",
            **values,
        },
    )


def approved(**fields) -> Deal:
    """A registration approved by the service, so it holds a protection."""
    deal = make_deal(domain="acme.com", **fields)
    return services.deal_approve(actor=VendorUserFactory(), deal=deal)


def test_the_preview_shows_another_partners_registration_by_its_status_only(client):
    other = PartnerFactory(name="Rival Reseller GmbH")
    make_deal(partner=other, domain="acme.com", title="Rival's secret opportunity")
    client.force_login(seller())
    page = preview(client).content.decode()
    assert page.count('data-testid="preview-conflict"') == 1
    assert "A registration by another partner" in page
    assert "Submitted" in page
    assert "Same customer domain: acme.com" in page
    assert "Rival" not in page
    assert 'data-testid="preview-blocking"' not in page


def test_the_preview_says_when_another_registration_is_protected(client):
    deal = approved(partner=PartnerFactory(name="Rival Reseller GmbH"))
    client.force_login(seller())
    page = preview(client).content.decode()
    until = deal.protected_until.strftime("%-d %b %Y")
    assert f"Another registration is protected until {until}." in page
    assert "Approved" in page
    assert "Rival" not in page


def test_the_preview_does_not_block_another_product_line(client):
    approved()
    client.force_login(seller())
    page = preview(client, line0_product_line="cloud").content.decode()
    assert 'data-testid="preview-blocking"' not in page
    assert page.count('data-testid="preview-conflict"') == 1


def test_the_preview_names_the_partners_own_registration(client):
    user = seller()
    make_deal(
        partner=user.memberships.get().partner,
        domain="acme.com",
        title="Our earlier firewall deal",
    )
    client.force_login(user)
    page = preview(client).content.decode()
    assert "Your organisation's registration" in page
    assert "Our earlier firewall deal" in page


def test_the_preview_shows_a_vendor_account_without_its_crm_id(client):
    make_account(name="Acme Corporation", domain="acme.com", external_id="CRM-SECRET")
    client.force_login(seller())
    page = preview(client).content.decode()
    assert "The vendor's own account or opportunity" in page
    assert "CRM-SECRET" not in page


def test_the_preview_of_a_blank_customer_says_what_it_will_do(client):
    make_deal(domain="acme.com")
    client.force_login(seller())
    page = preview(client, customer_name="", customer_domain="").content.decode()
    assert "show here as you fill in the customer" in page
    assert 'data-testid="preview-conflict"' not in page


def test_the_preview_of_an_unknown_customer_says_none_was_found(client):
    client.force_login(seller())
    page = preview(client, customer_name="Zyxw Unique", customer_domain="").content
    assert b'data-testid="preview-clear"' in page


def test_the_preview_takes_the_same_queries_for_more_conflicts(client):
    client.force_login(seller())
    make_deal(domain="acme.com")
    preview(client)
    with CaptureQueriesContext(connection) as one:
        preview(client)
    for _ in range(4):
        make_deal(domain="acme.com")
    with CaptureQueriesContext(connection) as five:
        page = preview(client).content.decode()
    assert page.count('data-testid="preview-conflict"') == 5
    assert len(five) == len(one)


def test_the_registration_form_asks_for_the_preview_and_offers_countries(client):
    user = seller(partner=PartnerFactory(country="NO"))
    client.force_login(user)
    page = client.get(reverse("portal:deal_register")).content.decode()
    assert reverse("portal:deal_conflict_preview") in page
    assert '<option value="NO">Norway</option>' in page
    # The partner's own currency until they choose another.
    assert '<option value="NOK" selected>' in page


def test_the_partners_deal_page_says_approval_is_impossible(client):
    approved(partner=PartnerFactory(name="Rival Reseller GmbH"))
    user = seller()
    client.force_login(user)
    mine = make_deal(partner=user.memberships.get().partner, domain="acme.com")
    services.record_conflicts(
        deal=mine,
        lines=[{"product_line": "security"}],
        now=timezone.now(),
    )
    page = client.get(reverse("portal:deal_detail", args=[mine.public_id]))
    text = page.content.decode()
    assert 'data-testid="blocking"' in text
    assert "cannot be approved while that protection lasts" in text
    assert "A registration by another partner" in text
    assert "Rival" not in text


def test_the_reviewer_sees_the_protection_and_is_not_offered_approve(client):
    holder = approved(partner=PartnerFactory(name="Rival Reseller GmbH"))
    waiting = make_deal(domain="acme.com")
    client.force_login(VendorUserFactory())
    page = client.get(reverse("console:deal_detail", args=[waiting.public_id]))
    text = page.content.decode()
    assert 'data-testid="blocking"' in text
    assert holder.title in text and "Rival Reseller GmbH" in text
    assert reverse("console:deal_approve", args=[waiting.public_id]) not in text
    assert 'data-testid="approve-unavailable"' in text
    # Reject and ask stay offered.
    assert reverse("console:deal_reject", args=[waiting.public_id]) in text


def test_approve_is_offered_once_the_protection_has_lapsed(client):
    holder = approved()
    Deal.objects.filter(pk=holder.pk).update(
        protected_until=timezone.now() - timedelta(days=1)
    )
    holder.protections.update(ends_at=timezone.now() - timedelta(days=1))
    waiting = make_deal(domain="acme.com")
    client.force_login(VendorUserFactory())
    text = client.get(
        reverse("console:deal_detail", args=[waiting.public_id])
    ).content.decode()
    assert reverse("console:deal_approve", args=[waiting.public_id]) in text


def test_the_service_still_refuses_an_approval_the_page_does_not_offer(client):
    approved()
    waiting = make_deal(domain="acme.com")
    audits, events = AuditEntry.objects.count(), OutboxEvent.objects.count()
    client.force_login(VendorUserFactory())
    response = client.post(
        reverse("console:deal_approve", args=[waiting.public_id]), follow=True
    )
    assert "protects this customer and product line until" in (
        response.content.decode()
    )
    waiting.refresh_from_db()
    assert waiting.status == DealStatus.SUBMITTED
    assert waiting.protected_until is None
    assert waiting.protections.count() == 0
    assert AuditEntry.objects.count() == audits
    assert OutboxEvent.objects.count() == events
