from dataclasses import dataclass

import pytest
from django.db import connection
from django.db.models import F

from openprm.accounts.tests.factories import UserFactory
from openprm.core import audit
from openprm.core.db import (
    CompiledQueries,
    JSONListContains,
    OrderIndex,
    PreparedQuery,
    ReaderContext,
    cached_lists,
    capped_count_sql,
    page_by_keys,
    paged_sql,
    sql_rows,
)
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.models import Membership
from openprm.tenancy.tests.factories import MembershipFactory


def memberships_of(user_id):
    return (
        Membership.objects.filter(user_id=user_id, is_active=True)
        .order_by("partner_id")
        .values_list("partner_id", "is_active")
    )


@pytest.mark.django_db
def test_a_prepared_query_gives_the_rows_of_the_queryset_for_each_value():
    first, second = UserFactory(), UserFactory()
    MembershipFactory(user=first)
    MembershipFactory(user=first)
    MembershipFactory(user=second)
    MembershipFactory(user=second, is_active=False)
    prepared = PreparedQuery(memberships_of)

    for user in (first, second, UserFactory()):
        rows = [
            (partner_id, bool(active)) for partner_id, active in prepared.rows(user.pk)
        ]
        assert rows == list(memberships_of(user.pk))


@pytest.mark.django_db
def test_a_prepared_query_compiles_once(django_assert_num_queries):
    user = MembershipFactory().user
    prepared = PreparedQuery(memberships_of)
    prepared.rows(user.pk)
    compiled = prepared._compiled["default"]

    with django_assert_num_queries(1):
        prepared.rows(user.pk)
    assert prepared._compiled["default"] is compiled


def test_the_value_must_reach_the_sql_as_exactly_one_parameter():
    prepared = PreparedQuery(lambda value: Membership.objects.all())

    with pytest.raises(ValueError, match="exactly one parameter"):
        prepared.rows(1)


@pytest.mark.django_db
@pytest.mark.parametrize("window", [slice(0, 3), slice(3, 6), slice(9, 12)])
def test_a_page_by_keys_is_the_same_page_in_the_same_order(window):
    partner = PartnerFactory()
    for number in range(10):
        partner.city = f"City {number}"
        audit.record_create(
            actor=None, instance=partner, fields=["city"], verb="test.created"
        )
    entries = AuditEntry.objects.filter(partner_id=partner.pk).order_by(
        "-occurred_at", "-id"
    )

    by_keys = list(page_by_keys(entries, window).values_list("id", flat=True))

    assert by_keys == list(entries.values_list("id", flat=True)[window])


@pytest.mark.django_db
def test_a_page_by_keys_keeps_the_filter(django_assert_num_queries):
    mine, theirs = PartnerFactory(), PartnerFactory()
    entries = AuditEntry.objects.filter(partner_id=mine.pk).order_by("-id")

    with django_assert_num_queries(1):
        page = list(page_by_keys(entries, slice(0, 50)))

    assert [entry.partner_id for entry in page] == [mine.pk]
    assert theirs.pk not in {entry.partner_id for entry in page}


@pytest.mark.django_db
def test_json_list_contains_matches_whole_items_of_a_list_or_a_list_key():
    from django.db.models import Q

    from openprm.partners.models import Partner

    listed = PartnerFactory(name="Listed")
    Partner.objects.filter(pk=listed.pk).update(
        tags=["a%b", 'say "hi"', "plain"], custom_fields={"clouds": ["aws"]}
    )
    other = PartnerFactory(name="Other")
    Partner.objects.filter(pk=other.pk).update(
        tags=["plainer"], custom_fields={"clouds": "aws"}
    )

    def names(condition):
        return list(
            Partner.objects.filter(condition)
            .order_by("name")
            .values_list("name", flat=True)
        )

    assert names(Q(JSONListContains("tags", "plain"))) == ["Listed"]
    assert names(Q(JSONListContains("tags", 'say "hi"'))) == ["Listed"]
    assert names(Q(JSONListContains("tags", "a%b"))) == ["Listed"]
    assert names(Q(JSONListContains("tags", "a"))) == []
    assert names(Q(JSONListContains("custom_fields__clouds", "aws"))) == ["Listed"]
    assert names(~Q(JSONListContains("tags", "plain"))) == ["Other"]


