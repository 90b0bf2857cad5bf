"""Transitional: the saved views' services moved to ``partners.directory.services``.

``console/views.py`` (its directory page is being reworked on another branch in
issue 12) still imports this module; it goes when that page imports the new one.
"""

from openprm.partners.directory.services import (
    saved_view_create,
    saved_view_delete,
    saved_view_update,
)

__all__ = ["saved_view_create", "saved_view_delete", "saved_view_update"]
