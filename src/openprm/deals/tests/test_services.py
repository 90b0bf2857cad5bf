from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.business_days import add_business_days
from openprm.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.deals import services
from openprm.deals.choices import DealStatus, ExtensionStatus
from openprm.deals.models import Deal, DealConflict, DealProtection, DealRevenue
from openprm.deals.tests.factories import (
    make_account,
    make_deal,
    registration,
    seller,
)
from openprm.notifications.models import Notification
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.choices import BenefitKind
from openprm.programs.tests.factories import EnrolmentFactory, TierBenefitFactory
from openprm.tenancy.choices import PartnerRole

pytestmark = pytest.mark.django_db


def event_names():
    return list(
        OutboxEvent.objects.exclude(name__startswith="partner.")
        .order_by("id")
        .values_list("name", flat=True)
    )


def written() -> tuple[int, int]:
    """Audit entries and events so far (partner factories write some)."""
    return AuditEntry.objects.count(), OutboxEvent.objects.count()


def register(user, **overrides):
    partner = user.memberships.get().partner
    return services.deal_register(
        actor=user, partner=partner, **registration(**overrides)
    )


@pytest.fixture
def reviewer():
    return VendorUserFactory()


# --- registration


def test_registering_records_the_deal_its_lines_audit_and_event(settings):
    settings.OPENPRM_DEAL_APPROVAL_SLA_DAYS = 3
    user = seller()
    deal = register(
        user,
        lines=[
            {"product_line": "security", "quantity": 10, "amount": "5000"},
            {"product_line": "cloud", "quantity": 1, "amount": "1200.5"},
        ],
    )
    assert deal.status == DealStatus.SUBMITTED
    assert deal.total_amount == Decimal("6200.50")
    assert deal.customer_domain == "acme.com"
    assert deal.customer_key == "domain:acme.com"
    assert sorted(deal.lines.values_list("product_line", flat=True)) == [
        "cloud",
        "security",
    ]
    assert deal.review_due_at == add_business_days(deal.submitted_at, 3)
    assert AuditEntry.objects.filter(verb="deal.registered").count() == 1
    assert event_names() == ["deal.registered"]


def test_registering_notifies_the_vendor_admins_when_no_channel_manager(reviewer):
    register(seller())
    assert (
        Notification.objects.filter(recipient=reviewer, kind="deal.registered").count()
        == 1
    )


def test_a_registration_for_a_customer_already_registered_records_the_conflict():
    existing = make_deal(customer_name="ACME Corp.", domain="acme.com")
    deal = register(seller())
    conflict = DealConflict.objects.get(deal=deal)
    assert conflict.conflicting_deal == existing
    assert conflict.score == 100
    codes = [reason["code"] for reason in conflict.reasons]
    assert codes == ["domain", "name", "product_line", "dates", "other_partner"]
    assert deal.conflict_score == 100


def test_a_vendor_account_is_a_conflict():
    account = make_account(name="Acme Corporation", domain="acme.com")
    deal = register(seller())
    conflict = DealConflict.objects.get(deal=deal)
    assert conflict.account == account
    assert conflict.reasons[-1]["code"] == "vendor_account"


def test_closed_registrations_are_not_conflicts():
    make_deal(customer_name="Acme", domain="acme.com", status=DealStatus.LOST)
    deal = register(seller())
    assert DealConflict.objects.filter(deal=deal).count() == 0


def test_a_partner_user_without_the_sales_role_cannot_register():
    user = seller(roles=[PartnerRole.MARKETING])
    before = written()
    with pytest.raises(PermissionDenied):
        register(user)
    assert Deal.objects.count() == 0
    assert written() == before


def test_a_user_cannot_register_for_another_partner():
    user = seller()
    with pytest.raises(PermissionDenied):
        services.deal_register(actor=user, partner=PartnerFactory(), **registration())
    assert Deal.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"lines": [{"product_line": "toasters", "amount": "1"}]},
            "lines.0.product_line",
        ),
        ({"lines": []}, "lines"),
        ({"lines": [{"product_line": "cloud", "amount": "-1"}]}, "lines.0.amount"),
        ({"currency": "euro"}, "currency"),
        ({"customer_name": " "}, "customer_name"),
        (
            {"expected_close_date": timezone.localdate() - timedelta(days=1)},
            "expected_close_date",
        ),
    ],
)
def test_invalid_registrations_change_nothing(overrides, field):
    user = seller()
    before = written()
    with pytest.raises(ValidationFailed) as error:
        register(user, **overrides)
    assert field in error.value.field_errors
    assert Deal.objects.count() == 0
    assert written() == before


