from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.agreements import services as agreement_services
from openprm.agreements.tests.factories import AgreementVersionFactory
from openprm.core import events
from openprm.core.errors import PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent, SubscriberDelivery
from openprm.journeys import services
from openprm.journeys.choices import TaskKind
from openprm.journeys.models import Journey, JourneyDocument, JourneyStatus
from openprm.journeys.subscribers import evaluate_journeys
from openprm.journeys.tests.factories import TaskTemplateFactory
from openprm.journeys.tests.helpers import deliver_all, names
from openprm.partners.choices import PartnerStatus
from openprm.partners.services import partner_update
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.models import Enrolment
from openprm.programs.tests.factories import programme_with_tiers
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return UserFactory(vendor_role=VendorRole.CHANNEL_MANAGER)


@pytest.fixture
def partner(manager):
    return PartnerFactory(status=PartnerStatus.ONBOARDING, channel_manager=manager)


@pytest.fixture
def admin(partner):
    return MembershipFactory(partner=partner).user


@pytest.fixture
def programme():
    return programme_with_tiers("Registered", "Gold")


def approve(partner, programme):
    """What the onboarding app emits when the last approval step passes."""
    events.emit(
        "application.approved",
        payload={"programme": str(programme.public_id)},
        partner_id=partner.pk,
    )
    deliver_all()
    return Journey.objects.get(partner=partner, programme=programme)


def task_of(journey, kind):
    return journey.tasks.get(kind=kind)


def test_an_approved_application_starts_the_journey_with_its_tasks_and_due_dates(
    partner, programme
):
    TaskTemplateFactory(programme=programme, kind=TaskKind.MANUAL, due_days=5)
    TaskTemplateFactory(programme=programme, kind=TaskKind.COURSE, is_required=False)

    journey = approve(partner, programme)

    tasks = list(journey.tasks.order_by("position"))
    assert [task.kind for task in tasks] == [TaskKind.MANUAL, TaskKind.COURSE]
    assert tasks[0].due_at == journey.started_at + timedelta(days=5)
    assert tasks[1].due_at is None
    assert names("journey.") == ["journey.started"]


def test_the_agreement_task_completes_when_the_agreement_is_accepted(
    partner, admin, programme
):
    TaskTemplateFactory(programme=programme, kind=TaskKind.AGREEMENT)
    TaskTemplateFactory(programme=programme, kind=TaskKind.MANUAL)
    version = AgreementVersionFactory(document__programme=programme)
    journey = approve(partner, programme)

    agreement_services.agreement_accept(
        actor=admin, partner=partner, version=version, name="Ada", title="CEO"
    )
    deliver_all()

    task = task_of(journey, TaskKind.AGREEMENT)
    assert task.completed_at is not None
    assert task.completion_note == "Agreement accepted."


def test_the_profile_task_completes_when_the_named_fields_are_filled(
    partner, admin, programme
):
    TaskTemplateFactory(
        programme=programme,
        kind=TaskKind.PROFILE_FIELDS,
        config={"fields": ["street", "postal_code"]},
    )
    TaskTemplateFactory(programme=programme, kind=TaskKind.MANUAL)
    journey = approve(partner, programme)
    partner_update(partner=partner, actor=admin, data={"street": "1 Main St"})
    deliver_all()
    assert task_of(journey, TaskKind.PROFILE_FIELDS).completed_at is None

    assert names("partner.profile_completed") == []
    partner_update(partner=partner, actor=admin, data={"postal_code": "LS1 4AP"})
    deliver_all()

    assert task_of(journey, TaskKind.PROFILE_FIELDS).completed_at is not None
    # Once per partner and journey, whatever is evaluated again.
    assert names("partner.profile_completed") == ["partner.profile_completed"]
    event = OutboxEvent.objects.get(name="partner.profile_completed")
    assert (event.partner_id, event.payload["journey"]) == (
        partner.pk,
        str(journey.public_id),
    )
    services.journey_evaluate(journey=journey)
    partner_update(partner=partner, actor=admin, data={"street": "2 Main St"})
    deliver_all()
    assert names("partner.profile_completed") == ["partner.profile_completed"]