@pytest.mark.django_db
def test_compiled_queries_compile_each_key_once():
    first, second = MembershipFactory(), MembershipFactory()
    compiled = CompiledQueries()
    built = []

    def rows(user_id):
        def build():
            built.append(user_id)
            return memberships_of(user_id)

        return sql_rows(*compiled.sql(("memberships", user_id), build))

    answers = [rows(first.user_id), rows(second.user_id), rows(first.user_id)]

    assert built == [first.user_id, second.user_id]
    assert [[row[0] for row in answer] for answer in answers] == [
        [first.partner_id],
        [second.partner_id],
        [first.partner_id],
    ]


def test_compiled_queries_keep_a_query_that_matches_nothing_as_none():
    compiled = CompiledQueries()

    assert compiled.sql("none", Membership.objects.none) is None


def test_compiled_queries_drop_the_least_recently_used_key():
    compiled = CompiledQueries(size=2)
    for key in ("a", "b", "a", "c"):
        compiled.sql(key, Membership.objects.all)

    assert [key for _using, key in compiled._compiled] == ["a", "c"]


@pytest.mark.django_db
def test_a_paged_and_a_capped_count_sql_answer_as_the_orm_does():
    for _ in range(5):
        MembershipFactory()
    memberships = Membership.objects.order_by("-id").values_list("id")
    sql, params = memberships.query.get_compiler("default").as_sql()

    page = sql_rows(*paged_sql(sql, params, limit=2, offset=1))
    counted = [
        sql_rows(*capped_count_sql(sql, params, limit=limit))[0][0]
        for limit in (3, 5, 9)
    ]

    assert page == list(memberships[1:3])
    assert counted == [3, 5, 5]


@pytest.mark.django_db
def test_prepared_instances_are_the_querysets_instances_for_a_text_value():
    from openprm.accounts.models import User

    first, second = UserFactory(territories=["EMEA"]), UserFactory()
    prepared = PreparedQuery(lambda email: User.objects.filter(email=email))

    found = [prepared.instances(user.email) for user in (first, second)]

    assert found == [[first], [second]]
    assert found[0][0].territories == ["EMEA"]
    assert found[0][0].date_joined == first.date_joined
    assert prepared.instances("nobody@example.com") == []


@pytest.mark.django_db
def test_prepared_instances_bring_their_select_related_objects(
    django_assert_num_queries,
):
    membership = MembershipFactory(partner__name="Contoso")
    prepared = PreparedQuery(
        lambda user_id: Membership.objects.filter(user_id=user_id).select_related(
            "partner"
        )
    )
    prepared.instances(membership.user_id)  # compiled

    with django_assert_num_queries(1):
        (found,) = prepared.instances(membership.user_id)
        assert found == membership
        assert found.partner.name == "Contoso"
        assert found.roles == membership.roles


@pytest.mark.django_db
def test_prepared_instances_need_a_querysets_model_columns():
    prepared = PreparedQuery(
        lambda user_id: Membership.objects.filter(user_id=user_id).values("id")
    )

    with pytest.raises(ValueError, match="of model columns"):
        prepared.instances(1)


@pytest.mark.django_db
def test_json_array_agg_brings_each_rows_children_in_one_query(
    django_assert_num_queries,
):
    import json

    from django.db.models import OuterRef, Subquery

    from openprm.core.db import JSONArrayAgg
    from openprm.partners.models import Partner, PartnerDomain

    with_two, with_none = PartnerFactory(), PartnerFactory()
    for domain in ("b.example", "a.example"):
        PartnerDomain.objects.create(partner=with_two, domain=domain)
    domains = Subquery(
        PartnerDomain.objects.filter(partner=OuterRef("pk"))
        .order_by()
        .values("partner")
        .annotate(domains=JSONArrayAgg("domain"))
        .values("domains")
    )

    with django_assert_num_queries(1):
        rows = dict(
            Partner.objects.filter(pk__in=[with_two.pk, with_none.pk])
            .annotate(domain_list=domains)
            .values_list("pk", "domain_list")
        )

    assert sorted(json.loads(rows[with_two.pk])) == ["a.example", "b.example"]
    assert rows[with_none.pk] is None


