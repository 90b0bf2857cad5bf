from datetime import timedelta

import pytest
from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.leads import selectors, services
from openprm.leads.models import (
    AssignmentOutcome,
    Lead,
    LeadActivity,
    LeadAssignment,
    LeadRoutingRule,
    LeadStatus,
)
from openprm.leads.tests.factories import CapacityFactory, LeadFactory, RuleFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db

LEAD = {"company": "Acme GmbH", "country": "de", "region": "EMEA"}


@pytest.fixture
def manager():
    return VendorUserFactory(vendor_role="channel_marketing")


@pytest.fixture
def partners():
    """Two German partners under a round-robin rule."""
    RuleFactory(name="Germany", countries=["DE"])
    return PartnerFactory(name="Alpha"), PartnerFactory(name="Beta")


def seller(partner):
    return partner_user(partner=partner, roles=["sales"])


def test_a_new_lead_is_routed_with_its_reasons_audited_and_announced(manager, partners):
    lead = services.lead_create(actor=manager, data=LEAD)

    alpha = partners[0]
    assert (lead.status, lead.current_partner_id, lead.country) == (
        "offered",
        alpha.pk,
        "DE",
    )
    offer = LeadAssignment.objects.get()
    assert offer.reasons[0] == "Rule 'Germany' matches: country DE"
    assert offer.respond_by == offer.offered_at + timedelta(hours=48)
    leads_audit = AuditEntry.objects.filter(object_type="leads.lead").order_by("id")
    assert [row.verb for row in leads_audit] == [
        "lead.created",
        "lead.assigned",
    ]
    events = OutboxEvent.objects.filter(name__startswith="lead").order_by("id")
    assert [row.name for row in events] == [
        "lead.created",
        "lead.assigned",
    ]
    assert list(lead.activities.values_list("kind", flat=True)) == [
        "created",
        "assigned",
    ]


def test_round_robin_state_is_persisted_between_leads(manager, partners):
    first = services.lead_create(actor=manager, data=LEAD)
    second = services.lead_create(actor=manager, data=LEAD)

    assert [first.current_partner, second.current_partner] == list(partners)
    assert LeadRoutingRule.objects.get().last_partner_id == partners[1].pk


def test_a_lead_no_rule_takes_is_unassigned_with_why(manager):
    lead = services.lead_create(actor=manager, data=LEAD)

    assert (lead.status, lead.current_partner) == ("unassigned", None)
    assert lead.activities.last().data["reasons"] == [
        "No active rule matches this lead"
    ]


def test_capacity_keeps_a_full_partner_out(manager, partners):
    CapacityFactory(partner=partners[0], max_open_leads=0)

    lead = services.lead_create(actor=manager, data=LEAD)

    assert lead.current_partner == partners[1]
    assert LeadAssignment.objects.get().passed_over == [
        {
            "partner": partners[0].pk,
            "name": "Alpha",
            "why": "at capacity (0/0 open leads)",
        }
    ]


def test_invalid_lead_data_is_refused_field_by_field_and_nothing_written(manager):
    with pytest.raises(ValidationFailed) as error:
        services.lead_create(
            actor=manager,
            data={"company": "", "country": "Germany", "region": "MARS", "latitude": 1},
        )

    assert sorted(error.value.field_errors) == [
        "company",
        "country",
        "longitude",
        "region",
    ]
    assert Lead.objects.count() == 0
    assert AuditEntry.objects.filter(object_type="leads.lead").count() == 0


@pytest.mark.parametrize("role", ["finance", "analyst"])
def test_other_vendor_roles_cannot_create_leads(role):
    with pytest.raises(PermissionDenied):
        services.lead_create(actor=VendorUserFactory(vendor_role=role), data=LEAD)

    assert Lead.objects.count() == AuditEntry.objects.count() == 0
    assert OutboxEvent.objects.count() == 0


def test_the_crm_push_is_idempotent_by_external_id(manager, partners):
    lead, created = services.lead_upsert(actor=manager, external_id="CRM-1", data=LEAD)
    again, created_again = services.lead_upsert(
        actor=manager, external_id="CRM-1", data=LEAD
    )
    changed, _ = services.lead_upsert(
        actor=manager, external_id="CRM-1", data={**LEAD, "company": "Acme AG"}
    )

    assert (created, created_again, again.pk, changed.pk) == (
        True,
        False,
        lead.pk,
        lead.pk,
    )
    assert Lead.objects.get().company == "Acme AG"
    assert LeadAssignment.objects.count() == 1
    assert OutboxEvent.objects.filter(name="lead.updated").count() == 1


