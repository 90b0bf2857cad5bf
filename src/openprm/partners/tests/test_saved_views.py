import json

import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.errors import PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.partners.directory.selectors import saved_view_filters, saved_views_for
from openprm.partners.directory.services import (
    saved_view_create,
    saved_view_delete,
    saved_view_update,
)
from openprm.partners.models import CustomFieldDefinition, SavedView
from openprm.partners.tests.factories import PartnerFactory, SavedViewFactory
from openprm.tenancy.tests.factories import partner_user
from openprm.tenancy.tests.test_team_api import bearer

pytestmark = pytest.mark.django_db


def _state():
    return (
        SavedView.objects.count(),
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
    )


def test_saving_a_view_normalises_its_query_audits_and_announces():
    actor = VendorUserFactory()

    view = saved_view_create(
        actor=actor,
        name="  EMEA actives ",
        query="?status=active&status=bogus&region=EMEA&sort=-created&page=3",
        is_shared=True,
    )

    assert (view.name, view.is_shared, view.owner) == ("EMEA actives", True, actor)
    assert view.query == {
        "region": ["EMEA"],
        "sort": ["-created"],
        "status": ["active"],
    }
    assert AuditEntry.objects.get().verb == "partner_view.created"
    assert OutboxEvent.objects.get().name == "partner_view.created"


def test_a_view_names_its_parent_partner_by_public_id():
    parent = PartnerFactory(partner_type="distributor")

    view = saved_view_create(
        actor=VendorUserFactory(), name="Beneath", query=f"parent={parent.pk}"
    )

    assert view.query == {"parent": [str(parent.public_id)]}


def test_a_parent_out_of_sight_drops_out_of_a_view():
    parent = PartnerFactory(partner_type="distributor")
    manager = VendorUserFactory(vendor_role="channel_manager")

    view = saved_view_create(actor=manager, name="Beneath", query=f"parent={parent.pk}")

    assert view.query == {}


def test_a_name_is_required_and_unique_per_owner():
    actor = VendorUserFactory()
    SavedViewFactory(owner=actor, name="Mine")
    SavedViewFactory(name="Taken elsewhere")
    before = _state()

    for name in ("", "   ", "Mine", "x" * 101):
        with pytest.raises(ValidationFailed) as refused:
            saved_view_create(actor=actor, name=name, query="")
        assert "name" in refused.value.field_errors

    assert _state() == before
    saved_view_create(actor=actor, name="Taken elsewhere", query="")


def test_partner_users_cannot_save_views():
    user = partner_user()
    before = _state()

    with pytest.raises(PermissionDenied):
        saved_view_create(actor=user, name="Mine", query="")

    assert _state() == before


def test_a_user_sees_their_own_views_and_shared_ones():
    me, colleague = VendorUserFactory(), VendorUserFactory()
    mine = SavedViewFactory(owner=me, name="B mine")
    shared = SavedViewFactory(owner=colleague, name="A shared", is_shared=True)
    SavedViewFactory(owner=colleague, name="C private")

    assert list(saved_views_for(user=me)) == [shared, mine]
    assert list(saved_views_for(user=partner_user())) == []


def test_only_the_owner_renames_shares_or_deletes():
    owner, colleague = VendorUserFactory(), VendorUserFactory()
    view = SavedViewFactory(owner=owner, name="Old", is_shared=True)
    before = _state()

    with pytest.raises(PermissionDenied):
        saved_view_update(view=view, actor=colleague, data={"name": "Hijacked"})
    with pytest.raises(PermissionDenied):
        saved_view_delete(view=view, actor=colleague)
    assert _state() == before

    saved_view_update(view=view, actor=owner, data={"name": "New", "is_shared": False})
    view.refresh_from_db()
    assert (view.name, view.is_shared) == ("New", False)
    assert OutboxEvent.objects.get().name == "partner_view.changed"

    saved_view_delete(view=view, actor=owner)
    assert not SavedView.objects.exists()
    assert list(AuditEntry.objects.order_by("pk").values_list("verb", flat=True)) == [
        "partner_view.changed",
        "partner_view.deleted",
    ]


def test_an_unchanged_update_writes_nothing():
    owner = VendorUserFactory()
    view = SavedViewFactory(owner=owner, name="Same")

    saved_view_update(view=view, actor=owner, data={"name": "Same"})

    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == (0, 0)


