import pytest
from django.urls import reverse

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.notifications.models import Notification, NotificationPreference
from openprm.notifications.tests.factories import NotificationFactory
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = VendorUserFactory()
    client.force_login(user)
    return user


def test_the_list_shows_unread_first(client, staff):
    from django.utils import timezone

    NotificationFactory(recipient=staff, subject="Old and read", read_at=timezone.now())
    NotificationFactory(recipient=staff, subject="Fresh")
    NotificationFactory(subject="Someone else's")

    html = client.get(reverse("console:notification_list")).content.decode()

    assert html.index("Fresh") < html.index("Old and read")
    assert "Someone else" not in html


@pytest.mark.parametrize("rows", [1, 8])
def test_the_list_takes_the_same_queries_for_any_number_of_rows(
    client, staff, rows, django_assert_num_queries
):
    NotificationFactory.create_batch(rows, recipient=staff)
    url = reverse("console:notification_list")
    # session, user, count for the paginator, the page of notifications
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response.content.decode().count("list-group-item ") == rows


def test_the_badge_counts_unread_in_one_query(client, staff, django_assert_num_queries):
    NotificationFactory.create_batch(3, recipient=staff)
    NotificationFactory(subject="Other")
    with django_assert_num_queries(3):  # session, user, count
        response = client.get(reverse("console:notification_badge"))
    assert 'data-testid="unread-count">3<' in (response.content.decode())


def test_the_shell_loads_the_badge_in_the_portal(client):
    user = partner_user()
    client.force_login(user)
    html = client.get(reverse("portal:notification_list")).content.decode()
    assert reverse("portal:notification_badge") in html


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, staff):
    notification = NotificationFactory(recipient=staff, url="/console/partners/")
    response = client.post(
        reverse(
            "console:notification_read", kwargs={"public_id": notification.public_id}
        )
    )
    assert response.status_code == 302
    assert response["Location"] == "/console/partners/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_an_external_link_is_not_followed(client, staff):
    notification = NotificationFactory(recipient=staff, url="https://evil.example/")
    response = client.post(
        reverse(
            "console:notification_read", kwargs={"public_id": notification.public_id}
        )
    )
    assert response["Location"] == reverse("console:notification_list")


def test_someone_elses_notification_is_not_found(client, staff):
    notification = NotificationFactory()
    response = client.post(
        reverse(
            "console:notification_read", kwargs={"public_id": notification.public_id}
        )
    )
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read(client, staff):
    NotificationFactory.create_batch(2, recipient=staff)
    other = NotificationFactory()
    client.post(reverse("console:notification_read_all"))
    assert Notification.objects.filter(recipient=staff, read_at=None).count() == 0
    other.refresh_from_db()
    assert other.read_at is None


def test_preferences_switch_optional_kinds_and_show_required_as_fixed(client, staff):
    from openprm.notifications import kinds

    kinds.register("test.view_optional", "Optional in view")
    kinds.register("test.view_required", "Required in view", required=True)
    url = reverse("console:notification_preferences")

    html = client.get(url).content.decode()
    client.post(url, {"email": []})

    assert 'value="test.view_required" id' in html
    assert html.split('value="test.view_required"')[1].split(">")[0].count("disabled")
    assert (
        NotificationPreference.objects.get(
            user=staff, kind="test.view_optional"
        ).email_enabled
        is False
    )
    assert not NotificationPreference.objects.filter(
        user=staff, kind="test.view_required"
    ).exists()
