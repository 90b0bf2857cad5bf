"""Pages of HTML lists that count no more rows than they show plus a cap, and read
deep pages keys first."""

from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet, Subquery
from django.utils.functional import cached_property

# Rows a list counts at most beyond its page (the API's ``COUNT_CAP`` too).
COUNT_CAP = 1000


def capped_count(queryset: QuerySet, limit: int) -> int:
    """``min(queryset.count(), limit)``, reading at most ``limit`` keys: the
    ordering and selected columns are dropped, so the database counts off an
    index where one covers the filter. What stands for a queryset (``all()``
    answers it, as ninja's pagination expects) counts that queryset; a list already
    in memory (a sequence with a length) is measured."""
    if not isinstance(queryset, QuerySet) and hasattr(queryset, "all"):
        queryset = queryset.all()
    if not isinstance(queryset, QuerySet):
        return min(len(queryset), limit)
    return queryset.order_by().values("pk")[:limit].count()


class CappedPaginator(Paginator):
    """Counts rows only up to a cap (at least one page past the requested one).

    An exact COUNT of a filtered list reads every matching row (100 ms for half of
    100,000 partners on SQLite, seconds for a million deals), many times the page
    itself; past the cap the page says "more than" instead (``is_capped``,
    ``limit``; ``core/_pages.html``). ``count_up_to(limit)`` counts; the page's
    rows are read apart (``capped_page``, or the list's own query).
    """

    cap = COUNT_CAP

    def __init__(self, per_page, *, count_up_to: Callable[[int], int], page=None):
        super().__init__((), per_page)
        self.count_up_to = count_up_to
        try:
            number = max(int(page or 1), 1)
        except (TypeError, ValueError):
            number = 1
        self.limit = max(self.cap, (number + 1) * per_page) + 1

    @cached_property
    def count(self) -> int:
        return self.count_up_to(self.limit)

    @cached_property
    def is_capped(self) -> bool:
        return self.count >= self.limit


def capped_page(queryset: QuerySet, *, per_page: int, number) -> Page:
    """Page ``number`` of an ordered ``queryset``: its count capped
    (``CappedPaginator``), its rows found by their keys first — the page's primary
    keys from the index that serves the order, then those rows with their
    ``select_related`` and prefetches — so a deep page skips index entries, not
    rows. Two queries (and the queryset's prefetches)."""
    paginator = CappedPaginator(
        per_page,
        page=number,
        count_up_to=lambda limit: capped_count(queryset, limit),
    )
    page = paginator.get_page(number)
    start = (page.number - 1) * per_page
    keys = queryset.values("pk")[start : start + per_page]
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    # The filter is applied again to the page's keys only (the scope and the
    # related reads stay on the queryset).
    page.object_list = list(queryset.filter(pk__in=Subquery(keys)).order_by(*ordering))
    return page


def requested_page(request, queryset: QuerySet, *, per_page: int) -> Page:
    """``capped_page`` of the page a list's request asks for (``?page=``)."""
    return capped_page(queryset, per_page=per_page, number=request.GET.get("page"))
