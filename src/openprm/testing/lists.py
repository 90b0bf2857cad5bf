"""The two rules every capped list's test_list_scale.py checks (issue 21), as
fixtures (conftest.py imports them): the page takes a fixed number of queries
whatever its rows, and it counts no further than a page past the cap, saying
"more than" until the last page."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils.html import strip_tags

# The cap test's list: 7 rows, 2 a page, counted up to a cap of 3. The first page
# counts 5 rows (a page past the cap, plus one to know there are more) and says
# "more than 4"; page 4 is the last, with the seventh row alone, counted exactly.
PER_PAGE = 2
CAP = 3
ROWS = 7
LAST_PAGE = 4


def page_rows(response: HttpResponse) -> int:
    """How many rows the list shows: its page's (``context["page"]``)."""
    return len(response.context["page"].object_list)


def context_rows(name: str) -> Callable[[HttpResponse], int]:
    """How many rows the list shows, for one that hands them to its template as
    ``context[name]`` (a list built from the page)."""
    return lambda response: len(response.context[name])


@pytest.fixture
def assert_list_queries(client, django_assert_num_queries):
    """``assert_list_queries(url, queries=…, shown=…)``: GET ``url`` in exactly
    ``queries`` queries, answered 200 with ``shown`` rows (``rows_in`` counts
    them). The caller has read the page once already, so the session is warm."""

    def check(
        url: str,
        *,
        queries: int,
        shown: int,
        rows_in: Callable[[HttpResponse], int] = page_rows,
    ) -> HttpResponse:
        with django_assert_num_queries(queries):
            response = client.get(url)

        assert response.status_code == 200, response.status_code
        assert rows_in(response) == shown, rows_in(response)
        return response

    return check


@dataclass(frozen=True)
class CappedPages:
    """The first and the last page of a capped list, and their text."""

    first: HttpResponse
    last: HttpResponse

    @property
    def first_text(self) -> str:
        return strip_tags(self.first.content.decode())

    @property
    def last_text(self) -> str:
        return strip_tags(self.last.content.decode())


@pytest.fixture
def assert_count_capped(client, monkeypatch):
    """``assert_count_capped(per_page=…, make_list=…)``: a list of ``ROWS`` rows
    counts up to a page past the cap on its first page, and exactly on its last.

    ``per_page`` names the view's page size constant (patched to ``PER_PAGE``,
    and the cap to ``CAP``); ``make_list(client, ROWS)`` makes the rows, signs in and
    returns the list's URL; ``rows_in`` counts a page's rows. ``shows_count``:
    the page prints its count (``core/_pages.html``); False for the
    pages that only link to the next one. Returns the two pages, for the list's
    own assertions.
    """

    def check(
        *,
        per_page: str,
        make_list: Callable[[Client, int], str],
        rows_in: Callable[[HttpResponse], int] = page_rows,
        shows_count: bool = True,
    ) -> CappedPages:
        monkeypatch.setattr(per_page, PER_PAGE)
        monkeypatch.setattr("openprm.core.pagination.CappedPaginator.cap", CAP)
        url = make_list(client, ROWS)
        separator = "&" if "?" in url else "?"
        pages = CappedPages(
            first=client.get(url),
            last=client.get(f"{url}{separator}page={LAST_PAGE}"),
        )

        # (Messages: pytest rewrites the asserts of test modules only.)
        first, last = pages.first.context["page"], pages.last.context["page"]
        counted = (first.paginator.count, first.paginator.is_capped)
        assert counted == (5, True), counted
        assert first.has_next()
        counted = (last.number, last.paginator.count, last.paginator.is_capped)
        assert counted == (LAST_PAGE, ROWS, False), counted
        assert not last.has_next()
        assert rows_in(pages.last) == 1, rows_in(pages.last)
        if shows_count:
            assert "1\u20132 of more than 4" in pages.first_text, pages.first_text
            assert "7\u20137 of 7" in pages.last_text, pages.last_text
        return pages

    return check
