import factory

from openprm.approvals.models import ChainStep, Queue


class QueueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Queue
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Approvers {n:03d}")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)


class ChainStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChainStep

    kind = "tests.expense"
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Step {n}")
    sla_business_days = 2
