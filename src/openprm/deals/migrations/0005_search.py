from django.db import migrations

from openprm.core.search import CreateSearchIndex


class Migration(migrations.Migration):
    """The deal list's search index (core.search): an FTS5 trigram table kept by
    triggers on SQLite, trigram GIN indexes on PostgreSQL."""

    dependencies = [
        ("deals", "0004_pipeline_cells"),
    ]

    operations = [
        CreateSearchIndex("deals_deal", ["title", "customer_name"]),
    ]