def test_a_valid_attachment_is_stored_and_a_disguised_one_refused():
    user = seller()
    pdf = SimpleUploadedFile("quote.pdf", b"%PDF-1.7 hello", "application/pdf")
    deal = register(user, attachments=[pdf])
    assert [item.original_name for item in deal.attachments.all()] == ["quote.pdf"]
    fake = SimpleUploadedFile("quote.pdf", b"MZ\x90\x00binary", "application/pdf")
    with pytest.raises(ValidationFailed) as error:
        register(user, attachments=[fake])
    assert "attachments" in error.value.field_errors
    assert Deal.objects.count() == 1


def test_an_oversized_attachment_is_refused(settings):
    settings.OPENPRM_DEAL_ATTACHMENT_MAX_BYTES = 10
    deal = register(seller())
    upload = SimpleUploadedFile("notes.txt", b"x" * 11, "text/plain")
    with pytest.raises(ValidationFailed):
        services.deal_attachment_add(actor=deal.registered_by, deal=deal, upload=upload)
    assert deal.attachments.count() == 0


# --- decisions


def test_approval_grants_the_tier_protection_and_discount(reviewer):
    user = seller()
    deal = register(user)
    enrolment = EnrolmentFactory(partner=deal.partner)
    TierBenefitFactory(
        tier=enrolment.tier, kind=BenefitKind.DEAL_PROTECTION_DAYS, value=120
    )
    TierBenefitFactory(
        tier=enrolment.tier, kind=BenefitKind.DISCOUNT_PERCENT, value="12.5"
    )
    services.deal_approve(actor=reviewer, deal=deal)
    deal.refresh_from_db()
    assert deal.status == DealStatus.APPROVED
    assert deal.discount_percent == Decimal("12.50")
    assert deal.protected_until == deal.decided_at + timedelta(days=120)
    protection = DealProtection.objects.get(deal=deal)
    assert (protection.customer_key, protection.product_line) == (
        "domain:acme.com",
        "security",
    )
    assert event_names()[-1] == "deal.approved"
    assert Notification.objects.filter(recipient=user, kind="deal.decided").count() == 1


def test_approval_without_tier_benefits_uses_the_default_protection(settings, reviewer):
    settings.OPENPRM_DEAL_PROTECTION_DAYS = 30
    deal = services.deal_approve(actor=reviewer, deal=register(seller()))
    assert deal.discount_percent is None
    assert deal.protected_until == deal.decided_at + timedelta(days=30)


def test_a_second_approval_for_the_same_customer_and_product_line_is_refused(reviewer):
    first = register(seller())
    second = register(seller(), customer_name="ACME Corp")
    services.deal_approve(actor=reviewer, deal=first)
    before = written()
    with pytest.raises(Conflict):
        services.deal_approve(actor=reviewer, deal=second)
    second.refresh_from_db()
    assert second.status == DealStatus.SUBMITTED
    assert DealProtection.objects.filter(deal=second).count() == 0
    assert written() == before


def test_another_product_line_of_the_same_customer_can_be_approved(reviewer):
    first = register(seller())
    second = register(seller(), lines=[{"product_line": "cloud", "amount": "10"}])
    services.deal_approve(actor=reviewer, deal=first)
    services.deal_approve(actor=reviewer, deal=second)
    assert DealProtection.objects.filter(is_active=True).count() == 2


def test_a_lapsed_protection_not_yet_swept_does_not_block(reviewer):
    first = register(seller())
    services.deal_approve(actor=reviewer, deal=first)
    DealProtection.objects.update(ends_at=timezone.now() - timedelta(minutes=1))
    second = register(seller())
    services.deal_approve(actor=reviewer, deal=second)
    assert DealProtection.objects.get(is_active=True).deal == second