def test_the_holding_partner_accepts(manager, partners):
    lead = services.lead_create(actor=manager, data=LEAD)

    services.lead_accept(actor=seller(partners[0]), lead=lead)

    lead.refresh_from_db()
    assert lead.status == "accepted"
    assert LeadAssignment.objects.get().outcome == "accepted"
    assert OutboxEvent.objects.filter(name="lead.accepted").count() == 1


def test_another_partner_cannot_answer_and_nothing_changes(manager, partners):
    lead = services.lead_create(actor=manager, data=LEAD)
    audits, events = AuditEntry.objects.count(), OutboxEvent.objects.count()

    with pytest.raises(PermissionDenied):
        services.lead_accept(actor=seller(partners[1]), lead=lead)
    with pytest.raises(PermissionDenied):
        services.lead_accept(
            actor=partner_user(partner=partners[0], roles=["marketing"]), lead=lead
        )

    lead.refresh_from_db()
    assert lead.status == "offered"
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == (
        audits,
        events,
    )


def test_a_rejection_needs_a_reason_and_routes_to_the_next_partner(manager, partners):
    alpha, beta = partners
    lead = services.lead_create(actor=manager, data=LEAD)
    with pytest.raises(ValidationFailed):
        services.lead_reject(actor=seller(alpha), lead=lead, reason=" ")

    services.lead_reject(actor=seller(alpha), lead=lead, reason="Not our market")

    lead.refresh_from_db()
    assert (lead.status, lead.current_partner) == ("offered", beta)
    first, second = LeadAssignment.objects.order_by("id")
    assert (first.outcome, first.outcome_reason) == ("rejected", "Not our market")
    assert second.partner == beta
    assert second.passed_over == [
        {"partner": alpha.pk, "name": "Alpha", "why": "rejected this lead before"}
    ]


def test_the_sweep_recalls_an_overdue_offer_and_routes_it_on(manager, partners):
    alpha, beta = partners
    lead = services.lead_create(actor=manager, data=LEAD)
    later = timezone.now() + timedelta(hours=49)

    assert services.recall_overdue_leads(now=later - timedelta(hours=2)) == 0
    assert services.recall_overdue_leads(now=later) == 1

    lead.refresh_from_db()
    assert (lead.status, lead.current_partner) == ("offered", beta)
    assert selectors.partner_lead_record(partner_id=alpha.pk) == {
        "offered": 1,
        "accepted": 0,
        "rejected": 0,
        "recalled": 1,
        "rate": 0.0,
    }
    kinds = list(lead.activities.values_list("kind", flat=True))
    assert kinds == ["created", "assigned", "recalled", "assigned"]
    assert OutboxEvent.objects.filter(name="lead.recalled").count() == 1


def test_a_recalled_lead_nobody_else_can_take_stays_recalled(manager):
    RuleFactory(countries=["DE"])
    alpha = PartnerFactory()
    lead = services.lead_create(actor=manager, data=LEAD)

    services.recall_overdue_leads(now=timezone.now() + timedelta(days=3))

    lead.refresh_from_db()
    assert (lead.status, lead.current_partner) == ("recalled", None)
    reasons = lead.activities.last().data["passed_over"]
    assert reasons[0]["partner"] == alpha.pk


def test_an_accepted_lead_cannot_be_recalled(manager, partners):
    lead = services.lead_create(actor=manager, data=LEAD)
    services.lead_accept(actor=seller(partners[0]), lead=lead)

    with pytest.raises(InvalidTransition):
        services.lead_recall(lead=lead, actor=manager)

    assert services.recall_overdue_leads(now=timezone.now() + timedelta(days=9)) == 0


def test_work_moves_accepted_to_working_to_lost_with_notes(manager, partners):
    lead = services.lead_create(actor=manager, data=LEAD)
    user = seller(partners[0])
    services.lead_accept(actor=user, lead=lead)

    services.lead_set_status(actor=user, lead=lead, status="working", note="Called")
    services.lead_add_note(actor=user, lead=lead, text="Demo booked")
    with pytest.raises(InvalidTransition):
        services.lead_set_status(actor=user, lead=lead, status="accepted")
    services.lead_set_status(actor=user, lead=lead, status="lost")

    lead.refresh_from_db()
    assert lead.status == "lost"
    assert list(LeadActivity.objects.filter(lead=lead).values_list("kind", "message"))[
        -3:
    ] == [
        ("status_changed", "Called"),
        ("note", "Demo booked"),
        ("status_changed", ""),
    ]


