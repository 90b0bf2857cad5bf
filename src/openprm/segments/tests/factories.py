import factory

from openprm.segments.models import Audience, Segment, SegmentKind, StaticListMember


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    name = factory.Sequence(lambda n: f"Segment {n:03d}")
    kind = SegmentKind.DYNAMIC
    rule = factory.LazyFunction(
        lambda: {"all": [{"field": "status", "op": "eq", "value": "active"}]}
    )


class StaticListFactory(SegmentFactory):
    kind = SegmentKind.STATIC
    rule = factory.LazyFunction(dict)


class StaticListMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaticListMember

    segment = factory.SubFactory(StaticListFactory)


# Audiences.


class AudienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audience

    name = factory.Sequence(lambda n: f"Audience {n:03d}")
    rule = factory.LazyFunction(
        lambda: {"all": [{"field": "status", "op": "eq", "value": "active"}]}
    )
