"""Keeping the chains: vendor admins add, change, order and remove the steps of
every registered subject kind, from the console and the API, audited; a bad
step changes nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from openprm.accounts.tests.factories import UserFactory
from openprm.approvals import rules, services
from openprm.approvals.models import ChainStep, Queue
from openprm.approvals.rules import Facts
from openprm.approvals.tests import subject
from openprm.approvals.tests.factories import ChainStepFactory
from openprm.core.errors import PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(vendor_role="vendor_admin")


def test_a_step_added_goes_last_and_its_band_chooses_it(admin):
    director = UserFactory(vendor_role="channel_marketing")
    services.chain_step_save(actor=admin, kind=subject.KIND, name="Review")
    step = services.chain_step_save(
        actor=admin,
        kind=subject.KIND,
        name="Director",
        user=director,
        currency="eur",
        min_amount=Decimal("5000"),
    )

    assert (step.position, step.currency) == (2, "EUR")
    big = services.request_start(
        kind=subject.KIND,
        object_id="big",
        subject_label="Big",
        facts=Facts(amount=Decimal("10000"), currency="EUR"),
    )
    small = services.request_start(
        kind=subject.KIND,
        object_id="small",
        subject_label="Small",
        facts=Facts(amount=Decimal("100"), currency="EUR"),
    )
    assert big.assignee is None and small.assignee is None
    chosen = [
        step.name
        for step, _why in rules.chain(
            services._steps(big), Facts(amount=Decimal("10000"), currency="EUR")
        )
    ]
    assert chosen == ["Review", "Director"]
    assert [
        step.name
        for step, _why in rules.chain(
            services._steps(small), Facts(amount=Decimal("100"), currency="EUR")
        )
    ] == ["Review"]
    assert AuditEntry.objects.filter(verb="approval_step.created").count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "A", "min_amount": Decimal("10")}, "currency"),
        (
            {
                "name": "A",
                "currency": "EUR",
                "min_amount": Decimal("10"),
                "max_amount": Decimal("5"),
            },
            "max_amount",
        ),
        ({"name": "A", "regions": ["MOON"]}, "regions"),
        ({"name": "A", "sla_business_days": 0}, "sla_business_days"),
    ],
)
def test_a_bad_step_is_refused_by_field_and_nothing_is_written(admin, fields, field):
    with pytest.raises(ValidationFailed) as refused:
        services.chain_step_save(actor=admin, kind=subject.KIND, **fields)
    assert field in refused.value.field_errors
    assert ChainStep.objects.count() == AuditEntry.objects.count() == 0


def test_an_approver_and_a_queue_together_or_an_unknown_kind_are_refused(admin):
    queue = Queue.objects.create(name="Legal")
    with pytest.raises(ValidationFailed) as both:
        services.chain_step_save(
            actor=admin, kind=subject.KIND, name="A", user=admin, queue=queue
        )
    with pytest.raises(ValidationFailed) as unknown:
        services.chain_step_save(actor=admin, kind="nothing.here", name="A")
    assert "queue" in both.value.field_errors
    assert "kind" in unknown.value.field_errors


def test_only_vendor_admins_keep_the_chains():
    with pytest.raises(PermissionDenied):
        services.chain_step_save(
            actor=UserFactory(vendor_role="channel_manager"),
            kind=subject.KIND,
            name="A",
        )
    assert ChainStep.objects.count() == 0


def test_moving_a_step_swaps_it_with_its_neighbour(admin):
    first = ChainStepFactory(kind=subject.KIND, position=1, name="First")
    second = ChainStepFactory(kind=subject.KIND, position=2, name="Second")

    services.chain_step_move(actor=admin, step=second, up=True)
    services.chain_step_move(actor=admin, step=second, up=True)  # already first

    names = list(
        ChainStep.objects.filter(kind=subject.KIND)
        .order_by("position")
        .values_list("name", flat=True)
    )
    assert names == ["Second", "First"]
    first.refresh_from_db()
    assert first.position == 2
    assert AuditEntry.objects.filter(verb="approval_step.moved").count() == 1


def test_the_console_lists_every_kind_adds_edits_orders_and_removes(
    client, admin, django_assert_max_num_queries
):
    client.force_login(admin)
    added = client.post(
        reverse("console:approval_chain_step_new", args=[subject.KIND]),
        {
            "name": "Finance",
            "sla_business_days": "3",
            "currency": "EUR",
            "min_amount": "1000",
            "regions": ["EMEA"],
        },
    )
    step = ChainStep.objects.get()
    bad = client.post(
        reverse("console:approval_chain_step_edit", args=[step.pk]),
        {"name": "Finance", "sla_business_days": "3", "min_amount": "5"},
    )
    edited = client.post(
        reverse("console:approval_chain_step_edit", args=[step.pk]),
        {"name": "Finance director", "sla_business_days": "5"},
    )
    for _ in range(3):
        ChainStepFactory(kind=subject.KIND)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("console:approval_chains"))
    removed = client.post(reverse("console:approval_chain_step_delete", args=[step.pk]))

    assert added.status_code == edited.status_code == removed.status_code == 302
    assert bad.status_code == 400
    assert "An amount band needs its currency." in bad.content.decode()
    body = page.content.decode()
    assert "Finance director" in body
    assert f'data-testid="chain-{subject.KIND}"' in body
    assert not ChainStep.objects.filter(pk=step.pk).exists()
    assert AuditEntry.objects.filter(verb="approval_step.deleted").count() == 1


def test_the_list_page_reads_the_same_queries_for_one_or_many_steps(client, admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(admin)
    ChainStepFactory(kind=subject.KIND)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("console:approval_chains"))
    for _ in range(5):
        ChainStepFactory(kind=subject.KIND, user=UserFactory(vendor_role="finance"))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("console:approval_chains"))
    assert len(one.captured_queries) == len(many.captured_queries)


def test_the_api_keeps_the_chain(client, admin):
    client.force_login(admin)
    approver = UserFactory(vendor_role="finance", email="cfo@vendor.test")
    base = "/api/v1/approval-chain-steps"

    first = client.post(
        base, {"kind": subject.KIND, "name": "Review"}, content_type="application/json"
    )
    second = client.post(
        base,
        {
            "kind": subject.KIND,
            "name": "CFO",
            "approver": approver.email,
            "currency": "EUR",
            "min_amount": "50000",
        },
        content_type="application/json",
    )
    bad = client.post(
        base,
        {"kind": subject.KIND, "name": "X", "approver": "nobody@x.test"},
        content_type="application/json",
    )
    step_id = second.json()["id"]
    moved = client.post(
        f"{base}/{step_id}/move", {"direction": "up"}, content_type="application/json"
    )
    changed = client.put(
        f"{base}/{step_id}",
        {"name": "Chief financial officer", "approver": approver.email},
        content_type="application/json",
    )
    listed = client.get(base, {"kind": subject.KIND})
    deleted = client.delete(f"{base}/{first.json()['id']}")

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["approver"] == "cfo@vendor.test"
    assert bad.status_code == 422
    assert "approver" in str(bad.json())
    assert moved.json()["position"] == 1
    assert changed.json()["name"] == "Chief financial officer"
    assert changed.json()["min_amount"] is None
    assert [row["name"] for row in listed.json()["items"]] == [
        "Chief financial officer",
        "Review",
    ]
    assert deleted.status_code == 204
