import factory

from openprm.journeys.choices import TaskKind
from openprm.journeys.models import Journey, JourneyTask, TaskTemplate
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import ProgrammeFactory


class TaskTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskTemplate

    programme = factory.SubFactory(ProgrammeFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = TaskKind.MANUAL
    title = factory.Sequence(lambda n: f"Task {n}")


class JourneyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Journey

    partner = factory.SubFactory(PartnerFactory)
    programme = factory.SubFactory(ProgrammeFactory)


class JourneyTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JourneyTask

    journey = factory.SubFactory(JourneyFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = TaskKind.MANUAL
    title = factory.Sequence(lambda n: f"Task {n}")
