"""Notifications through a real SMTP server (openprm.testing.smtp)."""

import pytest

from openprm.accounts.tests.factories import UserFactory
from openprm.notifications import kinds
from openprm.notifications.models import EmailStatus, OutgoingEmail
from openprm.notifications.services import notify, send_email
from openprm.testing.smtp import body_text

pytestmark = pytest.mark.django_db

kinds.register("test.smtp", "SMTP test kind")


def test_a_notification_arrives_at_the_smtp_server(
    smtp_server, django_capture_on_commit_callbacks
):
    user = UserFactory(email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[user],
            kind="test.smtp",
            subject="Your application moved on",
            body="Step two.",
            url="https://prm.example.com/portal/",
        )
    [message] = smtp_server.to("ada@example.com")
    assert message["Subject"] == "Your application moved on"
    assert "https://prm.example.com/portal/" in body_text(message)


def test_a_refused_address_marks_the_email_failed(
    smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.refuse.add("nobody@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        email = send_email(to="nobody@example.com", subject="S", body="B", kind="x")
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert "SMTPRecipientsRefused" in email.error
    assert smtp_server.messages == []
    assert OutgoingEmail.objects.filter(status=EmailStatus.SENT).count() == 0
