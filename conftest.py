"""Fixtures shared by every test module."""

import pytest
from django.core.cache import cache
from django.db import connection

from openprm.core import branding
from openprm.testing.lists import (  # noqa: F401  (the capped lists' two rules)
    assert_count_capped,
    assert_list_queries,
)
from openprm.testing.smtp import smtp_server  # noqa: F401  (a real SMTP server)


@pytest.fixture(autouse=True)
def _clear_cache(request, django_db_blocker):
    """Rate-limit counters live in the cache, a table of the test database; no test
    may inherit another's. A test rolled back loses its entries with its
    transaction; the others (transactional, live server) clear them on the way out.
    The branding starts from its defaults, without a query.
    """
    branding.forget(brand=branding.defaults())
    yield
    branding.forget(brand=branding.defaults())
    if "_django_db_helper" in request.fixturenames:
        with django_db_blocker.unblock():
            if not connection.in_atomic_block:
                cache.clear()
