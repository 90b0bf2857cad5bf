"""Fixtures shared by every test module."""

import pytest
from django.core.cache import cache

from openprm.testing.smtp import smtp_server  # noqa: F401  (a real SMTP server)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache; no test may inherit another's."""
    cache.clear()
    yield
    cache.clear()