def test_an_offered_lead_cannot_be_worked_before_acceptance(manager, partners):
    lead = services.lead_create(actor=manager, data=LEAD)

    with pytest.raises(InvalidTransition):
        services.lead_set_status(actor=seller(partners[0]), lead=lead, status="working")


def test_routing_a_lead_already_offered_is_refused(manager, partners):
    lead = services.lead_create(actor=manager, data=LEAD)

    with pytest.raises(InvalidTransition):
        services.lead_route(actor=manager, lead=lead)


def test_weighted_rule_prefers_the_better_performer(manager):
    RuleFactory(strategy="weighted", countries=["DE"])
    weak, strong = PartnerFactory(name="Weak"), PartnerFactory(name="Strong")
    for _ in range(3):
        lead = LeadFactory(status=LeadStatus.ACCEPTED, current_partner=strong)
        LeadAssignment.objects.create(
            lead=lead,
            partner=strong,
            outcome=AssignmentOutcome.ACCEPTED,
            respond_by=timezone.now(),
        )

    lead = services.lead_create(actor=manager, data=LEAD)

    assert lead.current_partner == strong
    assert "acceptance 80%" in LeadAssignment.objects.get(lead=lead).reasons[1]
    assert LeadAssignment.objects.get(lead=lead).passed_over[0]["partner"] == weak.pk


def test_rule_create_validates_and_named_needs_a_partner(manager):
    with pytest.raises(ValidationFailed) as error:
        services.rule_create(
            actor=manager, data={"name": "Key", "strategy": "named", "regions": "XX"}
        )
    assert sorted(error.value.field_errors) == ["named_partner", "regions"]

    rule = services.rule_create(
        actor=manager,
        data={"name": "DACH", "strategy": "weighted", "countries": "de, at"},
    )
    assert rule.countries == ["DE", "AT"]
    assert OutboxEvent.objects.get().name == "lead_rule.created"


def test_capacity_set_creates_then_changes(manager):
    partner = PartnerFactory()

    services.capacity_set(actor=manager, partner=partner, max_open_leads=3)
    services.capacity_set(actor=manager, partner=partner, max_open_leads=7)

    partner.refresh_from_db()
    assert partner.lead_capacity.max_open_leads == 7
    with pytest.raises(ValidationFailed):
        services.capacity_set(actor=manager, partner=partner, max_open_leads=-1)


def test_import_reports_each_row_and_routes_the_new_leads(manager, partners):
    content = (
        b"company,country,region,external_id\n"
        b"Acme,DE,EMEA,X-1\n"
        b",DE,EMEA,X-2\n"
        b"\n"
        b"Beta,DE,EMEA,\n"
    )

    report = services.lead_import(actor=manager, file_name="l.csv", content=content)

    assert (report["created"], report["failed"], report["routed"]) == (2, 1, 2)
    assert [(row["row"], row["status"]) for row in report["rows"]] == [
        (2, "created"),
        (3, "failed"),
        (5, "created"),
    ]
    assert report["rows"][1]["errors"] == {"company": ["Enter the company."]}
    assert set(Lead.objects.values_list("status", flat=True)) == {"offered"}
    again = services.lead_import(actor=manager, file_name="l.csv", content=content)
    assert (again["created"], again["updated"]) == (1, 1)


def test_import_reads_xlsx(manager):
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Company", "Country", "Region"])
    book.active.append(["Acme", "FR", "EMEA"])
    buffer = BytesIO()
    book.save(buffer)

    report = services.lead_import(
        actor=manager, file_name="l.xlsx", content=buffer.getvalue()
    )

    assert report["created"] == 1
    assert Lead.objects.get().status == "unassigned"


def test_an_unreadable_file_writes_nothing(manager):
    with pytest.raises(ValidationFailed) as error:
        services.lead_import(actor=manager, file_name="l.csv", content=b"name\nx\n")

    assert error.value.field_errors == {
        "file": ["The first row must name the columns, including company."]
    }
    assert Lead.objects.count() == 0