@pytest.mark.django_db
def test_datetime_text_reads_a_utc_time_as_text():
    from datetime import UTC, datetime

    from openprm.core.db import DateTimeText
    from openprm.partners.models import Partner

    whole, fraction = PartnerFactory(), PartnerFactory()
    Partner.objects.filter(pk=whole.pk).update(
        created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    )
    Partner.objects.filter(pk=fraction.pk).update(
        created_at=datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    )

    texts = dict(
        Partner.objects.annotate(text=DateTimeText("created_at")).values_list(
            "pk", "text"
        )
    )

    assert texts[whole.pk] in ("2026-01-02 03:04:05", "2026-01-02 03:04:05.000000")
    assert texts[fraction.pk] == "2026-01-02 03:04:05.678901"


@pytest.mark.django_db
def test_a_capped_count_and_a_json_array_come_with_every_row_of_one_query(
    django_assert_num_queries,
):
    import json

    from openprm.core.db import CappedCount, json_array_subquery
    from openprm.partners.models import CustomFieldDefinition, Partner

    for _ in range(4):
        PartnerFactory()
    for key in ("b_key", "a_key"):
        CustomFieldDefinition.objects.create(key=key, label=key, field_type="text")
    partners = Partner.objects.order_by("pk")

    with django_assert_num_queries(1):
        rows = list(
            partners.annotate(
                up_to_3=CappedCount(partners, 3),
                up_to_9=CappedCount(partners, 9),
                none=CappedCount(partners.none(), 9),
                keys=json_array_subquery(CustomFieldDefinition.objects.all(), "key"),
            ).values_list("up_to_3", "up_to_9", "none", "keys")[:2]
        )

    assert [row[:3] for row in rows] == [(3, 4, 0), (3, 4, 0)]
    assert [sorted(json.loads(row[3])) for row in rows] == [["a_key", "b_key"]] * 2


@pytest.mark.django_db
@pytest.mark.parametrize("window", [(0, 3), (3, 3), (8, 3), (20, 3)])
def test_page_keys_compiled_once_give_each_page_in_order(window):
    from openprm.core.db import PageKeys, with_page
    from openprm.partners.models import Partner

    for number in range(10):
        PartnerFactory(name=f"Partner {number % 4}")
    ordered = Partner.objects.order_by("-name", "id")
    page = (
        Partner.objects.filter(pk__in=PageKeys(ordered))
        .order_by("-name", "id")
        .values_list("pk", flat=True)
    )
    sql, params = page.query.get_compiler("default").as_sql()
    offset, limit = window

    rows = sql_rows(*with_page(sql, params, limit=limit, offset=offset))

    assert [pk for (pk,) in rows] == list(
        ordered.values_list("pk", flat=True)[offset : offset + limit]
    )


def test_uuid_and_datetime_text_write_what_the_api_writes():
    from datetime import UTC, datetime
    from uuid import UUID

    from django.core.serializers.json import DjangoJSONEncoder

    from openprm.core.db import datetime_text, uuid_text

    value = UUID("12345678-9abc-def0-1234-56789abcdef0")
    assert uuid_text(value.hex.upper()) == str(value)  # SQLite's stored hex
    assert uuid_text(value) == str(value)  # PostgreSQL's driver
    assert uuid_text(None) is None
    encoder = DjangoJSONEncoder()
    for stored, moment in [
        ("2026-01-02 03:04:05", datetime(2026, 1, 2, 3, 4, 5)),
        ("2026-01-02 03:04:05.000000", datetime(2026, 1, 2, 3, 4, 5)),
        ("2026-01-02 03:04:05.678901", datetime(2026, 1, 2, 3, 4, 5, 678901)),
    ]:
        expected = encoder.default(moment.replace(tzinfo=UTC))
        assert datetime_text(stored) == expected.replace("+00:00", "Z")


def test_bind_fills_each_slot_by_its_name():
    from openprm.core.db import Slot, bind

    first, second = Slot("first"), Slot("second")

    assert bind("sql", (1, first, second, first), first="a", second="b", extra=0) == (
        "sql",
        (1, "a", "b", "a"),
    )
    with pytest.raises(ValueError, match="second"):
        bind("sql", (first, second), first="a")


