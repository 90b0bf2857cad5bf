"""Helpers of the team tests: the emailed link, and proof that nothing changed."""

import contextlib
import re

from django.core import mail

from openprm.accounts.models import User
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.tenancy.models import Invitation, Membership

BASE_URL = "http://testserver/"
LINK = re.compile(r"http://testserver(/accounts/invitations/[\w-]+/)")


def link_path(message) -> str:
    """The invitation link's path in an email from mail.outbox."""
    return LINK.search(message.body).group(1)


def token_of(message) -> str:
    return link_path(message).rstrip("/").rsplit("/", 1)[1]


def world_state() -> dict:
    """Everything a refused write must leave as it was."""
    return {
        "audit": AuditEntry.objects.count(),
        "events": OutboxEvent.objects.count(),
        "mail": len(mail.outbox),
        "invitations": list(
            Invitation.objects.order_by("pk").values_list(
                "pk", "token_hash", "expires_at", "accepted_at", "revoked_at"
            )
        ),
        "memberships": list(
            Membership.objects.order_by("pk").values_list("pk", "roles", "is_active")
        ),
        "users": list(
            User.objects.order_by("pk").values_list(
                "pk", "is_active", "vendor_role", "territories", "password"
            )
        ),
    }


@contextlib.contextmanager
def nothing_changes():
    """Asserts that the block wrote no row, audit entry, event or email."""
    before = world_state()
    yield
    assert world_state() == before
