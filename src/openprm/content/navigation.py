"""The content app's navigation items (found at start-up): each part's module."""

from openprm.content.announcements import navigation as announcements_navigation  # noqa: F401
from openprm.content.cobranding import navigation as cobranding_navigation  # noqa: F401
from openprm.content.library import navigation as library_navigation  # noqa: F401