@pytest.mark.django_db
def test_a_slot_in_a_filter_is_bound_when_the_sql_runs():
    from django.db.models import IntegerField

    from openprm.core.db import Slot, bind

    first, second = MembershipFactory(), MembershipFactory()
    reader = Slot("reader", output_field=IntegerField())
    sql, params = memberships_of(reader).query.get_compiler("default").as_sql()

    assert [
        [row[0] for row in sql_rows(*bind(sql, params, reader=membership.user_id))]
        for membership in (first, second)
    ] == [[first.partner_id], [second.partner_id]]


def _cached_list(name, built=None):
    from openprm.core import db

    def build(reader, filters):
        if built is not None:
            built.append((reader, filters))
        return memberships_of(reader.user_id)

    cached = db.CachedList(name, build)
    # Made by a test: not one of the product's lists the generated tests cover.
    del db._CACHED_LISTS[name]
    return cached


@dataclass(frozen=True)
class _Reader(ReaderContext):
    user_id: int


@pytest.mark.django_db
def test_a_cached_list_compiles_once_per_reader_context_and_filters():
    first, second = MembershipFactory(), MembershipFactory()
    built = []
    cached = _cached_list("test.memberships", built)

    answers = [
        [row[0] for row in cached.rows(_Reader(user_id=membership.user_id), "all")]
        for membership in (first, second, first)
    ]

    assert answers == [[first.partner_id], [second.partner_id], [first.partner_id]]
    assert built == [
        (_Reader(user_id=first.user_id), "all"),
        (_Reader(user_id=second.user_id), "all"),
    ]
    assert len(cached) == 2


def test_a_cached_list_is_keyed_only_by_frozen_values():
    class Thawed(_Reader):  # a subclass that is not itself a frozen dataclass
        def __init__(self, user_id):
            object.__setattr__(self, "user_id", user_id)

    @dataclass(frozen=True)
    class NotAContext:
        user_id: int

    cached = _cached_list("test.frozen")

    with pytest.raises(TypeError, match="frozen ReaderContext"):
        cached.sql(Thawed(user_id=1))
    with pytest.raises(TypeError, match="frozen ReaderContext"):
        cached.sql(NotAContext(user_id=1))
    with pytest.raises(TypeError, match="frozen filters"):
        cached.sql(_Reader(user_id=1), ("status", ["active"]))
    assert len(cached) == 0


def test_two_cached_lists_cannot_share_a_name():
    from openprm.core import db

    db.CachedList("test.twice", lambda reader, filters: None)
    try:
        with pytest.raises(ValueError, match="exists already"):
            db.CachedList("test.twice", lambda reader, filters: None)
    finally:
        del db._CACHED_LISTS["test.twice"]
    assert "test.twice" not in [cached.name for cached in cached_lists()]


@pytest.mark.django_db
def test_in_json_list_matches_the_ids_of_the_list_bound_at_each_run():
    from openprm.core.db import InJSONList, Slot, bind, json_list

    partners = [PartnerFactory() for _ in range(4)]
    ids = Slot("ids")
    sql, params = (
        Membership.objects.filter(InJSONList("partner_id", ids))
        .order_by("partner_id")
        .values_list("partner_id")
        .query.get_compiler("default")
        .as_sql()
    )
    for partner in partners:
        MembershipFactory(partner=partner)

    def partner_ids(chosen):
        bound = bind(sql, params, ids=json_list(p.pk for p in chosen))
        return [row[0] for row in sql_rows(*bound)]

    # One SQL, lists of any length (none, one, several) bound each time.
    assert partner_ids([]) == []
    assert partner_ids(partners[1:2]) == [partners[1].pk]
    assert partner_ids([partners[3], partners[0]]) == sorted(
        [partners[0].pk, partners[3].pk]
    )


def test_an_order_index_places_nulls_only_where_the_database_can_say_so():
    """PostgreSQL serves ``asc(nulls_first=True)`` only from an index that says
    NULLS FIRST; SQLite's CREATE INDEX refuses the words (its NULLs sort first)."""
    index = OrderIndex(
        F("fanned_out_at").asc(nulls_first=True), F("id").desc(), name="core_test_idx"
    )

    sql = str(index.create_sql(OutboxEvent, connection.schema_editor()))

    nulls = " NULLS FIRST" if connection.vendor == "postgresql" else ""
    assert f'("fanned_out_at" ASC{nulls}, "id" DESC)' in sql
