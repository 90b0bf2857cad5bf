import pytest

from openprm.accounts.models import User
from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.partners.lifecycle.selectors import (
    merge_preview,
    partner_duplicates_find,
)
from openprm.partners.lifecycle.services import (
    partner_merge,
    partner_move,
    partner_status_change,
)
from openprm.partners.models import Contact, Partner, PartnerDomain
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.models import Invitation, Membership
from openprm.tenancy.tests.factories import InvitationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def counts():
    return (AuditEntry.objects.count(), OutboxEvent.objects.count())


def tree_of(*partners):
    rows = Partner.objects.filter(pk__in=[p.pk for p in partners])
    return {row.name: (row.path, row.depth, row.parent_id) for row in rows}


# --- status


def test_a_status_change_is_saved_audited_and_announced():
    actor = VendorUserFactory()
    partner = PartnerFactory(status="active")

    partner_status_change(
        partner=partner, status="suspended", reason="Unpaid invoices", actor=actor
    )

    partner.refresh_from_db()
    entry = AuditEntry.objects.get(verb="partner.status_changed")
    event = OutboxEvent.objects.get(name="partner.status_changed")
    assert partner.status == "suspended"
    assert entry.changes == {
        "status": ["active", "suspended"],
        "reason": [None, "Unpaid invoices"],
    }
    assert (entry.actor, entry.partner_id) == (actor, partner.pk)
    assert (event.payload["from"], event.payload["to"], event.payload["reason"]) == (
        "active",
        "suspended",
        "Unpaid invoices",
    )
    assert event.partner_id == partner.pk


def test_an_invalid_transition_is_refused_and_changes_nothing():
    partner = PartnerFactory(status="prospect")
    before = counts()

    with pytest.raises(InvalidTransition) as refused:
        partner_status_change(
            partner=partner, status="active", reason="x", actor=VendorUserFactory()
        )

    partner.refresh_from_db()
    assert partner.status == "prospect"
    assert counts() == before
    assert "Cannot change from Prospect to Active" in str(refused.value.message)
    assert refused.value.status == 409


def test_a_status_change_needs_a_reason():
    partner = PartnerFactory(status="active")
    before = counts()

    with pytest.raises(ValidationFailed) as refused:
        partner_status_change(
            partner=partner, status="suspended", reason="  ", actor=VendorUserFactory()
        )

    partner.refresh_from_db()
    assert partner.status == "active"
    assert counts() == before
    assert list(refused.value.field_errors) == ["reason"]


def test_a_stale_status_is_refused():
    partner = PartnerFactory(status="active")
    Partner.objects.filter(pk=partner.pk).update(status="terminated")
    before = counts()

    with pytest.raises(InvalidTransition):
        partner_status_change(
            partner=partner, status="suspended", reason="x", actor=VendorUserFactory()
        )

    assert Partner.objects.get(pk=partner.pk).status == "terminated"
    assert counts() == before


def test_a_channel_manager_changes_the_status_of_their_partner():
    manager = UserFactory(vendor_role="channel_manager")
    partner = PartnerFactory(status="active", channel_manager=manager)

    partner_status_change(
        partner=partner, status="suspended", reason="Audit", actor=manager
    )

    assert Partner.objects.get(pk=partner.pk).status == "suspended"


def test_a_channel_manager_cannot_find_someone_elses_partner():
    manager = UserFactory(vendor_role="channel_manager", territories=["APAC"])
    partner = PartnerFactory(status="active", region="EMEA", country="DE")
    before = counts()

    with pytest.raises(NotFound):
        partner_status_change(
            partner=partner, status="suspended", reason="x", actor=manager
        )

    assert Partner.objects.get(pk=partner.pk).status == "active"
    assert counts() == before


@pytest.mark.parametrize("vendor_role", ["finance", "analyst", "channel_marketing"])
def test_other_vendor_roles_cannot_change_a_status(vendor_role):
    partner = PartnerFactory(status="active")
    before = counts()

    with pytest.raises(PermissionDenied):
        partner_status_change(
            partner=partner,
            status="suspended",
            reason="x",
            actor=UserFactory(vendor_role=vendor_role),
        )

    assert counts() == before


