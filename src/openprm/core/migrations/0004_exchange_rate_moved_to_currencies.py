# The exchange-rate table now belongs to the currencies app (its 0001 takes it over
# with the same table, constraints and index): only Django's state changes here.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_exchange_rate'),
        ('currencies', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ExchangeRate')],
            database_operations=[],
        ),
    ]
