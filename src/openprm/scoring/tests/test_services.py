from decimal import Decimal

import pytest

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core import events
from openprm.core.errors import PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.partners.models import CustomFieldDefinition
from openprm.partners.tests.factories import PartnerFactory
from openprm.scoring import services
from openprm.scoring.models import Criterion, PartnerScore, Scorecard, ScoreRun
from openprm.scoring.subscribers import recompute_partner
from openprm.scoring.tests.factories import ScorecardFactory, scorecard_with_criteria
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return VendorUserFactory(email="ada@vendor.example")


def nothing_written(before_audit, before_events):
    return (
        AuditEntry.objects.count() == before_audit
        and OutboxEvent.objects.count() == before_events
    )


def test_a_vendor_admin_creates_a_scorecard_audited_and_announced(admin):
    scorecard = services.scorecard_create(
        actor=admin, name=" Reseller fit ", applies_to_statuses=["prospect"]
    )

    assert scorecard.name == "Reseller fit"
    assert AuditEntry.objects.filter(verb="scorecard.created").count() == 1
    assert OutboxEvent.objects.filter(name="scorecard.created").count() == 1


@pytest.mark.parametrize("role", [VendorRole.CHANNEL_MANAGER, VendorRole.ANALYST])
def test_other_vendor_roles_cannot_create_a_scorecard(role):
    actor = VendorUserFactory(vendor_role=role)
    audits, outbox = AuditEntry.objects.count(), OutboxEvent.objects.count()

    with pytest.raises(PermissionDenied):
        services.scorecard_create(actor=actor, name="Fit")

    assert Scorecard.objects.count() == 0
    assert nothing_written(audits, outbox)


def test_a_partner_user_cannot_add_a_criterion():
    scorecard = ScorecardFactory()
    actor = partner_user()
    audits, outbox = AuditEntry.objects.count(), OutboxEvent.objects.count()

    with pytest.raises(PermissionDenied):
        services.criterion_create(
            actor=actor,
            scorecard=scorecard,
            label="Type",
            field="partner_type",
            kind="value_in_list",
            config={"values": [{"value": "reseller", "points": 100}]},
        )

    assert Criterion.objects.count() == 0
    assert nothing_written(audits, outbox)


def test_an_unknown_status_is_refused(admin):
    with pytest.raises(ValidationFailed) as refused:
        services.scorecard_create(actor=admin, name="Fit", applies_to_statuses=["x"])

    assert list(refused.value.field_errors) == ["applies_to_statuses"]
    assert Scorecard.objects.count() == 0


def test_a_criterion_over_a_field_outside_the_allow_list_is_refused(admin):
    scorecard = ScorecardFactory()
    audits = AuditEntry.objects.count()

    with pytest.raises(ValidationFailed) as refused:
        services.criterion_create(
            actor=admin,
            scorecard=scorecard,
            label="Secret",
            field="external_id",
            kind="value_in_list",
            config={"values": [{"value": "x", "points": 1}]},
        )

    assert list(refused.value.field_errors) == ["field"]
    assert Criterion.objects.count() == 0
    assert AuditEntry.objects.count() == audits


def test_a_criterion_kind_must_fit_the_field(admin):
    with pytest.raises(ValidationFailed) as refused:
        services.criterion_create(
            actor=admin,
            scorecard=ScorecardFactory(),
            label="Industries",
            field="industries",
            kind="range_bands",
            config={"bands": [{"min": 1, "max": 2, "points": 1}]},
        )

    assert list(refused.value.field_errors) == ["kind"]


def test_a_criterion_reads_a_custom_number_field_with_bands(admin):
    CustomFieldDefinition.objects.create(
        key="engineers", label="Engineers", field_type="number"
    )

    criterion = services.criterion_create(
        actor=admin,
        scorecard=ScorecardFactory(),
        label="Engineers",
        field="custom:engineers",
        kind="range_bands",
        weight=3,
        config={"bands": [{"min": 5, "max": None, "points": 80}]},
    )

    assert criterion.config == {"bands": [{"min": 5, "max": None, "points": 80}]}


def test_a_weight_must_be_positive(admin):
    with pytest.raises(ValidationFailed) as refused:
        services.criterion_create(
            actor=admin,
            scorecard=ScorecardFactory(),
            label="Type",
            field="partner_type",
            kind="value_in_list",
            weight=0,
            config={"values": [{"value": "reseller", "points": 100}]},
        )

    assert list(refused.value.field_errors) == ["weight"]


def test_deactivating_records_the_change(admin):
    scorecard = ScorecardFactory()

    services.scorecard_deactivate(actor=admin, scorecard=scorecard)

    scorecard.refresh_from_db()
    assert scorecard.is_active is False
    entry = AuditEntry.objects.get(verb="scorecard.updated")
    assert entry.changes == {"is_active": [True, False]}


def test_recompute_writes_a_score_with_reasons_and_announces_it():
    scorecard = scorecard_with_criteria()
    partner = PartnerFactory(profile={"specialisations": ["security"]})

    [score] = services.partner_score_recompute(partner=partner)

    # (60 * 2 + 100 * 1) / 3
    assert score.score == Decimal("73.33")
    assert score.scorecard == scorecard
    assert score.breakdown[0]["reason"] == (
        "Specialisations include security (+60 \N{MULTIPLICATION SIGN} weight 2)"
    )
    assert OutboxEvent.objects.filter(name="partner.scored").count() == 1


