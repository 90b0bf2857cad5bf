# Invitation moved from the accounts app to tenancy (the same table): the foreign
# key follows in the migration state only, before accounts forgets the model.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('onboarding', '0001_initial'),
        ('tenancy', '0001_initial'),
    ]

    run_before = [
        ('accounts', '0004_move_membership_invitation_to_tenancy'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='application',
                    name='invitation',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='tenancy.invitation'),
                ),
            ],
            database_operations=[],
        ),
    ]
