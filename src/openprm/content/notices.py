"""The content app's notification kinds (found at start-up): each part's notices."""

from openprm.content.announcements import notices as announcements_notices  # noqa: F401