def test_only_reviewers_decide():
    deal = register(seller())
    for role in (VendorRole.FINANCE, VendorRole.ANALYST, VendorRole.CHANNEL_MARKETING):
        with pytest.raises(PermissionDenied):
            services.deal_approve(actor=VendorUserFactory(vendor_role=role), deal=deal)
    with pytest.raises(PermissionDenied):
        services.deal_approve(actor=deal.registered_by, deal=deal)
    deal.refresh_from_db()
    assert deal.status == DealStatus.SUBMITTED


def test_a_channel_manager_decides_only_for_their_partners():
    deal = register(seller())
    manager = VendorUserFactory(vendor_role=VendorRole.CHANNEL_MANAGER)
    with pytest.raises(NotFound):
        services.deal_approve(actor=manager, deal=deal)
    deal.partner.channel_manager = manager
    deal.partner.save(update_fields=["channel_manager"])
    services.deal_approve(actor=manager, deal=deal)
    assert deal.status == DealStatus.APPROVED


def test_reject_needs_a_reason_and_closes_the_deal(reviewer):
    deal = register(seller())
    with pytest.raises(ValidationFailed):
        services.deal_reject(actor=reviewer, deal=deal, reason=" ")
    services.deal_reject(actor=reviewer, deal=deal, reason="Already ours")
    deal.refresh_from_db()
    assert (deal.status, deal.rejection_reason) == (DealStatus.REJECTED, "Already ours")
    with pytest.raises(InvalidTransition):
        services.deal_approve(actor=reviewer, deal=deal)


def test_more_information_then_an_answer_restarts_the_review_clock(reviewer):
    user = seller()
    deal = register(user)
    services.deal_request_info(actor=reviewer, deal=deal, question="Budget?")
    assert deal.status == DealStatus.MORE_INFO_REQUESTED
    assert (
        Notification.objects.filter(recipient=user, kind="deal.info_requested").count()
        == 1
    )
    services.deal_answer(actor=user, deal=deal, answer="100k approved")
    deal.refresh_from_db()
    assert deal.status == DealStatus.SUBMITTED
    assert deal.review_due_at > deal.submitted_at
    assert [note.kind for note in deal.notes.order_by("id")] == [
        "info_request",
        "answer",
    ]
    with pytest.raises(InvalidTransition):
        services.deal_answer(actor=user, deal=deal, answer="again")


def test_the_reviewer_who_asked_is_told_of_the_answer(
    reviewer, django_capture_on_commit_callbacks
):
    user = seller()
    deal = register(user)
    other_reviewer = VendorUserFactory(vendor_role=VendorRole.VENDOR_ADMIN)
    services.deal_request_info(actor=reviewer, deal=deal, question="Budget?")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.deal_answer(actor=user, deal=deal, answer="100k approved")
    told = Notification.objects.filter(kind="deal.info_provided")
    assert [notification.recipient for notification in told] == [reviewer]
    notice = told.get()
    assert notice.subject == (
        f"{deal.partner.name} answered your question on {deal.title}"
    )
    assert notice.url == f"/console/deals/{deal.public_id}/"
    assert not told.filter(recipient__in=[user, other_reviewer]).exists()
    assert [message.to for message in mail.outbox] == [[reviewer.email]]
    assert "100k approved" in mail.outbox[0].body


def test_without_a_recorded_asker_the_deals_reviewers_are_told(reviewer):
    user = seller()
    deal = register(user)
    services.deal_request_info(actor=reviewer, deal=deal, question="Budget?")
    deal.notes.filter(kind="info_request").update(author=None)
    services.deal_answer(actor=user, deal=deal, answer="100k approved")
    told = Notification.objects.filter(kind="deal.info_provided")
    assert services.reviewers_for(deal) == [reviewer]
    assert list(told.values_list("recipient", flat=True)) == [reviewer.pk]
    assert not told.filter(recipient=user).exists()


def test_no_answer_is_announced_when_nothing_was_asked(reviewer):
    user = seller()
    deal = register(user)
    with pytest.raises(InvalidTransition):
        services.deal_answer(actor=user, deal=deal, answer="unasked")
    assert not Notification.objects.filter(kind="deal.info_provided").exists()


# --- extension, outcome, sweeps


def approved(reviewer, user=None, **overrides):
    deal = register(user or seller(), **overrides)
    return services.deal_approve(actor=reviewer, deal=deal)


