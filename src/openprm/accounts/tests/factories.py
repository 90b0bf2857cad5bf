import factory

from openprm.accounts.choices import VendorRole
from openprm.accounts.models import User

TEST_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A user who signs in with TEST_PASSWORD."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Test User {n}")

    @classmethod
    def _create(cls, model_class, **fields):
        return User.objects.create_user(password=TEST_PASSWORD, **fields)


class VendorUserFactory(UserFactory):
    vendor_role = VendorRole.VENDOR_ADMIN
