import pytest

from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs import services
from openprm.programs.models import (
    Enrolment,
    Programme,
    Tier,
    TierBenefit,
    TierChange,
    TierRequirement,
)
from openprm.programs.tests.factories import (
    EnrolmentFactory,
    TierBenefitFactory,
    TierRequirementFactory,
    programme_with_tiers,
)
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return VendorUserFactory(email="ada@vendor.example")


def our_audits():
    """Audit entries of this app (factories' partners bring their own)."""
    return AuditEntry.objects.exclude(object_type__startswith="partners.")


def our_events():
    return OutboxEvent.objects.exclude(name="partner.created")


def counts():
    return (our_audits().count(), our_events().count())


def event_names():
    return list(our_events().order_by("id").values_list("name", flat=True))


# --- programmes


def test_a_vendor_admin_creates_a_programme_with_audit_and_event(admin):
    programme = services.programme_create(
        actor=admin,
        name=" Reseller ",
        slug="Reseller",
        eligible_partner_types=["reseller", "system_integrator", "reseller"],
    )

    assert programme.name == "Reseller"
    assert programme.slug == "reseller"
    assert programme.eligible_partner_types == ["reseller", "system_integrator"]
    entry = our_audits().get()
    assert entry.verb == "programme.created"
    assert entry.changes["slug"] == [None, "reseller"]
    event = our_events().get()
    assert event.name == "programme.created"
    assert event.payload["id"] == str(programme.public_id)


@pytest.mark.parametrize("role", ["channel_manager", "analyst", "finance"])
def test_other_vendor_staff_cannot_create_a_programme(role):
    actor = UserFactory(vendor_role=role)

    with pytest.raises(PermissionDenied):
        services.programme_create(
            actor=actor, name="R", slug="r", eligible_partner_types=["reseller"]
        )

    assert Programme.objects.count() == 0
    assert counts() == (0, 0)


def test_a_partner_user_cannot_create_a_programme():
    with pytest.raises(PermissionDenied):
        services.programme_create(
            actor=partner_user(), name="R", slug="r", eligible_partner_types=["msp"]
        )

    assert Programme.objects.count() == 0
    assert counts() == (0, 0)


def test_a_programme_needs_known_eligible_types(admin):
    with pytest.raises(ValidationFailed) as caught:
        services.programme_create(
            actor=admin, name="R", slug="r", eligible_partner_types=["pirate"]
        )

    assert list(caught.value.field_errors) == ["eligible_partner_types"]
    assert Programme.objects.count() == 0
    assert counts() == (0, 0)


def test_a_programme_needs_at_least_one_eligible_type(admin):
    with pytest.raises(ValidationFailed) as caught:
        services.programme_create(
            actor=admin, name="R", slug="r", eligible_partner_types=[]
        )

    assert list(caught.value.field_errors) == ["eligible_partner_types"]


def test_a_taken_slug_is_a_field_error(admin):
    programme_with_tiers(slug="reseller")
    before = counts()

    with pytest.raises(ValidationFailed) as caught:
        services.programme_create(
            actor=admin, name="R", slug="reseller", eligible_partner_types=["msp"]
        )

    assert list(caught.value.field_errors) == ["slug"]
    assert Programme.objects.count() == 1
    assert counts() == before


def test_updating_a_programme_records_the_changes(admin):
    programme = programme_with_tiers(name="Resell")

    services.programme_update(actor=admin, programme=programme, name="Reseller")

    event = our_events().get()
    assert event.name == "programme.updated"
    assert event.payload["changes"] == {"name": ["Resell", "Reseller"]}
    assert our_audits().get().changes == {"name": ["Resell", "Reseller"]}


def test_an_update_that_changes_nothing_writes_nothing(admin):
    programme = programme_with_tiers(name="Reseller")

    services.programme_update(actor=admin, programme=programme, name="Reseller")

    assert counts() == (0, 0)


# --- tiers, requirements, benefits


def test_a_tier_rank_is_unique_within_its_programme(admin):
    programme = programme_with_tiers("Silver")

    with pytest.raises(ValidationFailed) as caught:
        services.tier_create(actor=admin, programme=programme, name="Gold", rank=1)

    assert list(caught.value.field_errors) == ["rank"]
    assert Tier.objects.count() == 1
    assert counts() == (0, 0)


