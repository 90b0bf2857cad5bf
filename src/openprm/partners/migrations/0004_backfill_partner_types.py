"""Partners created before the profile had no ``partner_types``: the list starts with
the primary type."""

from django.db import migrations


def backfill(apps, schema_editor):
    Partner = apps.get_model("partners", "Partner")
    for partner in Partner.objects.filter(partner_types=[]).only("pk", "partner_type"):
        Partner.objects.filter(pk=partner.pk).update(
            partner_types=[partner.partner_type]
        )


class Migration(migrations.Migration):
    dependencies = [("partners", "0003_profile")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
