"""Capped pages: the count stops past a cap, the page's rows come keys first with
the queryset's related reads."""

import pytest

from openprm.core.pagination import CappedPaginator, capped_count, capped_page
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_a_page_counts_up_to_its_cap_and_says_more_match(monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    for index in range(8):
        PartnerFactory(name=f"Partner {index}")
    partners = Partner.objects.order_by("name", "id")

    first = capped_page(partners, per_page=2, number=1)
    last = capped_page(partners, per_page=2, number=4)

    assert (first.paginator.count, first.paginator.is_capped) == (5, True)
    assert [partner.name for partner in first.object_list] == ["Partner 0", "Partner 1"]
    assert (last.paginator.count, last.paginator.is_capped) == (8, False)
    assert [partner.name for partner in last.object_list] == ["Partner 6", "Partner 7"]


def test_a_page_keeps_the_querysets_related_reads(django_assert_num_queries):
    parent = PartnerFactory(name="Parent")
    for index in range(3):
        PartnerFactory(name=f"Child {index}", parent=parent)
    partners = Partner.objects.filter(parent=parent).select_related("parent")

    with django_assert_num_queries(2):
        page = capped_page(partners.order_by("name"), per_page=2, number=1)
        names = [partner.parent.name for partner in page.object_list]

    assert names == ["Parent", "Parent"]


def test_a_page_number_that_is_not_a_number_is_the_first_page():
    PartnerFactory()

    page = capped_page(Partner.objects.order_by("id"), per_page=2, number="x")

    assert page.number == 1


def test_a_list_in_memory_is_measured_not_queried(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert capped_count(list(range(5)), 3) == 3