def test_the_colleagues_task_completes_when_enough_colleagues_joined(
    partner, admin, programme
):
    TaskTemplateFactory(
        programme=programme, kind=TaskKind.INVITE_COLLEAGUES, config={"count": 2}
    )
    TaskTemplateFactory(programme=programme, kind=TaskKind.MANUAL)
    journey = approve(partner, programme)

    for joined in range(2):
        membership = MembershipFactory(partner=partner, roles=[PartnerRole.SALES])
        events.emit(
            "membership.created",
            payload={"id": membership.pk},
            partner_id=partner.pk,
        )
        deliver_all()
        done = task_of(journey, TaskKind.INVITE_COLLEAGUES).completed_at is not None
        assert done == (joined == 1)


def test_the_document_task_completes_when_a_valid_document_is_uploaded(
    partner, admin, programme
):
    TaskTemplateFactory(programme=programme, kind=TaskKind.DOCUMENT)
    TaskTemplateFactory(programme=programme, kind=TaskKind.MANUAL)
    journey = approve(partner, programme)
    task = task_of(journey, TaskKind.DOCUMENT)

    services.journey_document_upload(
        actor=admin,
        task=task,
        upload=SimpleUploadedFile("vat.pdf", b"%PDF-1.4 certificate"),
    )
    deliver_all()

    task.refresh_from_db()
    assert task.completed_at is not None
    assert JourneyDocument.objects.get().name == "vat.pdf"


@pytest.mark.parametrize(
    ("name", "content", "field_error"),
    [
        ("vat.exe", b"MZ", "Upload one of: .jpg, .pdf, .png."),
        (
            "vat.pdf",
            b"MZ not a pdf",
            "The file's content does not match its extension.",
        ),
    ],
)
def test_a_document_of_the_wrong_type_is_refused_and_nothing_is_written(
    partner, admin, programme, name, content, field_error
):
    TaskTemplateFactory(programme=programme, kind=TaskKind.DOCUMENT)
    journey = approve(partner, programme)
    counts = (AuditEntry.objects.count(), OutboxEvent.objects.count())

    with pytest.raises(ValidationFailed) as refused:
        services.journey_document_upload(
            actor=admin,
            task=task_of(journey, TaskKind.DOCUMENT),
            upload=SimpleUploadedFile(name, content),
        )

    assert refused.value.field_errors == {"file": [field_error]}
    assert JourneyDocument.objects.count() == 0
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == counts


def test_a_document_larger_than_allowed_is_refused(partner, admin, programme, settings):
    settings.OPENPRM_JOURNEY_UPLOAD_MAX_BYTES = 10
    TaskTemplateFactory(programme=programme, kind=TaskKind.DOCUMENT)
    journey = approve(partner, programme)

    with pytest.raises(ValidationFailed):
        services.journey_document_upload(
            actor=admin,
            task=task_of(journey, TaskKind.DOCUMENT),
            upload=SimpleUploadedFile("vat.pdf", b"%PDF" + b"x" * 20),
        )
    assert JourneyDocument.objects.count() == 0


def test_the_course_task_completes_on_its_course_completed_event(partner, programme):
    TaskTemplateFactory(
        programme=programme, kind=TaskKind.COURSE, config={"course": "sales-101"}
    )
    TaskTemplateFactory(programme=programme, kind=TaskKind.MANUAL)
    journey = approve(partner, programme)

    events.emit("course.completed", payload={"course": "other"}, partner_id=partner.pk)
    deliver_all()
    assert task_of(journey, TaskKind.COURSE).completed_at is None

    events.emit(
        "course.completed", payload={"course": "sales-101"}, partner_id=partner.pk
    )
    deliver_all()
    assert task_of(journey, TaskKind.COURSE).completed_at is not None


