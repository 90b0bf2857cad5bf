import factory
from django.utils import timezone

from openprm.content.models import Announcement, AnnouncementReceipt
from openprm.segments.models import Audience

# --- announcements


class AudienceFactory(factory.django.DjangoModelFactory):
    """An audience (everyone unless a ``rule`` is given)."""

    class Meta:
        model = Audience

    name = factory.Sequence(lambda n: f"Audience {n:03d}")
    rule = factory.LazyFunction(lambda: {"all": []})


class AnnouncementFactory(factory.django.DjangoModelFactory):
    """A live announcement, made directly (not announced: ``notified_at`` empty)."""

    class Meta:
        model = Announcement

    title = factory.Sequence(lambda n: f"Announcement {n:03d}")
    body = "<p>Our <strong>new price list</strong> applies from Monday.</p>"
    audience = factory.SubFactory(AudienceFactory)
    publish_at = factory.LazyFunction(timezone.now)


class AnnouncementReceiptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnouncementReceipt

    announcement = factory.SubFactory(AnnouncementFactory)
