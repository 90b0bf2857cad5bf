"""The import's per-batch shortcuts give what the per-row functions give."""

import json

import pytest

from openprm.core import jsontext
from openprm.integrations.imports import reading as importing

ROWS = [
    {
        "name": "Acme GmbH",
        "partner_type": "reseller",
        "partner_types": "reseller; distributor",
        "country": "DE",
        "region": "emea",
        "industries": "software,retail ;",
        "tags": "",
        "cf_tier": "gold",
        "cf_areas": "north; south",
        "contact_name": "Jörg",
        "contact_email": "",
        "contact_unknown": "x",
        "status": "active",
    },
    {
        "name": "Plain",
        "country": "FR",
        "cf_tier": "",
        "contact_name": "",
        "status": "",
        "unrelated": "kept out",
    },
    {"name": "", "domains": "a.example; b.example"},
]


@pytest.mark.parametrize("row", ROWS)
def test_row_parser_gives_row_data(row):
    prefix = importing.CUSTOM_FIELD_PREFIX
    row = {key.replace("cf_", prefix): value for key, value in row.items()}
    keys = frozenset({"areas"})
    parse = importing.row_parser(tuple(row), keys)
    expected = importing.row_data(row, keys)
    got = parse(row)
    assert got == expected
    assert list(got) == list(expected)
    assert json.dumps(got) == json.dumps(expected)


def test_import_payloads_as_json_dumps():
    """What the import writes in JSON columns: audit changes and event payloads,
    with non-ASCII text, escapes, lists and custom field values."""
    changes = {
        "name": [None, 'Société "Générale"\n\\'],
        "partner_types": [None, ["reseller", "distributor"]],
        "custom_fields": [None, {"tier": "gold", "areas": ["north", "süd"]}],
        "parent": [None, None],
        "channel_manager": [None, 7],
        "domains": [None, ["ä.example", "b.example"]],
    }
    payload = {
        "id": 12,
        "public_id": jsontext.uuid_text(jsontext.ordered_uuids(1)[0]),
        "name": "Zürich \u2028 AG",
        "external_id": "",
        "parent": None,
        "changed": ["name", "status"],
    }
    for value in (changes, payload, ["🙂"], {"latitude": [None, "1.500000"]}):
        assert jsontext.dumps(value) == json.dumps(value)


@pytest.mark.django_db
def test_bulk_insert_reports_a_taken_key_as_integrity_error():
    """The batch fallback (row by row) relies on Django's IntegrityError, also
    from PostgreSQL's COPY."""
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    from openprm.core import bulk_sql
    from openprm.partners.models import PartnerDomain
    from openprm.partners.tests.factories import PartnerFactory

    partner = PartnerFactory()
    PartnerDomain.objects.create(partner=partner, domain="taken.example")
    table = bulk_sql.Table(
        PartnerDomain, ["partner_id", "domain", "created_at", "updated_at"]
    )
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        table.insert([(partner.pk, "free.example", now, now)])
        table.insert([(partner.pk, "taken.example", now, now)])
    assert list(
        PartnerDomain.objects.filter(partner=partner).values_list("domain", flat=True)
    ) == ["taken.example"]


@pytest.mark.django_db
def test_external_id_lookups_use_the_partial_unique_index():
    """The unique index on external ids excludes empty ones; a lookup that does not
    repeat that condition reads the whole partner table on SQLite (each import
    batch did, so an import slowed down as the table grew)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from openprm.accounts.tests.factories import VendorUserFactory
    from openprm.integrations.imports import writing as import_writer
    from openprm.integrations.models import ImportJob
    from openprm.partners import services as partner_services

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL picks a plan by table size; SQLite's is fixed")
    admin = VendorUserFactory()
    ctx = import_writer.ImportContext(
        actor=admin, job=ImportJob.objects.create(created_by=admin)
    )
    row = import_writer._Row(number=2, raw={}, data={}, external_id="CRM-2")
    with CaptureQueriesContext(connection) as import_queries:
        import_writer._match(ctx, [row])
    with CaptureQueriesContext(connection) as service_queries:
        partner_services._check_unique(
            partner=None, cleaned={"external_id": "CRM-2"}, domains=None
        )
    lookups = [
        query["sql"]
        for query in [*import_queries.captured_queries, *service_queries]
        if "external_id" in query["sql"] and "partners_partner" in query["sql"]
    ]
    assert len(lookups) == 2
    with connection.cursor() as cursor:
        for sql in lookups:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " ".join(str(step[-1]) for step in cursor.fetchall())
            assert "partners_partner_external_id_unique" in plan, plan


def test_collector_paused_for_a_batch_only():
    import gc

    from openprm.integrations.imports import writing as import_writer

    assert gc.isenabled()
    with import_writer.collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), import_writer.collector_paused():
        raise ValueError
    assert gc.isenabled()
    gc.disable()  # paused by someone else: left as it was
    try:
        with import_writer.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_csv_rows_read_as_text():
    """Blank rows are skipped but counted, cells are stripped, a short row is
    filled with empty cells, and the export's guard against formulas is undone."""
    import io

    text = (
        "name,city,notes\n"
        " Acme , Berlin ,x\n"
        "\n"
        " , ,\n"
        "O'Brien,Cork\n"
        "'=SUM(A1),'+1,'plain\n"
    )
    reader = importing.RowReader(
        io.BytesIO(text.encode()), suffix=".csv", size=len(text)
    )

    assert list(reader) == [
        (2, {"name": "Acme", "city": "Berlin", "notes": "x"}),
        (5, {"name": "O'Brien", "city": "Cork", "notes": ""}),
        (6, {"name": "=SUM(A1)", "city": "+1", "notes": "'plain"}),
    ]