def test_an_accepted_lead_converts_into_an_approved_deal(manager, partners):
    from datetime import date

    from openprm.deals.models import Deal

    lead = services.lead_create(actor=manager, data={**LEAD, "domain": "acme.example"})
    user = seller(partners[0])
    with pytest.raises(InvalidTransition):
        services.lead_convert(
            actor=user,
            lead=lead,
            title="Acme network",
            expected_close_date=date.today() + timedelta(days=30),
            lines=[{"product_line": "networking", "quantity": 1, "amount": "900"}],
        )
    services.lead_accept(actor=user, lead=lead)

    deal = services.lead_convert(
        actor=user,
        lead=lead,
        title="Acme network",
        expected_close_date=date.today() + timedelta(days=30),
        lines=[{"product_line": "networking", "quantity": 2, "amount": "900"}],
        currency="EUR",
    )

    lead.refresh_from_db()
    assert (lead.status, lead.converted_deal_id) == ("converted", deal.public_id)
    stored = Deal.objects.get()
    assert (stored.status, stored.source_lead_id, stored.partner) == (
        "approved",
        lead.public_id,
        partners[0],
    )
    assert stored.customer_domain == "acme.example"
    assert OutboxEvent.objects.filter(name="lead.converted").count() == 1


def test_a_conversion_with_bad_deal_data_changes_nothing(manager, partners):
    from datetime import date

    lead = services.lead_create(actor=manager, data=LEAD)
    user = seller(partners[0])
    services.lead_accept(actor=user, lead=lead)

    with pytest.raises(ValidationFailed) as error:
        services.lead_convert(
            actor=user,
            lead=lead,
            title="",
            expected_close_date=date.today() + timedelta(days=30),
            lines=[],
        )

    assert "title" in error.value.field_errors
    lead.refresh_from_db()
    assert lead.status == "accepted"
    assert OutboxEvent.objects.filter(name="lead.converted").count() == 0


# --- One lead at a time: only the candidates of the rules the lead meets


def test_one_lead_loads_only_its_matching_rules_territory_with_the_full_tier_scale():
    from openprm.leads import candidates, routing
    from openprm.programs.tests.factories import EnrolmentFactory, programme_with_tiers

    programme = programme_with_tiers("Silver", "Gold", "Platinum")
    silver, _gold, platinum = programme.tiers.order_by("rank")
    near = PartnerFactory(name="Near", country="DE", region="EMEA")
    EnrolmentFactory(partner=near, programme=programme, tier=silver)
    far = PartnerFactory(name="Far", country="US", region="NA")
    EnrolmentFactory(partner=far, programme=programme, tier=platinum)
    RuleFactory(name="Weighted", strategy="weighted", countries=["DE"])
    RuleFactory(
        name="Anywhere", strategy="weighted", regions=["NA"], same_country=False
    )
    rules = candidates.active_rules()
    lead = candidates.lead_facts(LeadFactory.build(country="DE", region="EMEA"))

    narrowed = candidates.load_lead_pool(lead, rules)
    everyone = candidates.load_pool([lead], rules)

    assert [item.name for item in narrowed.everyone] == ["Near"]
    assert {item.name for item in everyone.everyone} == {"Near", "Far"}
    assert narrowed.max_tier_rank == everyone.max_tier_rank == 3
    assert routing.route(lead=lead, rules=rules, pool=narrowed) == routing.route(
        lead=lead, rules=rules, pool=everyone
    )