def test_the_same_rank_is_allowed_in_another_programme(admin):
    programme_with_tiers("Silver")
    other = programme_with_tiers("Bronze")
    Tier.objects.filter(programme=other).delete()

    tier = services.tier_create(actor=admin, programme=other, name="Gold", rank=1)

    assert tier.rank == 1
    assert event_names() == ["tier.created"]


def test_a_tier_is_renamed_and_reranked(admin):
    tier = programme_with_tiers("Silver", "Gold").tiers.get(rank=2)

    services.tier_update(actor=admin, tier=tier, name="Platinum", rank=5)

    tier.refresh_from_db()
    assert (tier.name, tier.rank) == ("Platinum", 5)
    assert event_names() == ["tier.updated"]


def test_a_requirement_on_a_catalogued_metric_is_added(admin):
    tier = programme_with_tiers().tiers.get(rank=2)

    requirement = services.tier_requirement_create(
        actor=admin, tier=tier, metric="certified_people", operator=">=", threshold="2"
    )

    assert str(requirement.threshold) == "2"
    assert event_names() == ["tier.requirement_added"]
    assert our_audits().get().verb == "tier.requirement_added"


def test_a_requirement_on_an_unknown_metric_is_refused(admin):
    tier = programme_with_tiers().tiers.get(rank=2)

    with pytest.raises(ValidationFailed) as caught:
        services.tier_requirement_create(
            actor=admin, tier=tier, metric="moon_phase", operator="~", threshold="x"
        )

    assert sorted(caught.value.field_errors) == ["metric", "operator", "threshold"]
    assert TierRequirement.objects.count() == 0
    assert counts() == (0, 0)


def test_removing_a_requirement_is_audited(admin):
    requirement = TierRequirementFactory()

    services.tier_requirement_delete(actor=admin, requirement=requirement)

    assert TierRequirement.objects.count() == 0
    assert our_audits().get().action == "delete"
    assert event_names() == ["tier.requirement_removed"]


def test_a_benefit_is_set_then_its_value_changed(admin):
    tier = programme_with_tiers().tiers.get(rank=1)

    services.tier_benefit_set(actor=admin, tier=tier, kind="discount_percent", value=5)
    services.tier_benefit_set(
        actor=admin, tier=tier, kind="discount_percent", value="7.5"
    )

    assert TierBenefit.objects.get().value == "7.5"
    assert event_names() == ["tier.benefit_set", "tier.benefit_set"]


def test_an_invalid_benefit_value_is_a_field_error(admin):
    tier = programme_with_tiers().tiers.get(rank=1)

    with pytest.raises(ValidationFailed) as caught:
        services.tier_benefit_set(
            actor=admin, tier=tier, kind="discount_percent", value="150"
        )

    assert list(caught.value.field_errors) == ["value"]
    assert TierBenefit.objects.count() == 0
    assert counts() == (0, 0)


def test_a_channel_manager_cannot_define_benefits():
    benefit = TierBenefitFactory()

    with pytest.raises(PermissionDenied):
        services.tier_benefit_delete(
            actor=UserFactory(vendor_role="channel_manager"), benefit=benefit
        )

    assert TierBenefit.objects.count() == 1
    assert counts() == (0, 0)


# --- enrolments


def test_enrolling_starts_the_history_and_announces_it(admin):
    partner = PartnerFactory()
    programme = programme_with_tiers()
    silver = programme.tiers.get(rank=1)

    enrolment = services.enrolment_create(
        actor=admin, partner=partner, programme=programme, tier=silver
    )

    change = TierChange.objects.get()
    assert (change.enrolment, change.from_tier, change.to_tier) == (
        enrolment,
        None,
        silver,
    )
    assert change.changed_by == admin
    event = our_events().get()
    assert event.name == "partner.enrolled"
    assert event.partner_id == partner.pk
    assert event.payload["tier"] == {"id": silver.pk, "name": "Silver"}
    assert our_audits().get().partner_id == partner.pk


