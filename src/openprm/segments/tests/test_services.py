import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.errors import Conflict, PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.partners.tests.factories import PartnerFactory
from openprm.segments import selectors, services
from openprm.segments.models import Segment, StaticListMember
from openprm.segments.tests.factories import SegmentFactory, StaticListFactory
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db

EMEA = {"all": [{"field": "region", "op": "eq", "value": "EMEA"}]}


@pytest.fixture
def marketing():
    return VendorUserFactory(vendor_role="channel_marketing")


def test_channel_marketing_creates_a_dynamic_segment_audited_with_an_event(marketing):
    segment = services.segment_create(
        actor=marketing, name=" EMEA ", kind="dynamic", rule=EMEA
    )

    assert (segment.name, segment.rule, segment.created_by) == ("EMEA", EMEA, marketing)
    assert AuditEntry.objects.get().verb == "segment.created"
    assert OutboxEvent.objects.get().name == "segment.created"


def test_an_invalid_rule_is_refused_with_errors_by_path(marketing):
    rule = {"all": [{"field": "region", "op": "eq", "value": "MARS"}]}

    with pytest.raises(ValidationFailed) as error:
        services.segment_create(actor=marketing, name="X", kind="dynamic", rule=rule)

    assert list(error.value.field_errors) == ["rule.all.0.value"]
    assert Segment.objects.count() == 0


def test_a_duplicate_name_is_a_validation_error_on_name(marketing):
    SegmentFactory(name="EMEA")

    with pytest.raises(ValidationFailed) as error:
        services.segment_create(actor=marketing, name="EMEA", kind="static")

    assert list(error.value.field_errors) == ["name"]


@pytest.mark.parametrize("role", ["channel_manager", "finance", "analyst"])
def test_other_vendor_roles_cannot_create_and_nothing_is_written(role):
    with pytest.raises(PermissionDenied):
        services.segment_create(
            actor=VendorUserFactory(vendor_role=role), name="X", kind="static"
        )

    assert Segment.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    assert OutboxEvent.objects.count() == 0


def test_updating_records_the_changes_and_an_unchanged_save_writes_nothing(marketing):
    segment = SegmentFactory(rule=EMEA)

    services.segment_update(actor=marketing, segment=segment, name=segment.name)
    assert AuditEntry.objects.count() == 0

    services.segment_update(
        actor=marketing,
        segment=segment,
        rule={"field": "region", "op": "eq", "value": "NA"},
    )
    entry = AuditEntry.objects.get()
    assert entry.verb == "segment.updated"
    assert list(entry.changes) == ["rule"]
    assert OutboxEvent.objects.get().name == "segment.updated"


def test_deleting_a_static_list_removes_its_members(marketing):
    members = StaticListMember.objects
    segment = StaticListFactory()
    services.static_list_add(actor=marketing, segment=segment, partner=PartnerFactory())

    services.segment_delete(actor=marketing, segment=segment)

    assert (Segment.objects.count(), members.count()) == (0, 0)
    assert OutboxEvent.objects.filter(name="segment.deleted").count() == 1


def test_adding_and_removing_static_members_emits_events(marketing):
    segment, partner = StaticListFactory(), PartnerFactory()

    services.static_list_add(actor=marketing, segment=segment, partner=partner)
    with pytest.raises(Conflict):
        services.static_list_add(actor=marketing, segment=segment, partner=partner)
    services.static_list_remove(actor=marketing, segment=segment, partner=partner)

    assert StaticListMember.objects.count() == 0
    assert list(
        OutboxEvent.objects.filter(name__startswith="segment.")
        .order_by("id")
        .values_list("name", "partner_id")
    ) == [
        ("segment.member_added", partner.pk),
        ("segment.member_removed", partner.pk),
    ]


def test_a_dynamic_segment_has_no_hand_picked_members(marketing):
    with pytest.raises(Conflict):
        services.static_list_add(
            actor=marketing, segment=SegmentFactory(), partner=PartnerFactory()
        )

    assert StaticListMember.objects.count() == 0


def test_membership_follows_the_current_data(marketing):
    segment = SegmentFactory(rule=EMEA)
    partner = PartnerFactory(region="EMEA")
    assert selectors.segment_member_count(user=marketing, segment=segment) == 1

    type(partner).objects.filter(pk=partner.pk).update(region="NA", country="US")

    assert selectors.segment_member_count(user=marketing, segment=segment) == 0


def test_members_are_limited_to_the_readers_scope():
    segment = SegmentFactory(rule=EMEA)
    manager = VendorUserFactory(vendor_role="channel_manager")
    PartnerFactory(region="EMEA", channel_manager=manager)
    PartnerFactory(region="EMEA")

    assert selectors.segment_member_count(user=manager, segment=segment) == 1
    assert (
        selectors.segment_member_count(user=VendorUserFactory(), segment=segment) == 2
    )


def test_a_partner_user_reads_no_segments():
    user = partner_user()
    SegmentFactory()

    assert list(selectors.segment_list_visible_to(user=user)) == []
    with pytest.raises(PermissionDenied):
        selectors.segment_get(user=user, public_id=SegmentFactory().public_id)
