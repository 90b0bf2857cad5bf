from django.db import migrations

from openprm.core.search import CreateSearchIndex


class Migration(migrations.Migration):
    """The directory's search index (core.search): an FTS5 trigram table kept by
    triggers on SQLite, trigram GIN indexes on PostgreSQL."""

    dependencies = [
        ("partners", "0006_directory_index"),
    ]

    operations = [
        CreateSearchIndex("partners_partner", ["name", "legal_name", "city"]),
        CreateSearchIndex("partners_partnerdomain", ["domain"]),
        CreateSearchIndex("partners_contact", ["name", "email"]),
    ]
