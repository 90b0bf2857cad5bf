import pytest
from django.core import mail

from openprm.accounts.tests.factories import UserFactory
from openprm.core.errors import ValidationFailed
from openprm.core.models import AuditEntry
from openprm.notifications import kinds
from openprm.notifications.models import (
    EmailStatus,
    Notification,
    NotificationPreference,
    OutgoingEmail,
)
from openprm.notifications.services import (
    notification_mark_all_read,
    notification_mark_read,
    notification_preference_set,
    notify,
    send_email,
)

pytestmark = pytest.mark.django_db

kinds.register("test.optional", "An optional test kind")
kinds.register("test.required", "A required test kind", required=True)


def _notify(users, kind="test.optional", **extra):
    return notify(recipients=users, kind=kind, subject="Hello", body="Body", **extra)


def test_notify_creates_a_notification_and_emails_after_commit(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _notify([user], url="https://prm.example.com/x/")
    assert (
        Notification.objects.filter(recipient=user, kind="test.optional").count() == 1
    )
    assert [message.to for message in mail.outbox] == [[user.email]]
    assert mail.outbox[0].subject == "Hello"
    assert "https://prm.example.com/x/" in mail.outbox[0].body
    assert OutgoingEmail.objects.get().status == EmailStatus.SENT


def test_notify_sends_nothing_before_commit(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify([user])
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_a_switched_off_kind_is_not_emailed_but_still_notified(
    django_capture_on_commit_callbacks,
):
    user, other = UserFactory(), UserFactory()
    notification_preference_set(user=user, kind="test.optional", email_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        _notify([user, other])
    assert [message.to for message in mail.outbox] == [[other.email]]
    assert Notification.objects.count() == 2


def test_a_required_kind_is_emailed_whatever_the_preference(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()
    NotificationPreference.objects.create(
        user=user, kind="test.required", email_enabled=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        _notify([user], kind="test.required")
    assert len(mail.outbox) == 1


def test_required_in_the_call_overrides_the_preference(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()
    notification_preference_set(user=user, kind="test.optional", email_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        _notify([user], required=True)
    assert len(mail.outbox) == 1


def test_notify_refuses_an_unregistered_kind():
    user = UserFactory()
    with pytest.raises(LookupError):
        _notify([user], kind="no.such.kind")
    assert Notification.objects.count() == 0


def test_notify_once_per_user_even_if_listed_twice(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _notify([user, user, None])
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_notify_takes_the_same_queries_for_more_recipients(
    django_assert_num_queries,
):
    users = UserFactory.create_batch(5)
    with django_assert_num_queries(
        5
    ):  # savepoint, notifications, prefs, emails, release
        _notify(users)
    more = UserFactory.create_batch(12)
    with django_assert_num_queries(5):
        _notify(more)


def test_send_email_to_an_address_without_account(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_email(
            to="applicant@example.org", subject="Thanks", body="We got it", kind="x"
        )
    assert [message.to for message in mail.outbox] == [["applicant@example.org"]]


def test_a_failed_send_is_recorded_and_not_retried(
    django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "openprm.notifications.tests.test_services.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        email = send_email(to="a@example.org", subject="S", body="B", kind="x")
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert "refused" in email.error


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("refused")


def test_mark_read_and_mark_all_read():
    user = UserFactory()
    first = _notify([user])[0]
    _notify([user])
    _notify([user])
    notification_mark_read(user=user, notification=first)
    first.refresh_from_db()
    assert first.read_at is not None
    assert notification_mark_all_read(user=user) == 2
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_cannot_mark_someone_elses_notification_read():
    owner, other = UserFactory(), UserFactory()
    notification = _notify([owner])[0]
    with pytest.raises(ValidationFailed):
        notification_mark_read(user=other, notification=notification)
    notification.refresh_from_db()
    assert notification.read_at is None


def test_a_required_kind_cannot_be_switched_off():
    user = UserFactory()
    with pytest.raises(ValidationFailed):
        notification_preference_set(
            user=user, kind="test.required", email_enabled=False
        )
    assert NotificationPreference.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_an_unknown_kind_cannot_be_set():
    user = UserFactory()
    with pytest.raises(ValidationFailed):
        notification_preference_set(user=user, kind="nope", email_enabled=False)
    assert NotificationPreference.objects.count() == 0


def test_preference_changes_are_audited():
    user = UserFactory()
    notification_preference_set(user=user, kind="test.optional", email_enabled=False)
    notification_preference_set(user=user, kind="test.optional", email_enabled=True)
    notification_preference_set(user=user, kind="test.optional", email_enabled=True)
    assert AuditEntry.objects.filter(verb="notification.preference_set").count() == 2
    assert NotificationPreference.objects.get(user=user).email_enabled is True


def test_stale_pending_emails_are_sent_by_the_sweep_and_old_ones_pruned():
    from datetime import timedelta

    from django.utils import timezone

    from openprm.notifications import delivery

    email = OutgoingEmail.objects.create(
        to="a@example.org", subject="S", body="B", kind="x"
    )
    kept = OutgoingEmail.objects.create(
        to="b@example.org", subject="S", body="B", kind="x", status=EmailStatus.SENT
    )
    later = timezone.now() + timedelta(minutes=2)

    assert delivery.send_stale(now=later) == 1
    assert delivery.prune(now=timezone.now() + timedelta(days=31)) == 2
    assert [message.to for message in mail.outbox] == [["a@example.org"]]
    assert not OutgoingEmail.objects.filter(pk__in=[email.pk, kept.pk]).exists()
