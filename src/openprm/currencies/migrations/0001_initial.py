# The exchange-rate table moves from core to currencies without touching the
# database: the table keeps its name (core_exchangerate), its constraints and its
# index, and only Django's state changes (core's 0004 removes it there). The
# content type follows, so that permissions and admin history stay attached.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_to(app_label):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        old = "currencies" if app_label == "core" else "core"
        ContentType.objects.using(schema_editor.connection.alias).filter(
            app_label=old, model="exchangerate"
        ).update(app_label=app_label)

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0003_exchange_rate'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ExchangeRate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('currency', models.CharField(max_length=3, verbose_name='currency')),
                        ('base_currency', models.CharField(max_length=3, verbose_name='reporting currency')),
                        ('rate', models.DecimalField(decimal_places=10, max_digits=15, verbose_name='rate')),
                        ('valid_from', models.DateField(verbose_name='valid from')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                    ],
                    options={
                        'verbose_name': 'exchange rate',
                        'db_table': 'core_exchangerate',
                        'ordering': ['currency', '-valid_from', '-id'],
                        'constraints': [models.UniqueConstraint(fields=('base_currency', 'currency', 'valid_from'), name='core_rate_currency_date_unique'), models.CheckConstraint(condition=models.Q(('rate__gt', 0)), name='core_rate_positive'), models.CheckConstraint(condition=models.Q(('currency', models.F('base_currency')), _negated=True), name='core_rate_not_to_itself')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to("currencies"), content_type_to("core")),
    ]
