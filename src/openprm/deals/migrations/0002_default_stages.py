from django.db import migrations

DEFAULT_STAGES = [
    # name, probability, order, kind
    ("Qualification", 10, 10, "open"),
    ("Proposal", 40, 20, "open"),
    ("Negotiation", 70, 30, "open"),
    ("Won", 100, 40, "won"),
    ("Lost", 0, 50, "lost"),
]


def create_stages(apps, schema_editor):
    Stage = apps.get_model("deals", "Stage")
    for name, probability, order, kind in DEFAULT_STAGES:
        Stage.objects.get_or_create(
            name=name,
            defaults={"probability": probability, "order": order, "kind": kind},
        )


class Migration(migrations.Migration):
    dependencies = [("deals", "0001_initial")]

    operations = [migrations.RunPython(create_stages, migrations.RunPython.noop)]
