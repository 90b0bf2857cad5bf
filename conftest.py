"""Fixtures shared by every test module."""

import pytest
from django.core.cache import cache

from openprm.core import branding
from openprm.testing.smtp import smtp_server  # noqa: F401  (a real SMTP server)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache; no test may inherit another's. The
    branding starts from its defaults, without a query."""
    cache.clear()
    branding.forget(brand=branding.defaults())
    yield
    cache.clear()
    branding.forget(brand=branding.defaults())