def test_an_approved_extension_lengthens_the_protection(reviewer):
    deal = approved(reviewer)
    before = deal.protected_until
    extension = services.deal_extension_request(
        actor=deal.registered_by, deal=deal, days=30, reason="Board meets in June"
    )
    with pytest.raises(Conflict):
        services.deal_extension_request(
            actor=deal.registered_by, deal=deal, days=10, reason="again"
        )
    services.deal_extension_decide(actor=reviewer, extension=extension, approve=True)
    deal.refresh_from_db()
    assert extension.status == ExtensionStatus.APPROVED
    assert deal.protected_until == before + timedelta(days=30)
    assert DealProtection.objects.get(deal=deal).ends_at == before + timedelta(days=30)


def test_a_refused_extension_changes_no_date(reviewer):
    deal = approved(reviewer)
    before = deal.protected_until
    extension = services.deal_extension_request(
        actor=deal.registered_by, deal=deal, days=30, reason="Slow"
    )
    services.deal_extension_decide(actor=reviewer, extension=extension, approve=False)
    deal.refresh_from_db()
    assert deal.protected_until == before
    assert event_names()[-1] == "deal.extension_rejected"


def test_a_won_deal_records_revenue_and_frees_the_customer(reviewer):
    deal = approved(reviewer)
    services.deal_mark_won(actor=deal.registered_by, deal=deal, amount="48000")
    revenue = DealRevenue.objects.get()
    assert (revenue.partner_id, revenue.amount, revenue.currency) == (
        deal.partner_id,
        Decimal("48000.00"),
        "EUR",
    )
    assert deal.stage.kind == "won"
    assert event_names()[-1] == "deal.won"
    assert DealProtection.objects.filter(is_active=True).count() == 0


def test_only_an_approved_deal_can_be_won():
    deal = register(seller())
    with pytest.raises(InvalidTransition):
        services.deal_mark_won(actor=deal.registered_by, deal=deal)
    assert DealRevenue.objects.count() == 0


def test_a_lost_deal_ends_its_protection(reviewer):
    deal = approved(reviewer)
    services.deal_mark_lost(actor=deal.registered_by, deal=deal, reason="Price")
    assert deal.status == DealStatus.LOST
    assert DealProtection.objects.filter(is_active=True).count() == 0


def test_a_vendor_admin_records_a_deal_won_in_the_crm(reviewer):
    deal = approved(reviewer)
    audits, _events = written()
    tomorrow = timezone.localdate() + timedelta(days=1)
    services.deal_record_crm_outcome(
        actor=reviewer, deal=deal, won=True, amount="51000", closed_on=tomorrow
    )
    deal.refresh_from_db()
    revenue = DealRevenue.objects.get()
    assert deal.status == DealStatus.WON
    # A close date the CRM puts in the future counts as today.
    assert (revenue.amount, revenue.won_on) == (Decimal("51000"), timezone.localdate())
    assert event_names()[-1] == "deal.won"
    assert AuditEntry.objects.count() == audits + 2  # the deal and its revenue
    assert DealProtection.objects.filter(is_active=True).count() == 0


def test_a_vendor_admin_records_a_deal_lost_in_the_crm(reviewer):
    deal = approved(reviewer)
    services.deal_record_crm_outcome(
        actor=reviewer, deal=deal, won=False, reason="Closed lost in the CRM"
    )
    deal.refresh_from_db()
    assert deal.status == DealStatus.LOST
    assert deal.lost_reason == "Closed lost in the CRM"
    assert event_names()[-1] == "deal.lost"


@pytest.mark.parametrize("who", ["channel_manager", "partner_admin", "seller"])
def test_only_vendor_admins_record_a_crm_outcome(reviewer, who):
    deal = approved(reviewer)
    actor = {
        "channel_manager": lambda: VendorUserFactory(
            vendor_role=VendorRole.CHANNEL_MANAGER
        ),
        "partner_admin": lambda: seller(
            partner=deal.partner, roles=(PartnerRole.PARTNER_ADMIN,)
        ),
        "seller": lambda: deal.registered_by,
    }[who]()
    with pytest.raises(PermissionDenied):
        services.deal_record_crm_outcome(actor=actor, deal=deal, won=True)
    deal.refresh_from_db()
    assert deal.status == DealStatus.APPROVED
    assert DealRevenue.objects.count() == 0