def test_an_ineligible_partner_type_is_refused_on_the_partner_field(admin):
    partner = PartnerFactory(partner_type="referral")
    programme = programme_with_tiers(eligible_partner_types=["reseller"])

    with pytest.raises(ValidationFailed) as caught:
        services.enrolment_create(
            actor=admin,
            partner=partner,
            programme=programme,
            tier=programme.tiers.get(rank=1),
        )

    assert caught.value.field_errors == {
        "partner": [f"A Referral may not enrol in {programme.name}."]
    }
    assert Enrolment.objects.count() == 0
    assert TierChange.objects.count() == 0
    assert counts() == (0, 0)


def test_the_tier_must_belong_to_the_programme(admin):
    programme = programme_with_tiers()
    elsewhere = programme_with_tiers().tiers.get(rank=1)

    with pytest.raises(ValidationFailed) as caught:
        services.enrolment_create(
            actor=admin, partner=PartnerFactory(), programme=programme, tier=elsewhere
        )

    assert list(caught.value.field_errors) == ["tier"]
    assert Enrolment.objects.count() == 0
    assert counts() == (0, 0)


def test_an_inactive_programme_takes_no_enrolments(admin):
    programme = programme_with_tiers(is_active=False)

    with pytest.raises(ValidationFailed):
        services.enrolment_create(
            actor=admin,
            partner=PartnerFactory(),
            programme=programme,
            tier=programme.tiers.get(rank=1),
        )

    assert Enrolment.objects.count() == 0


def test_a_partner_has_one_active_enrolment_per_programme(admin):
    existing = EnrolmentFactory()

    with pytest.raises(Conflict):
        services.enrolment_create(
            actor=admin,
            partner=existing.partner,
            programme=existing.programme,
            tier=existing.programme.tiers.get(rank=2),
        )

    assert Enrolment.objects.count() == 1
    assert TierChange.objects.count() == 1
    assert counts() == (0, 0)


def test_a_partner_enrols_again_after_its_enrolment_ended(admin):
    existing = EnrolmentFactory()
    services.enrolment_end(actor=admin, enrolment=existing, reason="Lapsed")

    again = services.enrolment_create(
        actor=admin,
        partner=existing.partner,
        programme=existing.programme,
        tier=existing.tier,
    )

    assert Enrolment.objects.filter(partner=existing.partner).count() == 2
    assert again.status == "active"


def test_a_partner_may_join_several_programmes(admin):
    partner = EnrolmentFactory().partner
    other = programme_with_tiers()

    services.enrolment_create(
        actor=admin, partner=partner, programme=other, tier=other.tiers.get(rank=1)
    )

    assert Enrolment.objects.filter(partner=partner, status="active").count() == 2


def test_a_channel_manager_enrols_an_assigned_partner():
    manager = UserFactory(vendor_role="channel_manager")
    partner = PartnerFactory(channel_manager=manager)
    programme = programme_with_tiers()

    services.enrolment_create(
        actor=manager,
        partner=partner,
        programme=programme,
        tier=programme.tiers.get(rank=1),
    )

    assert Enrolment.objects.get().partner == partner


def test_a_partner_outside_the_managers_scope_is_not_found():
    manager = UserFactory(vendor_role="channel_manager")
    programme = programme_with_tiers()

    with pytest.raises(NotFound):
        services.enrolment_create(
            actor=manager,
            partner=PartnerFactory(),
            programme=programme,
            tier=programme.tiers.get(rank=1),
        )

    assert Enrolment.objects.count() == 0
    assert counts() == (0, 0)


@pytest.mark.parametrize("role", ["channel_marketing", "finance", "analyst"])
def test_other_vendor_staff_cannot_enrol(role):
    programme = programme_with_tiers()

    with pytest.raises(PermissionDenied):
        services.enrolment_create(
            actor=UserFactory(vendor_role=role),
            partner=PartnerFactory(),
            programme=programme,
            tier=programme.tiers.get(rank=1),
        )

    assert Enrolment.objects.count() == 0
    assert counts() == (0, 0)


def test_a_partner_admin_cannot_change_their_own_tier():
    enrolment = EnrolmentFactory()
    actor = partner_user(partner=enrolment.partner)

    with pytest.raises(PermissionDenied):
        services.enrolment_change_tier(
            actor=actor,
            enrolment=enrolment,
            tier=enrolment.programme.tiers.get(rank=2),
            reason="We deserve it",
        )

    enrolment.refresh_from_db()
    assert enrolment.tier.rank == 1
    assert TierChange.objects.count() == 1
    assert counts() == (0, 0)