def test_a_manual_task_is_signed_off_by_the_partners_channel_manager(
    partner, manager, programme
):
    TaskTemplateFactory(programme=programme, kind=TaskKind.MANUAL)
    TaskTemplateFactory(programme=programme, kind=TaskKind.COURSE)
    journey = approve(partner, programme)
    task = task_of(journey, TaskKind.MANUAL)

    services.journey_task_sign_off(actor=manager, task=task, note="Kick-off held")

    task.refresh_from_db()
    assert task.completed_by == manager
    assert task.completion_note == "Kick-off held"


def test_a_manual_task_is_not_signed_off_by_an_analyst_and_nothing_changes(
    partner, programme
):
    TaskTemplateFactory(programme=programme, kind=TaskKind.MANUAL)
    journey = approve(partner, programme)
    task = task_of(journey, TaskKind.MANUAL)
    counts = (AuditEntry.objects.count(), OutboxEvent.objects.count())

    with pytest.raises(PermissionDenied):
        services.journey_task_sign_off(
            actor=UserFactory(vendor_role=VendorRole.ANALYST), task=task
        )

    task.refresh_from_db()
    assert task.completed_at is None
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == counts


def test_a_redelivered_event_completes_the_task_once(partner, admin, programme):
    TaskTemplateFactory(programme=programme, kind=TaskKind.AGREEMENT)
    TaskTemplateFactory(programme=programme, kind=TaskKind.MANUAL)
    version = AgreementVersionFactory(document__programme=programme)
    approve(partner, programme)
    agreement_services.agreement_accept(
        actor=admin, partner=partner, version=version, name="Ada", title="CEO"
    )
    deliver_all()
    accepted = OutboxEvent.objects.get(name="agreement.accepted")

    evaluate_journeys(accepted)
    evaluate_journeys(accepted)

    assert names("journey.task_completed") == ["journey.task_completed"]
    assert AuditEntry.objects.filter(verb="journey.task_completed").count() == 1
    assert (
        SubscriberDelivery.objects.get(
            event=accepted, subscriber="journeys.evaluate"
        ).status
        == "delivered"
    )


def test_the_partner_is_activated_into_the_entry_tier_when_every_required_task_is_done(
    partner, manager, programme
):
    TaskTemplateFactory(programme=programme, kind=TaskKind.MANUAL)
    TaskTemplateFactory(programme=programme, kind=TaskKind.MANUAL)
    TaskTemplateFactory(programme=programme, kind=TaskKind.COURSE, is_required=False)
    journey = approve(partner, programme)
    tasks = list(journey.tasks.filter(kind=TaskKind.MANUAL).order_by("position"))

    services.journey_task_sign_off(actor=manager, task=tasks[0])
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.ONBOARDING
    assert Enrolment.objects.count() == 0
    assert "partner.activated" not in names()

    services.journey_task_sign_off(actor=manager, task=tasks[1])

    partner.refresh_from_db()
    journey.refresh_from_db()
    assert partner.status == PartnerStatus.ACTIVE
    assert journey.status == JourneyStatus.COMPLETED
    enrolment = Enrolment.objects.get(partner=partner)
    assert (enrolment.programme, enrolment.tier.rank) == (programme, 1)
    assert names("partner.activated") == ["partner.activated"]


def test_a_journey_without_required_tasks_activates_at_once(partner, programme):
    VendorUserFactory()
    TaskTemplateFactory(programme=programme, kind=TaskKind.COURSE, is_required=False)
    partner.channel_manager = None
    partner.save()

    approve(partner, programme)

    partner.refresh_from_db()
    assert partner.status == PartnerStatus.ACTIVE


def test_the_overdue_sweep_flags_open_tasks_past_their_due_date(partner, programme):
    TaskTemplateFactory(programme=programme, kind=TaskKind.MANUAL, due_days=3)
    TaskTemplateFactory(programme=programme, kind=TaskKind.COURSE, due_days=30)
    journey = approve(partner, programme)

    flagged = services.journeys_flag_overdue(now=timezone.now() + timedelta(days=4))

    assert flagged == 1
    assert list(
        journey.tasks.order_by("position").values_list("is_overdue", flat=True)
    ) == [True, False]
    assert services.journeys_flag_overdue(now=timezone.now() + timedelta(days=4)) == 0