def test_a_crm_outcome_needs_an_approved_deal(reviewer):
    deal = register(seller())
    with pytest.raises(InvalidTransition):
        services.deal_record_crm_outcome(actor=reviewer, deal=deal, won=True)


def test_the_expiry_sweep_expires_lapsed_protections(reviewer):
    deal = approved(reviewer)
    fresh = approved(reviewer, lines=[{"product_line": "cloud", "amount": "1"}])
    later = deal.protected_until + timedelta(seconds=1)
    Deal.objects.filter(pk=fresh.pk).update(protected_until=later + timedelta(days=1))
    assert services.deals_expire_due(now=later) == 1
    deal.refresh_from_db()
    assert deal.status == DealStatus.EXPIRED
    assert event_names()[-1] == "deal.expired"
    assert list(DealProtection.objects.filter(is_active=True)) == list(
        DealProtection.objects.filter(deal=fresh)
    )
    assert services.deals_expire_due(now=later) == 0


def test_the_review_sla_reminds_then_escalates_once(settings, reviewer):
    settings.OPENPRM_DEAL_ESCALATION_DAYS = 1
    manager = VendorUserFactory(vendor_role=VendorRole.CHANNEL_MANAGER)
    deal = register(seller())
    deal.partner.channel_manager = manager
    deal.partner.save(update_fields=["channel_manager"])
    overdue = deal.review_due_at + timedelta(minutes=1)
    assert services.deals_review_sla(now=deal.review_due_at) == {
        "reminded": 0,
        "escalated": 0,
    }
    assert services.deals_review_sla(now=overdue) == {"reminded": 1, "escalated": 0}
    assert services.deals_review_sla(now=overdue) == {"reminded": 0, "escalated": 0}
    reminders = Notification.objects.filter(kind="deal.review_reminder")
    assert [item.recipient for item in reminders] == [manager]
    late = add_business_days(deal.review_due_at, 1) + timedelta(minutes=1)
    assert services.deals_review_sla(now=late) == {"reminded": 0, "escalated": 1}
    assert services.deals_review_sla(now=late) == {"reminded": 0, "escalated": 0}
    escalations = Notification.objects.filter(kind="deal.review_escalated")
    assert [item.recipient for item in escalations] == [reviewer]
    assert event_names()[-2:] == ["deal.review_overdue", "deal.review_escalated"]


def test_a_deal_decided_in_time_is_not_reminded(reviewer):
    deal = approved(reviewer)
    services.deals_review_sla(now=deal.review_due_at + timedelta(days=30))
    assert Notification.objects.filter(kind="deal.review_reminder").count() == 0


# --- from a lead


def test_a_converted_lead_is_approved_at_once():
    lead_id = "4f5e7c1e-8d8c-4a53-9a1e-0d6b0f5d3c11"
    user = seller()
    deal = services.deal_register(
        actor=user,
        partner=user.memberships.get().partner,
        source_lead_id=lead_id,
        auto_approve=True,
        **registration(),
    )
    deal.refresh_from_db()
    assert deal.status == DealStatus.APPROVED
    assert deal.decided_by is None
    assert str(deal.source_lead_id) == lead_id


def test_a_converted_lead_for_a_protected_customer_waits_for_review(reviewer):
    approved(reviewer)
    user = seller()
    deal = services.deal_register(
        actor=user,
        partner=user.memberships.get().partner,
        auto_approve=True,
        **registration(),
    )
    deal.refresh_from_db()
    assert deal.status == DealStatus.SUBMITTED


# --- CRM accounts


def test_account_upsert_is_idempotent_by_crm_id(reviewer):
    account, created = services.customer_account_upsert(
        actor=reviewer, external_id="001A", name="Acme Inc", domain="www.acme.com"
    )
    again, created_again = services.customer_account_upsert(
        actor=reviewer, external_id="001A", name="Acme Inc", domain="www.acme.com"
    )
    assert (created, created_again) == (True, False)
    assert again.pk == account.pk
    assert account.customer_domain == "acme.com"
    assert AuditEntry.objects.filter(object_type="deals.customeraccount").count() == 1


def test_only_vendor_admins_sync_accounts():
    with pytest.raises(PermissionDenied):
        services.customer_account_upsert(
            actor=VendorUserFactory(vendor_role=VendorRole.ANALYST),
            external_id="1",
            name="Acme",
        )
