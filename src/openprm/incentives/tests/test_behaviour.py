"""Points for behaviour, through the outbox's subscribers, and the reversal of a
deal's points when it is lost after it was won."""

from decimal import Decimal

import pytest
from django.db import transaction

from openprm.content.tests.factories import AudienceFactory
from openprm.core import events
from openprm.deals import services as deal_services
from openprm.deals.choices import DealStatus
from openprm.deals.tests.factories import make_deal, seller
from openprm.incentives import ledger, services, subscribers
from openprm.incentives.choices import CapPeriod, EntryKind, RuleBasis
from openprm.incentives.models import PointsEntry
from openprm.incentives.tests.factories import EarningRuleFactory
from openprm.partners.models import Partner

pytestmark = pytest.mark.django_db


def _event_rule(name, points=100, **fields):
    return EarningRuleFactory(
        product=None,
        basis=RuleBasis.PER_EVENT,
        event_name=name,
        points=Decimal(points),
        **fields,
    )


def _deal_event(name, deal, user):
    with transaction.atomic():
        return events.emit(
            name,
            payload=deal_services.deal_payload(deal),
            actor=user,
            partner_id=deal.partner_id,
        )


def test_a_won_deal_earns_by_its_rule_once(django_capture_on_commit_callbacks):
    rule = _event_rule("deal.won")
    user = seller()
    deal = make_deal(partner=user.memberships.get().partner, status=DealStatus.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        deal_services.deal_mark_won(actor=user, deal=deal)
    entry = PointsEntry.objects.get()
    assert (entry.points, entry.rule, entry.source_type) == (100, rule, "deal")
    assert entry.source_id == str(deal.public_id)
    # A re-delivered event earns nothing more.
    event = events.OutboxEvent.objects.get(name="deal.won")
    subscribers.earn_for_behaviour(event)
    assert PointsEntry.objects.count() == 1


def test_lost_after_won_reverses_exactly_what_the_deal_earned():
    _event_rule("deal.registered", points=15)
    _event_rule("deal.won", points=100)
    user = seller()
    partner = user.memberships.get().partner
    deal = make_deal(partner=partner, status=DealStatus.APPROVED)
    other = make_deal(partner=partner, status=DealStatus.APPROVED)
    for name in ("deal.registered", "deal.won"):
        subscribers.earn_for_behaviour(_deal_event(name, deal, user))
    subscribers.earn_for_behaviour(_deal_event("deal.won", other, user))
    account = ledger.account_for(partner_id=partner.pk)
    assert ledger.balance_of(account) == 215
    lost = _deal_event("deal.lost", deal, user)
    subscribers.reverse_lost_deal(lost)
    subscribers.reverse_lost_deal(lost)  # delivered twice: reversed once
    reversals = PointsEntry.objects.filter(kind=EntryKind.REVERSE)
    assert sorted(reversals.values_list("points", flat=True)) == [-100, -15]
    assert ledger.balance_of(account) == 100
    assert ledger.spendable_of(account) == 100


def test_a_rule_for_an_audience_pays_only_its_partners():
    audience = AudienceFactory(
        rule={"all": [{"field": "tags", "op": "any", "value": ["gold"]}]}
    )
    _event_rule("deal.registered", audience=audience)
    user = seller()
    partner = user.memberships.get().partner
    deal = make_deal(partner=partner)
    subscribers.earn_for_behaviour(_deal_event("deal.registered", deal, user))
    assert PointsEntry.objects.count() == 0
    Partner.objects.filter(pk=partner.pk).update(tags=["gold"])
    subscribers.earn_for_behaviour(_deal_event("deal.registered", deal, user))
    assert PointsEntry.objects.count() == 1


def test_a_cap_per_period_limits_event_points():
    _event_rule(
        "deal.registered", points=40, cap_points=100, cap_period=CapPeriod.MONTH
    )
    user = seller()
    partner = user.memberships.get().partner
    for _n in range(4):
        deal = make_deal(partner=partner)
        subscribers.earn_for_behaviour(_deal_event("deal.registered", deal, user))
    assert sorted(PointsEntry.objects.values_list("points", flat=True)) == [20, 40, 40]


def test_learning_events_are_registered_for_rules():
    assert {"course.completed", "certification.earned"} <= set(
        services.BEHAVIOUR_EVENTS
    )
    names = {s.name: s for s in events.subscribers()}
    assert names["incentives.behaviour"].wants("certification.earned")


def _profile_completed(partner, journey_id, user=None):
    with transaction.atomic():
        return events.emit(
            "partner.profile_completed",
            payload={"partner": partner.pk, "journey": journey_id, "title": "Profile"},
            actor=user,
            partner_id=partner.pk,
        )


def test_a_completed_profile_earns_by_its_rule_once():
    rule = _event_rule("partner.profile_completed", points=50)
    user = seller()
    partner = user.memberships.get().partner
    event = _profile_completed(partner, "j-1", user)
    subscribers.earn_for_behaviour(event)
    subscribers.earn_for_behaviour(event)  # re-delivered: earns nothing more
    entry = PointsEntry.objects.get()
    assert (entry.points, entry.rule, entry.source_type, entry.source_id) == (
        50,
        rule,
        "journey",
        "j-1",
    )
    assert entry.reason == "Profile completed (onboarding journey)"
    assert "partner.profile_completed" in services.BEHAVIOUR_EVENTS
    names = {s.name: s for s in events.subscribers()}
    assert names["incentives.behaviour"].wants("partner.profile_completed")


def test_a_cap_per_period_limits_profile_points():
    _event_rule(
        "partner.profile_completed",
        points=40,
        cap_points=60,
        cap_period=CapPeriod.YEAR,
    )
    user = seller()
    partner = user.memberships.get().partner
    for journey_id in ("j-1", "j-2", "j-3"):
        subscribers.earn_for_behaviour(_profile_completed(partner, journey_id, user))
    assert sorted(PointsEntry.objects.values_list("points", flat=True)) == [20, 40]
