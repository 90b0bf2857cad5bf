"""Signed-in sessions and their users, read with SQL compiled once.

Every request of a signed-in person reads their session and their user; through
the ORM each read compiled its query anew, which cost several times running it
(a third of a short API request's time). These read the same rows with the same
rules: ``SESSION_ENGINE`` and ``AUTHENTICATION_BACKENDS`` name them in settings.
"""

from allauth.account.auth_backends import (
    AuthenticationBackend as AllauthAuthenticationBackend,
)
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from openprm.accounts.models import User
from openprm.core.db import PreparedQuery

_sessions = PreparedQuery(lambda key: Session.objects.filter(session_key=key))
_users = PreparedQuery(lambda pk: User._default_manager.filter(pk=pk).order_by())


class SessionStore(DatabaseSessionStore):
    """Django's database sessions, the session read by compiled SQL."""

    def _get_session_from_db(self):
        # As Django's: the key's unexpired session, or none (and no key).
        sessions = _sessions.instances(self.session_key)
        if sessions and sessions[0].expire_date > timezone.now():
            return sessions[0]
        self._session_key = None
        return None


class _CompiledUserLookup:
    def get_user(self, user_id):
        # As ModelBackend.get_user: the user by primary key, if active.
        users = _users.instances(user_id)
        if not users:
            return None
        return users[0] if self.user_can_authenticate(users[0]) else None


class ModelBackend(_CompiledUserLookup, DjangoModelBackend):
    """Django's ``ModelBackend``, the signed-in user read by compiled SQL."""


class AuthenticationBackend(_CompiledUserLookup, AllauthAuthenticationBackend):
    """allauth's backend, the signed-in user read by compiled SQL."""