def test_applying_a_view_leaves_out_what_no_longer_exists():
    CustomFieldDefinition.objects.create(
        key="seats", label="Seats", field_type="number"
    )
    user = VendorUserFactory()
    view = SavedViewFactory(
        owner=user,
        name="Stale",
        query={
            "status": ["active"],
            "cf_seats__min": ["3"],
            "cf_gone": ["x"],
            "programme": ["00000000-0000-0000-0000-000000000001"],
            "scorecard": ["00000000-0000-0000-0000-000000000002"],
            "score_min": ["10"],
            "sort": ["-score"],
        },
    )

    filters, problems = saved_view_filters(user=user, view=view)

    assert filters.status == ("active",)
    assert filters.custom == (("seats", "min", ("3",)),)
    assert (filters.programme, filters.scorecard, filters.score_min) == ("", "", None)
    assert filters.sort == "name"
    assert len(problems) == 3
    assert any("“gone” no longer exists" in problem for problem in problems)
    assert any("programme" in problem for problem in problems)


def test_a_valid_view_applies_without_problems(django_assert_num_queries):
    from openprm.programs.tests.factories import programme_with_tiers

    programme = programme_with_tiers()
    user = VendorUserFactory()
    view = SavedViewFactory(
        owner=user, query={"programme": [str(programme.public_id)], "tag": ["x"]}
    )

    filters, problems = saved_view_filters(user=user, view=view, custom_keys={})

    assert problems == []
    assert filters.programme == str(programme.public_id)


# --- API ----------------------------------------------------------------------------


def _call(client, user, method, path, body=None):
    headers = getattr(user, "_test_headers", None) or bearer(user)
    user._test_headers = headers
    return client.generic(
        method,
        f"/api/v1/partners/views{path}",
        data="" if body is None else json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def test_the_api_creates_lists_gets_changes_and_deletes_views(client):
    me, colleague = VendorUserFactory(), VendorUserFactory()
    SavedViewFactory(owner=colleague, name="Theirs", is_shared=True)
    SavedViewFactory(owner=colleague, name="Private")

    created = _call(
        client,
        me,
        "POST",
        "",
        {"name": "Mine", "query": "region=EMEA&sort=-name", "is_shared": False},
    )
    assert created.status_code == 201, created.content
    view_id = created.json()["id"]
    assert created.json()["querystring"] == "region=EMEA&sort=-name"

    listed = _call(client, me, "GET", "").json()
    assert [(v["name"], v["is_own"]) for v in listed["items"]] == [
        ("Mine", True),
        ("Theirs", False),
    ]

    detail = _call(client, me, "GET", f"/{view_id}").json()
    assert detail["problems"] == []

    renamed = _call(client, me, "PATCH", f"/{view_id}", {"name": "Renamed"})
    assert renamed.json()["name"] == "Renamed"

    assert _call(client, me, "DELETE", f"/{view_id}").status_code == 204
    assert not SavedView.objects.filter(public_id=view_id).exists()


def test_the_api_refuses_changes_to_someone_elses_view(client):
    me = VendorUserFactory()
    shared = SavedViewFactory(name="Theirs", is_shared=True)
    private = SavedViewFactory(name="Private")
    before = _state()

    assert (
        _call(client, me, "PATCH", f"/{shared.public_id}", {"name": "x"}).status_code
        == 403
    )
    assert _call(client, me, "DELETE", f"/{shared.public_id}").status_code == 403
    assert _call(client, me, "GET", f"/{private.public_id}").status_code == 404
    assert _state() == before


def test_the_api_reports_a_duplicate_name_as_a_field_error(client):
    me = VendorUserFactory()
    SavedViewFactory(owner=me, name="Mine")

    response = _call(client, me, "POST", "", {"name": "Mine"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"


def test_the_view_list_runs_a_constant_number_of_queries(
    client, django_assert_num_queries
):
    me = VendorUserFactory()
    _call(client, me, "GET", "")
    # token with user, count, page (owners joined)
    with django_assert_num_queries(3):
        _call(client, me, "GET", "")
    for _ in range(5):
        SavedViewFactory(is_shared=True)
    with django_assert_num_queries(3):
        response = _call(client, me, "GET", "")

    assert response.json()["count"] == 5