def test_a_partner_admin_cannot_change_their_own_status():
    membership = MembershipFactory()

    with pytest.raises(PermissionDenied):
        partner_status_change(
            partner=membership.partner,
            status="suspended",
            reason="x",
            actor=membership.user,
        )


# --- hierarchy


def three_levels():
    top = PartnerFactory(name="Top", partner_type="distributor")
    middle = PartnerFactory(name="Middle", parent=top)
    bottom = PartnerFactory(name="Bottom", parent=middle)
    return top, middle, bottom


def test_moving_a_partner_rewrites_its_whole_subtree():
    top, middle, bottom = three_levels()
    other = PartnerFactory(name="Other", partner_type="distributor")

    partner_move(partner=middle, parent=other, actor=VendorUserFactory())

    assert tree_of(top, middle, bottom, other) == {
        "Top": (f"/{top.pk}/", 0, None),
        "Middle": (f"/{other.pk}/{middle.pk}/", 1, other.pk),
        "Bottom": (f"/{other.pk}/{middle.pk}/{bottom.pk}/", 2, middle.pk),
        "Other": (f"/{other.pk}/", 0, None),
    }


def test_moving_a_partner_to_the_top_rewrites_its_subtree(django_assert_num_queries):
    top, middle, bottom = three_levels()
    actor = VendorUserFactory()

    # lock and read; max depth; the subtree UPDATE; the parent UPDATE; reload;
    # audit; outbox; savepoint release.
    with django_assert_num_queries(9):
        partner_move(partner=middle, parent=None, actor=actor)

    assert tree_of(top, middle, bottom) == {
        "Top": (f"/{top.pk}/", 0, None),
        "Middle": (f"/{middle.pk}/", 0, None),
        "Bottom": (f"/{middle.pk}/{bottom.pk}/", 1, middle.pk),
    }


def test_a_move_is_audited_and_announced():
    top, middle, _bottom = three_levels()
    actor = VendorUserFactory()

    partner_move(partner=middle, parent=None, actor=actor)

    entry = AuditEntry.objects.get(verb="partner.moved")
    event = OutboxEvent.objects.get(name="partner.moved")
    assert entry.changes == {
        "parent": [top.pk, None],
        "path": [f"/{top.pk}/{middle.pk}/", f"/{middle.pk}/"],
        "depth": [1, 0],
    }
    assert (
        event.payload["from_parent"],
        event.payload["to_parent"],
        event.payload["subtree_size"],
    ) == (top.pk, None, 2)


def test_moving_a_partner_beneath_its_own_descendant_is_refused():
    top, middle, bottom = three_levels()
    before = counts()
    paths = tree_of(top, middle, bottom)

    with pytest.raises(ValidationFailed) as refused:
        partner_move(partner=top, parent=bottom, actor=VendorUserFactory())

    assert "beneath itself" in str(refused.value.message)
    assert tree_of(top, middle, bottom) == paths
    assert counts() == before


def test_a_move_past_the_depth_limit_is_refused(settings):
    settings.OPENPRM_MAX_PARTNER_DEPTH = 3
    _top, _middle, bottom = three_levels()
    other = PartnerFactory(name="Other")
    before = counts()

    with pytest.raises(ValidationFailed) as refused:
        partner_move(partner=other, parent=bottom, actor=VendorUserFactory())

    assert "at most 3 tiers" in str(refused.value.message)
    assert Partner.objects.get(pk=other.pk).depth == 0
    assert counts() == before


def test_the_depth_limit_follows_the_setting(settings):
    settings.OPENPRM_MAX_PARTNER_DEPTH = 4
    _top, _middle, bottom = three_levels()
    other = PartnerFactory(name="Other")

    partner_move(partner=other, parent=bottom, actor=VendorUserFactory())

    assert Partner.objects.get(pk=other.pk).depth == 3


def test_only_a_vendor_admin_moves_partners():
    _top, middle, _bottom = three_levels()
    before = counts()

    with pytest.raises(PermissionDenied):
        partner_move(
            partner=middle,
            parent=None,
            actor=UserFactory(vendor_role="channel_manager"),
        )

    assert counts() == before


