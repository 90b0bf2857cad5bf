"""Factories of the certifications app's rows."""

from datetime import timedelta

import factory
from django.utils import timezone

from openprm.accounts.tests.factories import UserFactory
from openprm.certifications.choices import (
    AccreditationStatus,
    AwardSource,
    EarningKind,
    HolderStatus,
)
from openprm.certifications.models import (
    Accreditation,
    AccreditationCondition,
    Certification,
    ExternalCertificate,
    PartnerAccreditation,
    UserCertification,
)
from openprm.content.tests.factories import AudienceFactory, pdf_upload
from openprm.learning.tests.factories import CourseFactory, QuizFactory, path_of
from openprm.partners.tests.factories import PartnerFactory


class CertificationFactory(factory.django.DjangoModelFactory):
    """Earned by a learning path, for any partner's people, valid for a year."""

    class Meta:
        model = Certification

    name = factory.Sequence(lambda n: f"Certified Engineer {n:03d}")
    product_line = "security"
    role = "technical"
    validity_months = 12
    kind = EarningKind.PATH
    path = factory.LazyAttribute(
        lambda o: learning_path() if o.kind == EarningKind.PATH else None
    )
    exam = factory.LazyAttribute(
        lambda o: QuizFactory() if o.kind == EarningKind.EXAM else None
    )
    audience = factory.SubFactory(AudienceFactory)


def learning_path(**fields):
    """A published learning path of one course (what a path certification names)."""
    return path_of(CourseFactory(), **fields)


class UserCertificationFactory(factory.django.DjangoModelFactory):
    """Earned today, valid for the certification's months (a year)."""

    class Meta:
        model = UserCertification

    user = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerFactory)
    certification = factory.SubFactory(CertificationFactory)
    earned_at = factory.LazyFunction(timezone.now)
    valid_until = factory.LazyFunction(lambda: timezone.now() + timedelta(days=365))
    status = HolderStatus.ACTIVE
    source = AwardSource.PATH


class ExternalCertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalCertificate

    user = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerFactory)
    certification = factory.SubFactory(CertificationFactory, kind=EarningKind.EXTERNAL)
    issuer = "Cloud Security Alliance"
    credential_id = "CSA-1"
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    evidence = factory.LazyFunction(lambda: pdf_upload("certificate.pdf"))
    evidence_name = "certificate.pdf"
    evidence_type = "application/pdf"
    evidence_size = 1000


class AccreditationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Accreditation

    name = factory.Sequence(lambda n: f"Security Specialist {n:03d}")


class AccreditationConditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccreditationCondition

    accreditation = factory.SubFactory(AccreditationFactory)
    product_line = "security"
    role = "technical"
    count = 2


class PartnerAccreditationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerAccreditation

    partner = factory.SubFactory(PartnerFactory)
    accreditation = factory.SubFactory(AccreditationFactory)
    status = AccreditationStatus.HELD
    gained_at = factory.LazyFunction(timezone.now)
