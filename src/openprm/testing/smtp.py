"""A real SMTP server on 127.0.0.1 for tests that must read the mail that was sent.

Use the ``smtp_server`` fixture: it starts aiosmtpd on a free port, points Django's
SMTP email backend at it for the test, and yields the server, whose ``messages``
are the emails received (``email.message.EmailMessage``, in arrival order)::

    def test_campaign_email(smtp_server):
        ...
        assert smtp_server.messages[0]["To"] == "ada@example.com"

Addresses added to ``smtp_server.refuse`` are rejected at RCPT time (550), as a
mail server does for an unknown mailbox, so that bounce handling can be tested.
"""

import email
import email.policy
import socket
import threading
from email.message import EmailMessage

import pytest


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CapturingHandler:
    """aiosmtpd handler that keeps what arrives and refuses listed recipients."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=email.policy.default
        )
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


class SMTPTestServer:
    """A running aiosmtpd server: ``host``, ``port``, ``messages``, ``refuse``."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.handler = CapturingHandler()
        self.host = "127.0.0.1"
        self.port = _free_port()
        self._controller = Controller(self.handler, hostname=self.host, port=self.port)

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    @property
    def refuse(self) -> set[str]:
        return self.handler.refuse

    def start(self) -> "SMTPTestServer":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def to(self, address: str) -> list[EmailMessage]:
        """The messages addressed to ``address``."""
        return [
            message
            for message in self.messages
            if address.lower() in str(message.get("To", "")).lower()
        ]


def body_text(message: EmailMessage) -> str:
    """The plain-text body of a received message, with plain newlines."""
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content().replace("\r\n", "\n") if part is not None else ""


@pytest.fixture
def smtp_server(settings):
    """An SMTP server on 127.0.0.1 with Django's SMTP backend pointed at it."""
    server = SMTPTestServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield server
    finally:
        server.stop()
