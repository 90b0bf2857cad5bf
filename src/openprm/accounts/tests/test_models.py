import pytest
from django.db import IntegrityError

from openprm.accounts.choices import VendorRole
from openprm.accounts.models import User


@pytest.mark.django_db
def test_email_is_stored_lowercase_so_sign_in_ignores_case():
    user = User.objects.create_user("Dana.Whitfield@Example.COM", "pw-123456789")

    assert user.email == "dana.whitfield@example.com"


@pytest.mark.django_db
def test_two_users_cannot_share_an_email_in_different_case():
    User.objects.create_user("dana@example.com", "pw-123456789")

    with pytest.raises(IntegrityError):
        User.objects.create(email="DANA@example.com")


@pytest.mark.django_db
def test_a_superuser_is_vendor_admin_and_a_plain_user_is_not_vendor_staff():
    root = User.objects.create_superuser("root@example.com", "pw-123456789")
    plain = User.objects.create_user("plain@example.com", "pw-123456789")

    assert root.vendor_role == VendorRole.VENDOR_ADMIN
    assert root.is_vendor_staff
    assert not plain.is_vendor_staff
