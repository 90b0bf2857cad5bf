"""What accounts plugs into the kernel at start-up: the console's access rule."""

from openprm.accounts.web import console_guard
from openprm.core.web import CONSOLE, set_area_guard

set_area_guard(CONSOLE, console_guard)
