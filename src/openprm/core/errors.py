"""One family of application errors, each with a stable code.

Services raise them; the API maps them to ``application/problem+json`` responses and the
web UI to messages or form errors.
"""

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A business rule refused an action; ``code`` is stable, ``message`` for people."""

    code = "application_error"
    status = 400
    default_message = _("The action could not be done.")

    def __init__(
        self, message=None, *, field_errors: dict[str, list[str]] | None = None
    ):
        self.message = message or self.default_message
        self.field_errors = field_errors or {}
        super().__init__(str(self.message))


class NotFound(ApplicationError):
    """The object does not exist, or the actor may not know that it does."""

    code = "not_found"
    status = 404
    default_message = _("Not found.")


class PermissionDenied(ApplicationError):
    """The actor may see the object but not do this to it."""

    code = "permission_denied"
    status = 403
    default_message = _("You do not have permission to do this.")


class ValidationFailed(ApplicationError):
    """Input broke a rule; ``field_errors`` says which field and why."""

    code = "validation_failed"
    status = 422
    default_message = _("Some values are not valid.")


class Conflict(ApplicationError):
    """The action conflicts with the current state (a duplicate, a stale version)."""

    code = "conflict"
    status = 409
    default_message = _("This conflicts with the current state.")


class InvalidTransition(ApplicationError):
    """A state machine refused to move from one state to another."""

    code = "invalid_transition"
    status = 409

    def __init__(self, current: str, target: str, message=None):
        self.current, self.target = current, target
        super().__init__(
            message
            or _("Cannot change from %(current)s to %(target)s.")
            % {"current": current, "target": target}
        )