def test_an_unchanged_score_writes_no_history():
    scorecard_with_criteria()
    partner = PartnerFactory()
    services.partner_score_recompute(partner=partner)

    assert services.partner_score_recompute(partner=partner) == []
    assert PartnerScore.objects.count() == 1
    assert OutboxEvent.objects.filter(name="partner.scored").count() == 1


def test_a_changed_score_keeps_the_old_one_as_history():
    scorecard_with_criteria()
    partner = PartnerFactory()
    services.partner_score_recompute(partner=partner)
    partner.specialisations = ["cloud"]
    partner.save()

    services.partner_score_recompute(partner=partner)

    scores = PartnerScore.objects.filter(partner=partner).order_by("id")
    assert [(row.score, row.is_current) for row in scores] == [
        (Decimal("33.33"), False),
        (Decimal("60.00"), True),
    ]


def test_a_partner_outside_the_statuses_leaves_the_ranking():
    scorecard_with_criteria(applies_to_statuses=["prospect"])
    partner = PartnerFactory(status="prospect")
    services.partner_score_recompute(partner=partner)
    partner.status = "active"
    partner.save()

    services.partner_score_recompute(partner=partner)

    assert PartnerScore.objects.filter(is_current=True).count() == 0
    assert PartnerScore.objects.count() == 1


def test_inactive_scorecards_are_not_computed():
    scorecard_with_criteria(is_active=False)

    assert services.partner_score_recompute(partner=PartnerFactory()) == []


def test_the_subscriber_scores_a_created_partner_once(
    django_capture_on_commit_callbacks,
):
    scorecard_with_criteria()
    with django_capture_on_commit_callbacks(execute=True):
        partner = PartnerFactory()
    event = OutboxEvent.objects.get(name="partner.created")

    recompute_partner(event)  # delivered twice: at least once

    assert PartnerScore.objects.filter(partner=partner).count() == 1
    assert any(
        item.name == "scoring.recompute_partner" for item in events.subscribers()
    )


def test_a_bulk_run_scores_every_partner_in_batches(admin):
    scorecard_with_criteria()
    PartnerFactory.create_batch(5)

    run = services.score_run_start(actor=admin)
    run = services.score_run_execute(run=run, batch_size=2)

    assert (run.total, run.done, run.changed) == (5, 5, 5)
    assert run.finished_at is not None
    assert PartnerScore.objects.filter(is_current=True).count() == 5
    assert OutboxEvent.objects.filter(name="score_run.finished").count() == 1


def test_a_second_bulk_run_changes_nothing(admin):
    scorecard_with_criteria()
    PartnerFactory.create_batch(3)
    services.score_run_execute(run=services.score_run_start(actor=admin))

    run = services.score_run_execute(run=services.score_run_start(actor=admin))

    assert run.changed == 0
    assert PartnerScore.objects.count() == 3


def test_only_a_vendor_admin_starts_a_bulk_run():
    actor = VendorUserFactory(vendor_role=VendorRole.ANALYST)
    audits, outbox = AuditEntry.objects.count(), OutboxEvent.objects.count()

    with pytest.raises(PermissionDenied):
        services.score_run_start(actor=actor)

    assert ScoreRun.objects.count() == 0
    assert nothing_written(audits, outbox)


def test_the_task_runs_the_bulk_recompute_after_commit(
    admin, django_capture_on_commit_callbacks
):
    scorecard_with_criteria()
    PartnerFactory.create_batch(2)

    with django_capture_on_commit_callbacks(execute=True):
        run = services.score_run_start(actor=admin)

    run.refresh_from_db()
    assert (run.done, run.finished_at is not None) == (2, True)


def test_a_bulk_batch_takes_the_same_queries_for_more_partners(admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    scorecard_with_criteria()
    scorecard_with_criteria()
    PartnerFactory.create_batch(2)
    with CaptureQueriesContext(connection) as few:
        services.score_run_execute(run=ScoreRun.objects.create())
    PartnerScore.objects.all().delete()
    PartnerFactory.create_batch(6)

    with CaptureQueriesContext(connection) as many:
        run = services.score_run_execute(run=ScoreRun.objects.create())

    assert run.changed == 16
    assert len(many) == len(few)


def test_a_bulk_run_scores_as_the_single_recompute_does(admin):
    """The bulk run reads only the columns the criteria need, as dictionaries; the
    scores and reasons are those of the one-partner recompute of full rows."""
    CustomFieldDefinition.objects.create(
        key="engineers", label="Engineers", field_type="number"
    )
    card = scorecard_with_criteria()
    services.criterion_create(
        actor=admin,
        scorecard=card,
        label="Engineers",
        field="custom:engineers",
        kind="range_bands",
        weight=3,
        config={"bands": [{"min": 5, "max": None, "points": 90}]},
    )
    partners = [
        PartnerFactory(
            partner_type=partner_type,
            profile={"specialisations": specialisations, "custom_fields": custom},
        )
        for partner_type, specialisations, custom in [
            ("reseller", ["security"], {"engineers": 7}),
            ("msp", ["cloud", "security"], {}),
            ("agency", [], {"engineers": 2}),
        ]
    ]
    singles = {
        partner.pk: (row.score, row.breakdown)
        for partner in partners
        for row in services.partner_score_recompute(partner=partner)
    }
    PartnerScore.objects.all().delete()

    services.score_run_execute(run=services.score_run_start(actor=admin))

    bulk = {
        row.partner_id: (row.score, row.breakdown)
        for row in PartnerScore.objects.filter(is_current=True)
    }
    assert bulk == singles
    assert len(bulk) == 3
    assert bulk[partners[0].pk][0] > bulk[partners[2].pk][0]
