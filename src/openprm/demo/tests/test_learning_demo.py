import pytest

from openprm.accounts.models import User
from openprm.demo.ecosystem import PARTNER_LOGIN, EcosystemBuilder
from openprm.demo.learning import build_demo_learning
from openprm.learning.models import (
    Course,
    Enrolment,
    LearningPath,
    PathEnrolment,
    ScormPackage,
)


@pytest.mark.django_db
def test_the_demo_has_courses_a_path_a_package_and_learners_part_way(
    settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    EcosystemBuilder(seed=7, partner_count=10, password="demo-pass-1234").build()
    admin = User.objects.filter(vendor_role="vendor_admin").order_by("id").first()

    assert build_demo_learning(actor=admin) == 4

    assert Course.objects.filter(is_published=True).count() == 4
    assert ScormPackage.objects.get().entry == "index.html"
    assert LearningPath.objects.get().steps.count() == 2
    assert Enrolment.objects.filter(completed_at__isnull=False).exists()
    assert Enrolment.objects.filter(completed_at__isnull=True).exists()
    assert PathEnrolment.objects.filter(user__email=PARTNER_LOGIN.email).exists()
    assert build_demo_learning(actor=admin) == 0