def test_moving_a_partner_rescopes_what_its_distributor_sees():
    first = PartnerFactory(partner_type="distributor", downstream_visibility=True)
    second = PartnerFactory(partner_type="distributor", downstream_visibility=True)
    reseller = PartnerFactory(name="Reseller", parent=first)
    sub = PartnerFactory(name="Sub", parent=reseller)
    first_admin = MembershipFactory(partner=first).user
    second_admin = MembershipFactory(partner=second).user

    partner_move(partner=reseller, parent=second, actor=VendorUserFactory())

    # Fresh user objects: a user's scope is computed once per object (request).
    assert set(Partner.objects.visible_to(User.objects.get(pk=first_admin.pk))) == {
        first
    }
    assert set(Partner.objects.visible_to(User.objects.get(pk=second_admin.pk))) == {
        second,
        reseller,
        sub,
    }


def test_before_a_move_the_distributor_sees_its_subtree():
    first = PartnerFactory(partner_type="distributor", downstream_visibility=True)
    reseller = PartnerFactory(name="Reseller", parent=first)
    sub = PartnerFactory(name="Sub", parent=reseller)
    first_admin = MembershipFactory(partner=first).user

    assert set(Partner.objects.visible_to(first_admin)) == {first, reseller, sub}


# --- duplicates


def test_duplicates_are_found_by_normalised_name_and_domain():
    contoso = PartnerFactory(name="Contoso Ltd.")
    same_site = PartnerFactory(name="CTS Holdings", website="https://contoso.example")
    PartnerFactory(name="Fabrikam")

    candidates = partner_duplicates_find(
        name="contoso limited", website="www.contoso.example"
    )

    assert [candidate.partner for candidate in candidates] == [same_site, contoso]
    assert [candidate.score for candidate in candidates] == [100.0, 100.0]


def test_a_duplicate_search_can_leave_a_partner_out(django_assert_num_queries):
    contoso = PartnerFactory(name="Contoso Ltd.")

    with django_assert_num_queries(1):
        candidates = partner_duplicates_find(name=contoso.name, exclude=contoso)

    assert candidates == []


# --- merge


def test_merging_moves_every_related_row_to_the_survivor():
    survivor = PartnerFactory(name="Contoso Ltd.")
    duplicate = PartnerFactory(name="contoso limited", status="prospect")
    child = PartnerFactory(name="Child", parent=duplicate)
    grandchild = PartnerFactory(name="Grandchild", parent=child)
    shared_user = MembershipFactory(partner=survivor).user
    MembershipFactory(partner=duplicate, user=shared_user)
    newcomer = MembershipFactory(partner=duplicate)
    invitation = InvitationFactory(partner=duplicate)
    actor = VendorUserFactory()

    result = partner_merge(survivor=survivor, duplicate=duplicate, actor=actor)

    assert result.moved == {
        "partners.partner (children)": 1,
        "tenancy.membership": 1,
        "tenancy.invitation": 1,
    }
    assert result.left == {"tenancy.membership": 1}
    assert Membership.objects.get(pk=newcomer.pk).partner == survivor
    assert Invitation.objects.get(pk=invitation.pk).partner == survivor
    assert tree_of(child, grandchild) == {
        "Child": (f"/{survivor.pk}/{child.pk}/", 1, survivor.pk),
        "Grandchild": (f"/{survivor.pk}/{child.pk}/{grandchild.pk}/", 2, child.pk),
    }
    assert Partner.objects.get(pk=duplicate.pk).status == "terminated"


def test_a_merge_keeps_the_duplicates_history_and_records_both_sides():
    survivor = PartnerFactory(name="Contoso Ltd.")
    duplicate = PartnerFactory(name="contoso limited")
    actor = VendorUserFactory()

    partner_merge(survivor=survivor, duplicate=duplicate, actor=actor)

    assert AuditEntry.objects.filter(partner_id=duplicate.pk).count() == 2
    merged = AuditEntry.objects.filter(verb="partner.merged")
    assert sorted(entry.partner_id for entry in merged) == sorted(
        [survivor.pk, duplicate.pk]
    )
    event = OutboxEvent.objects.get(name="partner.merged")
    assert (event.partner_id, event.payload["duplicate"]["id"]) == (
        survivor.pk,
        duplicate.pk,
    )


