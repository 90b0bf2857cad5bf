"""The learning app's navigation items."""

from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import (
    CONSOLE_AREA,
    ENABLEMENT,
    PORTAL_AREA,
    NavItem,
    register,
)

register(
    CONSOLE_AREA,
    NavItem(
        _("Courses"),
        "console:learning_courses",
        active_prefix="console:learning_course",
        order=50,
        section=ENABLEMENT,
    ),
)
register(
    CONSOLE_AREA,
    NavItem(
        _("Quizzes"),
        "console:learning_quizzes",
        active_prefix="console:learning_quiz",
        order=51,
        section=ENABLEMENT,
    ),
)
register(
    CONSOLE_AREA,
    NavItem(
        _("SCORM packages"),
        "console:learning_packages",
        active_prefix="console:learning_package",
        order=52,
        section=ENABLEMENT,
    ),
)
register(
    CONSOLE_AREA,
    NavItem(
        _("Learning paths"),
        "console:learning_paths",
        active_prefix="console:learning_path",
        order=53,
        section=ENABLEMENT,
    ),
)
register(
    CONSOLE_AREA,
    NavItem(
        _("Enrolments"),
        "console:learning_enrolments",
        active_prefix="console:learning_enrolments",
        order=54,
        section=ENABLEMENT,
    ),
)
register(
    CONSOLE_AREA,
    NavItem(
        _("Learning reports"),
        "console:learning_reports",
        active_prefix="console:learning_reports",
        order=55,
        section=ENABLEMENT,
    ),
)
register(
    PORTAL_AREA,
    NavItem(
        _("Learning"), "portal:learning", active_prefix="portal:learning", order=45
    ),
)