@pytest.mark.parametrize("anyone", [False, True])
def test_the_fitting_pool_decides_as_the_whole_territory_lead_after_lead(anyone):
    """One lead at a time loads only what the matching rules' strategies look at
    (in their territory and fit, the best by weight, the next in the rotation, the
    nearest's placed partners, read in SQL): every decision, reasons and
    passed-over partners included, equals the one made over every candidate, while
    capacities fill up and earlier offers are excluded."""
    from openprm.leads import candidates, routing
    from openprm.leads.models import ROUTABLE_STATUSES
    from openprm.leads.tests.test_batch import varied_world

    varied_world()
    LeadRoutingRule.objects.filter(name="Anyone").update(is_active=anyone)
    manager = VendorUserFactory()
    narrower, refused, excluded_seen = 0, set(), 0
    waiting = Lead.objects.filter(status__in=ROUTABLE_STATUSES).order_by("id")
    for lead in waiting:
        rules = candidates.active_rules()
        facts = candidates.lead_facts(lead)
        excluded = candidates.exclusions([lead.pk]).get(lead.pk, {})
        fitting = candidates.load_lead_pool(facts, rules, excluded=excluded)
        everyone = candidates.load_pool([facts], rules)
        assert fitting.max_tier_rank == everyone.max_tier_rank
        narrower += len(fitting.everyone) < len(everyone.everyone)
        decision = routing.route(
            lead=facts, rules=rules, pool=fitting, excluded=excluded
        )
        assert decision == routing.route(
            lead=facts,
            rules=candidates.active_rules(),
            pool=everyone,
            excluded=excluded,
        )
        refused |= {item["why"].split(" (")[0] for item in decision.passed_over}
        excluded_seen += bool(excluded)
        services.lead_route(actor=manager, lead=lead)
    # The world exercises what the filter must keep: full partners and partners
    # offered the lead before are named as passed over.
    assert "at capacity" in refused
    assert excluded_seen
    # Only what the strategies look at is read, even for a rule that takes any
    # partner anywhere: most leads' pools are narrower than every candidate.
    assert narrower > 10


def test_routing_one_lead_takes_the_same_queries_for_few_or_many_partners():
    """Lock, rules, earlier offers, tier scale, the rule's best candidates (with
    capacity, tier, score and lead record in the one query), then the five
    writes, inside a savepoint."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    RuleFactory(name="Best", strategy="weighted", countries=["DE"])
    counts = []
    for partners in (2, 20):
        for number in range(partners - len(counts) * 2):
            partner = PartnerFactory(name=f"P{number}", country="DE", region="EMEA")
            CapacityFactory(partner=partner, max_open_leads=3)
        lead = LeadFactory(country="DE", region="EMEA")
        with CaptureQueriesContext(connection) as queries:
            services.lead_route(actor=None, lead=lead)
        assert lead.status == "offered"
        counts.append(len(queries))
    assert counts == [12, 12]


@pytest.mark.parametrize(
    ("strategy", "after", "chosen", "passed"),
    [
        ("weighted", None, 25, 10),
        ("round_robin", None, 14, 10),
        ("round_robin", 18, 23, 6),  # the two offered before, then four full
    ],
)
def test_the_lean_pool_decides_as_the_whole_territory_past_many_full_partners(
    strategy, after, chosen, passed
):
    """The single-lead pool reads a weighted order's best rows and a rotation's
    next rows with LIMIT: past more full partners than a decision names, and
    with partners offered the lead before, it decides as the whole territory."""
    from openprm.leads import candidates, routing
    from openprm.programs.tests.factories import EnrolmentFactory, programme_with_tiers

    programme = programme_with_tiers("Silver", "Gold", "Platinum")
    silver, gold, platinum = programme.tiers.order_by("rank")
    partners = [
        PartnerFactory(name=f"P{number:02d}", country="DE", region="EMEA")
        for number in range(30)
    ]
    for number, partner in enumerate(partners):
        tier = platinum if number < 14 else gold if number == 25 else silver
        EnrolmentFactory(partner=partner, programme=programme, tier=tier)
        if number < 14 or 19 <= number < 23:
            CapacityFactory(partner=partner, max_open_leads=0)
    rule = RuleFactory(name="Best", strategy=strategy, countries=["DE"])
    if after is not None:
        LeadRoutingRule.objects.filter(pk=rule.pk).update(
            last_partner_id=partners[after].pk
        )
    rules = candidates.active_rules()
    lead = candidates.lead_facts(LeadFactory.build(country="DE", region="EMEA"))
    excluded = {
        partners[2].pk: "rejected this lead before",
        partners[15].pk: "let this lead's acceptance time pass before",
    }

    lean = candidates.load_lead_pool(lead, rules, excluded=excluded)
    whole = candidates.load_pool([lead], rules)
    decision = routing.route(lead=lead, rules=rules, pool=lean, excluded=excluded)

    assert decision == routing.route(
        lead=lead, rules=candidates.active_rules(), pool=whole, excluded=excluded
    )
    assert decision.partner_id == partners[chosen].pk
    assert len(decision.passed_over) == passed
    assert len(lean.everyone) < len(whole.everyone) == 30
