import random
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.models import Max

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.leads import services
from openprm.leads.batch import route_waiting_leads
from openprm.leads.models import (
    ROUTABLE_STATUSES,
    Lead,
    LeadActivity,
    LeadAssignment,
    LeadRoutingRule,
)
from openprm.leads.tests.factories import CapacityFactory, LeadFactory, RuleFactory
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.models import Enrolment, Programme, Tier
from openprm.scoring.models import PartnerScore, Scorecard

pytestmark = pytest.mark.django_db


def world():
    RuleFactory(name="Weighted", strategy="weighted", countries=["DE"], order=1)
    RuleFactory(name="Rotation", strategy="round_robin", order=2, same_country=False)
    partners = [PartnerFactory(name=f"P{n}") for n in range(4)]
    CapacityFactory(partner=partners[0], max_open_leads=2)
    countries = ["DE", "FR", "DE", "DE", "FR", "DE", "DE", "FR", "DE", "DE"]
    return [LeadFactory(country=country) for country in countries]


def choices() -> list:
    return list(Lead.objects.order_by("id").values_list("status", "current_partner"))


def test_the_batch_makes_the_single_path_decisions_and_writes_the_same_rows():
    manager = VendorUserFactory()
    leads = world()
    for lead in leads:
        services.lead_route(actor=manager, lead=lead)
    single = choices()
    single_reasons = list(
        LeadAssignment.objects.order_by("lead_id").values_list("reasons", flat=True)
    )
    LeadAssignment.objects.all().delete()
    LeadActivity.objects.all().delete()
    Lead.objects.update(status="new", current_partner=None)
    for rule in RuleFactory._meta.model.objects.all():
        rule.last_partner_id = None
        rule.save()
    audits, events = AuditEntry.objects.count(), OutboxEvent.objects.count()

    result = route_waiting_leads(actor=manager, chunk_size=3)

    assert (result.routed, result.unassigned) == (10, 0)
    assert choices() == single
    assert (
        list(
            LeadAssignment.objects.order_by("lead_id").values_list("reasons", flat=True)
        )
        == single_reasons
    )
    assert AuditEntry.objects.count() - audits == 10
    assert OutboxEvent.objects.filter(name="lead.assigned").count() == 20
    assert OutboxEvent.objects.count() - events == 10
    assert LeadActivity.objects.filter(kind="assigned").count() == 10


def test_the_batch_leaves_leads_that_are_not_waiting_alone():
    RuleFactory(countries=["DE"])
    PartnerFactory()
    waiting = LeadFactory()
    held = LeadFactory(status="accepted", current_partner=PartnerFactory())

    result = route_waiting_leads(lead_ids=[waiting.pk, held.pk])

    assert result.routed == 1
    held.refresh_from_db()
    assert held.status == "accepted"


# --- The batch against one-by-one routing, row for row

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def varied_world(seed: int = 11) -> None:
    """Partners in four countries with specialisations, industries, coordinates,
    tiers, scores and small capacities (so that some fill up during the run);
    five rules over every strategy but named, one by postal code within the
    region; leads that go to a partner, that find nobody (a new one, one already
    unassigned), and rejected or recalled ones that exclude their earlier partner."""
    rng = random.Random(seed)
    specialisations = ["security", "cloud", "data"]
    industries = ["retail", "finance", "health"]
    places = [("DE", "EMEA"), ("FR", "EMEA"), ("US", "NA"), ("CA", "NA")]
    partners = Partner.objects.bulk_create(
        [
            Partner(
                name=f'Partner {number:02d} "Müller" & Söhne',
                partner_type="reseller",
                status="active",
                country=places[number % 4][0],
                region=places[number % 4][1],
                specialisations=rng.sample(specialisations, 2),
                industries=rng.sample(industries, 2),
                latitude=round(rng.uniform(40, 55), 6),
                longitude=round(rng.uniform(-10, 20), 6),
                path=f"/{number}/",
            )
            for number in range(16)
        ]
    )
    programme = Programme.objects.create(name="Programme", slug="programme")
    tiers = [
        Tier.objects.create(programme=programme, name=f"T{rank}", rank=rank)
        for rank in (1, 2, 3)
    ]
    card = Scorecard.objects.create(name="Fit")
    for partner in partners:
        Enrolment.objects.create(
            partner=partner, programme=programme, tier=rng.choice(tiers)
        )
        PartnerScore.objects.create(
            partner=partner, scorecard=card, score=rng.randint(0, 100), breakdown=[]
        )
        CapacityFactory(partner=partner, max_open_leads=rng.choice([1, 2, 3]))
    RuleFactory(
        name="Nearest security",
        strategy="nearest",
        order=1,
        product_interests=["security"],
        regions=["EMEA"],
        match_specialisation=True,
    )
    RuleFactory(
        name="Paris",
        strategy="weighted",
        order=2,
        postal_prefixes=["75"],
        same_country=False,
        same_region=True,
        score_weight=3.0,
    )
    RuleFactory(name="NA rotation", strategy="round_robin", order=3, regions=["NA"])
    RuleFactory(
        name="Best fit",
        strategy="weighted",
        order=4,
        match_industry=True,
        tier_weight=2,
    )
    RuleFactory(name="Anyone", strategy="round_robin", order=5, same_country=False)
    for number in range(70):
        country, region = rng.choice([*places, ("JP", "APAC")])
        located = rng.random() < 0.6
        status = rng.choice(["new"] * 6 + ["unassigned", "rejected", "recalled"])
        lead = LeadFactory(
            company=f'Kunde {number:02d} «Ünïcode» "quoted"',
            external_id=f"CRM-{number}" if number % 3 else None,
            country=country,
            region=region,
            postal_code=rng.choice(["75008", "10115", "94105"]),
            industry=rng.choice(industries),
            product_interest=rng.choice(specialisations),
            latitude=round(rng.uniform(40, 55), 6) if located else None,
            longitude=round(rng.uniform(-10, 20), 6) if located else None,
            status=status,
        )
        if status in ("rejected", "recalled"):
            LeadAssignment.objects.create(
                lead=lead,
                partner=rng.choice(partners),
                outcome=status,
                reasons=[],
                passed_over=[],
                respond_by=NOW,
            )


