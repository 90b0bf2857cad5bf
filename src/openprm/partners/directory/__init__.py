"""The partner directory: finding partners by a query string (``filters``), saved
views of it (``services``, ``api``), its exports (``exports``), and the reads behind
the directory page, the API's list and the exports (``selectors``).

The query language is the package's face: ``directory.parse(request.GET)``.
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