def test_a_tier_change_is_kept_as_history_with_who_and_why(admin):
    enrolment = EnrolmentFactory()
    silver = enrolment.tier
    gold = enrolment.programme.tiers.get(rank=2)

    services.enrolment_change_tier(
        actor=admin, enrolment=enrolment, tier=gold, reason="Two certified engineers"
    )
    services.enrolment_change_tier(
        actor=admin, enrolment=enrolment, tier=silver, reason="Sales dropped"
    )

    enrolment.refresh_from_db()
    assert enrolment.tier == silver
    history = list(
        TierChange.objects.filter(enrolment=enrolment)
        .order_by("id")
        .values_list("from_tier__name", "to_tier__name", "reason", "changed_by")
    )
    assert history == [
        (None, "Silver", "Enrolled", None),
        ("Silver", "Gold", "Two certified engineers", admin.pk),
        ("Gold", "Silver", "Sales dropped", admin.pk),
    ]
    first, second = our_events().order_by("id")
    assert first.name == "partner.tier_changed"
    assert first.partner_id == enrolment.partner_id
    assert first.payload["from_tier"] == {"id": silver.pk, "name": "Silver"}
    assert first.payload["to_tier"] == {"id": gold.pk, "name": "Gold"}
    assert first.payload["reason"] == "Two certified engineers"
    assert (first.payload["direction"], second.payload["direction"]) == ("up", "down")
    assert our_audits().order_by("id").first().changes == {"tier": [silver.pk, gold.pk]}


def test_a_tier_change_needs_a_reason(admin):
    enrolment = EnrolmentFactory()

    with pytest.raises(ValidationFailed) as caught:
        services.enrolment_change_tier(
            actor=admin,
            enrolment=enrolment,
            tier=enrolment.programme.tiers.get(rank=2),
            reason="  ",
        )

    assert list(caught.value.field_errors) == ["reason"]
    assert TierChange.objects.count() == 1
    assert counts() == (0, 0)


def test_a_tier_change_to_the_current_tier_is_refused(admin):
    enrolment = EnrolmentFactory()

    with pytest.raises(ValidationFailed) as caught:
        services.enrolment_change_tier(
            actor=admin, enrolment=enrolment, tier=enrolment.tier, reason="Again"
        )

    assert list(caught.value.field_errors) == ["tier"]


def test_a_tier_change_to_another_programmes_tier_is_refused(admin):
    enrolment = EnrolmentFactory()
    elsewhere = programme_with_tiers().tiers.get(rank=2)

    with pytest.raises(ValidationFailed) as caught:
        services.enrolment_change_tier(
            actor=admin, enrolment=enrolment, tier=elsewhere, reason="Why not"
        )

    assert list(caught.value.field_errors) == ["tier"]
    enrolment.refresh_from_db()
    assert enrolment.tier.rank == 1
    assert counts() == (0, 0)


def test_an_ended_enrolment_keeps_its_tier(admin):
    enrolment = EnrolmentFactory()
    services.enrolment_end(actor=admin, enrolment=enrolment)
    before = counts()

    with pytest.raises(InvalidTransition):
        services.enrolment_change_tier(
            actor=admin,
            enrolment=enrolment,
            tier=enrolment.programme.tiers.get(rank=2),
            reason="Late",
        )

    assert counts() == before


def test_ending_an_enrolment_keeps_it_as_history(admin):
    enrolment = EnrolmentFactory()

    services.enrolment_end(actor=admin, enrolment=enrolment, reason="Left the channel")

    enrolment.refresh_from_db()
    assert enrolment.status == "ended"
    assert enrolment.ended_at is not None
    event = our_events().get()
    assert event.name == "enrolment.ended"
    assert event.payload["reason"] == "Left the channel"
    assert our_audits().get().verb == "enrolment.ended"


def test_an_enrolment_ends_once(admin):
    enrolment = EnrolmentFactory()
    services.enrolment_end(actor=admin, enrolment=enrolment)

    with pytest.raises(InvalidTransition):
        services.enrolment_end(actor=admin, enrolment=enrolment)

    assert event_names() == ["enrolment.ended"]
