import factory

from openprm.agreements.models import (
    AgreementAcceptance,
    AgreementDocument,
    AgreementVersion,
)
from openprm.agreements.services import text_hash
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import ProgrammeFactory


class AgreementDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementDocument

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Partner agreement {n}")


class AgreementVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementVersion

    document = factory.SubFactory(AgreementDocumentFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "1. The partner resells the products.\n2. <b>Escaped</b> terms."


class AgreementAcceptanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementAcceptance

    partner = factory.SubFactory(PartnerFactory)
    version = factory.SubFactory(AgreementVersionFactory)
    name = "Ada Lovelace"
    title = "CEO"
    user_email = "ada@partner.example"
    client_ip = "203.0.113.7"
    user_agent = "Mozilla/5.0 test"
    text_sha256 = factory.LazyAttribute(lambda obj: text_hash(obj.version.text))