def test_the_merge_preview_counts_what_would_move():
    survivor = PartnerFactory()
    duplicate = PartnerFactory()
    PartnerFactory(parent=duplicate)
    MembershipFactory(partner=duplicate)

    assert merge_preview(survivor=survivor, duplicate=duplicate) == {
        "tenancy.membership": 1,
        "partners.partner (children)": 1,
    }


def test_merging_into_a_partner_beneath_the_duplicate_is_refused():
    duplicate = PartnerFactory()
    survivor = PartnerFactory(parent=duplicate)
    member = MembershipFactory(partner=duplicate)
    before = counts()

    with pytest.raises(ValidationFailed):
        partner_merge(survivor=survivor, duplicate=duplicate, actor=VendorUserFactory())

    assert Membership.objects.get(pk=member.pk).partner_id == duplicate.pk
    assert Partner.objects.get(pk=duplicate.pk).status == "active"
    assert counts() == before


def test_a_partner_is_not_merged_into_itself():
    partner = PartnerFactory()

    with pytest.raises(ValidationFailed):
        partner_merge(survivor=partner, duplicate=partner, actor=VendorUserFactory())


def test_only_a_vendor_admin_merges():
    survivor, duplicate = PartnerFactory(), PartnerFactory()
    member = MembershipFactory(partner=duplicate)
    before = counts()

    with pytest.raises(PermissionDenied):
        partner_merge(
            survivor=survivor,
            duplicate=duplicate,
            actor=UserFactory(vendor_role="channel_manager"),
        )

    assert Membership.objects.get(pk=member.pk).partner_id == duplicate.pk
    assert counts() == before


def test_rows_the_survivor_refuses_stay_with_the_duplicate():
    survivor, duplicate = PartnerFactory(), PartnerFactory()
    Contact.objects.create(partner=survivor, name="Ada", is_primary=True)
    second_primary = Contact.objects.create(
        partner=duplicate, name="Bob", is_primary=True
    )
    plain = Contact.objects.create(partner=duplicate, name="Cy")
    domain = PartnerDomain.objects.create(partner=duplicate, domain="dup.example")

    result = partner_merge(
        survivor=survivor, duplicate=duplicate, actor=VendorUserFactory()
    )

    assert Contact.objects.get(pk=plain.pk).partner_id == survivor.pk
    assert Contact.objects.get(pk=second_primary.pk).partner_id == duplicate.pk
    assert PartnerDomain.objects.get(pk=domain.pk).partner_id == survivor.pk
    assert result.left == {"partners.contact": 1}
    assert result.moved == {"partners.contact": 1, "partners.partnerdomain": 1}


def test_a_partners_registered_domain_finds_it_as_a_duplicate(
    django_assert_num_queries,
):
    partner = PartnerFactory(name="Blue Yonder", website="")
    PartnerDomain.objects.create(partner=partner, domain="blueyonder.example")
    PartnerFactory(name="Fabrikam")

    # the candidates, then their domains
    with django_assert_num_queries(2):
        candidates = partner_duplicates_find(
            name="BY Trading", website="https://blueyonder.example/"
        )

    assert [candidate.partner for candidate in candidates] == [partner]
    assert [str(reason) for reason in candidates[0].reasons] == [
        "Same website domain: blueyonder.example."
    ]


def test_a_terminated_partner_does_not_survive_a_merge():
    survivor = PartnerFactory(status="terminated")
    duplicate = PartnerFactory()
    member = MembershipFactory(partner=duplicate)
    before = counts()

    with pytest.raises(ValidationFailed) as refused:
        partner_merge(survivor=survivor, duplicate=duplicate, actor=VendorUserFactory())

    assert "re-recruit it first" in str(refused.value.message)
    assert Membership.objects.get(pk=member.pk).partner_id == duplicate.pk
    assert counts() == before


def test_moving_beneath_a_terminated_partner_is_refused():
    gone = PartnerFactory(status="terminated")
    partner = PartnerFactory()
    before = counts()

    with pytest.raises(ValidationFailed):
        partner_move(partner=partner, parent=gone, actor=VendorUserFactory())

    assert Partner.objects.get(pk=partner.pk).parent_id is None
    assert counts() == before
