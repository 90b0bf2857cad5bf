import factory

from openprm.notifications.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory("openprm.accounts.tests.factories.UserFactory")
    kind = "test.kind"
    subject = factory.Sequence(lambda n: f"Notification {n}")
    body = "Something happened."