def written(since: dict, until: dict) -> dict:
    """What routing wrote after ``since`` up to ``until`` (the tables' largest
    ids), without ids, timestamps and event UUIDs: as read through the ORM, and
    the JSON columns' stored text on SQLite (PostgreSQL normalises jsonb)."""

    def rows(model, fields, json_fields=()):
        bounds = [since[model], until[model]]
        query = model.objects.filter(pk__gt=bounds[0], pk__lte=bounds[1])
        values = [list(query.order_by("id").values_list(*fields))]
        if connection.vendor == "sqlite" and json_fields:
            table = model._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {', '.join(json_fields)} FROM {table} "  # noqa: S608
                    "WHERE id > %s AND id <= %s ORDER BY id",
                    bounds,
                )
                values.append(cursor.fetchall())
        return values

    return {
        "leads": list(
            Lead.objects.order_by("id").values_list("id", "status", "current_partner")
        ),
        "assignments": rows(
            LeadAssignment,
            [
                "lead_id",
                "partner_id",
                "rule_id",
                "rule_name",
                "reasons",
                "passed_over",
                "offered_at",
                "respond_by",
                "outcome",
                "outcome_reason",
            ],
            ["reasons", "passed_over"],
        ),
        "timeline": rows(
            LeadActivity,
            ["lead_id", "kind", "partner_id", "actor_id", "message", "data"],
            ["data"],
        ),
        "audit": rows(
            AuditEntry,
            [
                "actor_id",
                "actor_label",
                "token_id",
                "token_label",
                "action",
                "verb",
                "object_type",
                "object_id",
                "object_repr",
                "partner_id",
                "changes",
                "request_id",
                "client_ip",
            ],
            ["changes"],
        ),
        "events": rows(
            OutboxEvent,
            ["name", "version", "actor_id", "partner_id", "payload", "request_id"],
            ["payload"],
        ),
        "rotation": list(
            LeadRoutingRule.objects.order_by("id").values_list("id", "last_partner_id")
        ),
    }


MODELS = (LeadAssignment, LeadActivity, AuditEntry, OutboxEvent)


def high_water() -> dict:
    return {
        model: model.objects.aggregate(top=Max("id"))["top"] or 0 for model in MODELS
    }


@pytest.mark.parametrize("chunk_size", [7, 2000])
def test_batch_routing_writes_what_one_by_one_routing_writes(chunk_size):
    manager = VendorUserFactory()
    varied_world()
    since = high_water()
    waiting = list(Lead.objects.filter(status__in=ROUTABLE_STATUSES).order_by("id"))
    before = {lead.pk: (lead.status, lead.current_partner_id) for lead in waiting}
    for lead in waiting:
        services.lead_route(actor=manager, lead=lead, now=NOW)
    middle = high_water()
    single = written(since, middle)
    # The offers and timeline go (the batch would see these offers as earlier
    # ones); audit entries cannot be deleted: the batch's are compared after them.
    for model in (LeadAssignment, LeadActivity):
        model.objects.filter(pk__gt=since[model]).delete()
        middle[model] = since[model]
    for lead_id, (status, partner_id) in before.items():
        Lead.objects.filter(pk=lead_id).update(
            status=status, current_partner=partner_id
        )
    LeadRoutingRule.objects.update(last_partner_id=None)

    result = route_waiting_leads(actor=manager, chunk_size=chunk_size, now=NOW)

    batch = written(middle, high_water())
    assert (result.routed, result.unassigned) == (
        sum(1 for _id, status, _p in single["leads"] if status == "offered")
        - sum(1 for status, _p in before.values() if status == "offered"),
        len(waiting)
        - sum(1 for _id, status, _p in single["leads"] if status == "offered"),
    )
    for key in single:
        assert batch[key] == single[key], key
    # The world exercises what it should: capacity refusals, exclusions, leads
    # that stay unassigned without an audit entry, every strategy.
    passed = [entry["why"] for row in batch["assignments"][0] for entry in row[5]]
    reasons = " ".join(r for row in batch["timeline"][0] for r in row[5]["reasons"])
    assert any(why.startswith("at capacity") for why in passed)
    assert any(why.endswith("this lead before") for why in passed)
    assert result.unassigned and len(batch["audit"][0]) < len(waiting)
    for strategy in ("nearest", "round-robin", "weighted"):
        assert f"Strategy {strategy}" in reasons
