"""The partner directory: finding partners by a query string (``filters``), saved
views of it (``services``, ``api``) and its exports (``exports``).

The query language is the package's face: ``directory.parse(request.GET)``. Its
reads (``partners.selectors_directory``) still sit beside the package and move into
it as ``selectors`` once the cached reads they hold settle (issue 12).
"""

from openprm.partners.directory.filters import (
    CUSTOM_FIELD_PREFIX,
    LIST_KEYS,
    ORDERINGS,
    SCALAR_KEYS,
    SCORE_SORTS,
    DirectoryFilters,
    custom_filter_keys,
    parse,
)

__all__ = [
    "CUSTOM_FIELD_PREFIX",
    "LIST_KEYS",
    "ORDERINGS",
    "SCALAR_KEYS",
    "SCORE_SORTS",
    "DirectoryFilters",
    "custom_filter_keys",
    "parse",
]
