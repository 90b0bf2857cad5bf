"""The learning app's real events earn certifications: a learner who completes a
path holds the certification that names it (the two apps meet only through the
outbox event and its payload)."""

import pytest

from openprm.certifications.choices import AwardSource, EarningKind
from openprm.certifications.models import UserCertification
from openprm.certifications.tests.factories import CertificationFactory
from openprm.learning import services as learning
from openprm.learning.models import Enrolment
from openprm.learning.tests.factories import LessonFactory, path_of
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_completing_a_learning_path_earns_its_certification(
    django_capture_on_commit_callbacks,
):
    lesson = LessonFactory()
    path = path_of(lesson.module.course)
    certification = CertificationFactory(kind=EarningKind.PATH, path=path)
    member = MembershipFactory(roles=["technical"])
    learning.path_enrol(actor=member.user, path=path, partner_id=member.partner_id)
    enrolment = Enrolment.objects.get(user=member.user)

    with django_capture_on_commit_callbacks(execute=True):
        learning.lesson_complete(actor=member.user, enrolment=enrolment, lesson=lesson)

    [held] = UserCertification.objects.all()
    assert held.certification == certification
    assert (held.user_id, held.partner_id) == (member.user_id, member.partner_id)
    assert held.source == AwardSource.PATH
