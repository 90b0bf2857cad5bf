"""Writes of audiences: validation by field, audit and events, who may write."""

import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.errors import PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.segments.audiences import services
from openprm.segments.models import Audience
from openprm.segments.tests.factories import AudienceFactory, SegmentFactory

pytestmark = pytest.mark.django_db

EMEA = {"all": [{"field": "region", "op": "eq", "value": "EMEA"}]}


@pytest.fixture
def marketing():
    return VendorUserFactory(vendor_role="channel_marketing")


def test_channel_marketing_creates_an_audience_audited_and_announced(marketing):
    segment = SegmentFactory()
    rule = {
        "all": [
            *EMEA["all"],
            {"field": "segment", "op": "eq", "value": str(segment.public_id)},
        ]
    }

    audience = services.audience_create(
        actor=marketing,
        name="  EMEA marketing  ",
        rule=rule,
        partner_roles=["technical", "marketing", "marketing"],
    )

    assert (audience.name, audience.rule) == ("EMEA marketing", rule)
    # Once each, in the partner roles' own order.
    assert audience.partner_roles == ["marketing", "technical"]
    assert audience.created_by == marketing
    entry = AuditEntry.objects.get()
    assert (entry.verb, entry.object_id) == ("audience.created", str(audience.pk))
    event = OutboxEvent.objects.get()
    assert event.name == "audience.created"
    assert event.payload["id"] == str(audience.public_id)


def test_everyone_is_an_audience(marketing):
    audience = services.audience_create(
        actor=marketing, name="Everyone", rule={"all": []}
    )

    assert audience.rule == {"all": []}
    assert audience.partner_roles == []


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"name": " "}, {"name"}),
        (
            {"rule": {"all": [{"field": "region", "op": "eq", "value": "Mars"}]}},
            {"rule.all.0.value"},
        ),
        (
            {"rule": {"all": [{"field": "nope", "op": "eq", "value": 1}]}},
            {"rule.all.0.field"},
        ),
        (
            {"rule": {"field": "segment", "op": "eq", "value": "not-a-segment"}},
            {"rule.value"},
        ),
        ({"rule": "EMEA"}, {"rule"}),
        ({"partner_roles": ["admin", "sales"]}, {"partner_roles"}),
        ({"name": "", "partner_roles": ["boss"]}, {"name", "partner_roles"}),
    ],
)
def test_invalid_input_is_refused_by_field_and_nothing_is_written(
    marketing, fields, errors
):
    with pytest.raises(ValidationFailed) as refused:
        services.audience_create(
            actor=marketing, **{"name": "EMEA", "rule": EMEA, **fields}
        )

    assert set(refused.value.field_errors) == errors
    assert not Audience.objects.exists()
    assert not AuditEntry.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_a_segments_own_rule_cannot_name_a_segment(marketing):
    from openprm.segments import services as segment_services

    segment = SegmentFactory()
    with pytest.raises(ValidationFailed) as refused:
        segment_services.segment_create(
            actor=marketing,
            name="Nested",
            kind="dynamic",
            rule={"field": "segment", "op": "eq", "value": str(segment.public_id)},
        )

    assert set(refused.value.field_errors) == {"rule.field"}


def test_an_inactive_segment_cannot_be_named(marketing):
    segment = SegmentFactory(is_active=False)

    with pytest.raises(ValidationFailed) as refused:
        services.audience_create(
            actor=marketing,
            name="Listed",
            rule={"field": "segment", "op": "in", "value": [str(segment.public_id)]},
        )

    assert set(refused.value.field_errors) == {"rule.value"}


def test_a_taken_name_is_a_field_error(marketing):
    AudienceFactory(name="EMEA")

    with pytest.raises(ValidationFailed) as refused:
        services.audience_create(actor=marketing, name="EMEA", rule=EMEA)

    assert set(refused.value.field_errors) == {"name"}


def test_update_changes_what_is_given_audited_with_the_changes(marketing):
    audience = AudienceFactory(rule=EMEA)

    services.audience_update(
        actor=marketing, audience=audience, partner_roles=["sales"], description="x"
    )

    audience.refresh_from_db()
    assert (audience.partner_roles, audience.description, audience.rule) == (
        ["sales"],
        "x",
        EMEA,
    )
    event = OutboxEvent.objects.get()
    assert event.name == "audience.updated"
    assert event.payload["changes"] == {
        "partner_roles": [[], ["sales"]],
        "description": ["", "x"],
    }
    assert AuditEntry.objects.get().verb == "audience.updated"


def test_an_update_that_changes_nothing_writes_nothing(marketing):
    audience = AudienceFactory(rule=EMEA)

    services.audience_update(actor=marketing, audience=audience, rule=EMEA)

    assert not AuditEntry.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_deactivate_makes_it_hold_nobody_once(marketing):
    audience = AudienceFactory()

    services.audience_deactivate(actor=marketing, audience=audience)
    services.audience_deactivate(actor=marketing, audience=audience)

    audience.refresh_from_db()
    assert audience.is_active is False
    assert list(OutboxEvent.objects.values_list("name", flat=True)) == [
        "audience.deactivated"
    ]
    assert AuditEntry.objects.get().verb == "audience.deactivated"


@pytest.mark.parametrize("role", ["channel_manager", "finance", "analyst"])
def test_other_vendor_roles_may_not_write(role):
    actor = VendorUserFactory(vendor_role=role)
    audience = AudienceFactory()

    with pytest.raises(PermissionDenied):
        services.audience_create(actor=actor, name="x", rule=EMEA)
    with pytest.raises(PermissionDenied):
        services.audience_update(actor=actor, audience=audience, name="y")
    with pytest.raises(PermissionDenied):
        services.audience_deactivate(actor=actor, audience=audience)

    assert Audience.objects.get().name == audience.name
    assert not AuditEntry.objects.exists()
    assert not OutboxEvent.objects.exists()
