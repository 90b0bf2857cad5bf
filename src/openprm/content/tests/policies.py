"""Access policies of portal content, one list per part of the app."""

from openprm.content.tests.policies_announcements import (
    POLICIES as ANNOUNCEMENT_POLICIES,
)
from openprm.content.tests.policies_cobranding import POLICIES as COBRANDING_POLICIES
from openprm.content.tests.policies_library import POLICIES as LIBRARY_POLICIES

POLICIES = [*LIBRARY_POLICIES, *COBRANDING_POLICIES, *ANNOUNCEMENT_POLICIES]
