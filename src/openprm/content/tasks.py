"""The content app's sweeps (found at start-up): each part's tasks module."""

from openprm.content.announcements import tasks as announcements_tasks  # noqa: F401
