"""An "application to review" notification settles when the application leaves
the reader: the queue and the unread notifications say the same."""

import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.notifications.models import Notification
from openprm.onboarding import services
from openprm.onboarding.tests.factories import (
    ApprovalStepFactory,
    ChannelManagerFactory,
    submit,
)
from openprm.programs.tests.factories import ProgrammeFactory


def unread(user) -> list[str]:
    return list(
        Notification.objects.filter(
            recipient=user, read_at__isnull=True, kind__startswith="onboarding."
        ).values_list("subject", flat=True)
    )


@pytest.fixture
def chain():
    programme = ProgrammeFactory()
    manager, legal = ChannelManagerFactory(), VendorUserFactory()
    ApprovalStepFactory(programme=programme, position=1, user=manager)
    ApprovalStepFactory(programme=programme, position=2, user=legal)
    return programme, manager, legal


@pytest.mark.django_db
def test_moving_to_the_next_step_settles_the_first_reviewers_notification(chain):
    programme, manager, legal = chain
    application = submit(programme, company="Fjord Networks")
    assert unread(manager) == ["Application to review: Fjord Networks"]

    services.application_approve_step(application=application, actor=manager)

    assert unread(manager) == []
    assert unread(legal) == ["Application to review: Fjord Networks"]


@pytest.mark.django_db
def test_a_decision_settles_every_reviewers_notification(chain):
    programme, manager, _legal = chain
    application = submit(programme, company="Quick Resell")

    services.application_reject(
        application=application, actor=manager, reason="Not this year."
    )

    assert unread(manager) == []


@pytest.mark.django_db
def test_asking_the_applicant_keeps_it_with_the_reviewer(chain):
    programme, manager, _legal = chain
    application = submit(programme, company="Maple Integrators")

    services.application_request_info(
        application=application, actor=manager, question="Which engineers?"
    )

    assert unread(manager) == ["Application to review: Maple Integrators"]
