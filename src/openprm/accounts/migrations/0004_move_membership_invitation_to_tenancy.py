# Membership and Invitation now belong to the tenancy app (tenancy/migrations/0001):
# they leave the accounts state; their tables stay as they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_invitation'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='Invitation'),
                migrations.DeleteModel(name='Membership'),
            ],
            database_operations=[],
        ),
    ]
