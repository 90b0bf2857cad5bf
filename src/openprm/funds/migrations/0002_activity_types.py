"""The activity types partners may ask funds for, to start with (the vendor
changes the list in the console or the API)."""

from django.db import migrations

TYPES = [
    "Event",
    "Digital campaign",
    "Webinar",
    "Trade show",
    "Print",
    "Training",
]


def add_types(apps, schema_editor):
    ActivityType = apps.get_model("funds", "ActivityType")
    for order, name in enumerate(TYPES):
        ActivityType.objects.get_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]

    operations = [migrations.RunPython(add_types, migrations.RunPython.noop)]
