# The Membership and Invitation models move from the accounts app to tenancy without
# moving data: their tables keep their names (accounts_membership,
# accounts_invitation) and constraint names, so this migration changes the
# migration state only. accounts/migrations/0004 drops them from the accounts state;
# onboarding/migrations/0002 points its foreign key at tenancy.Invitation first.

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models

MOVED_MODELS = ["membership", "invitation"]


def content_types_to_tenancy(apps, schema_editor):
    """Keep the content types (and the permissions hanging on them) of the moved
    models rather than leaving stale ones behind and creating new ones."""
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.using(schema_editor.connection.alias).filter(
        app_label="accounts", model__in=MOVED_MODELS
    ).update(app_label="tenancy")


def content_types_to_accounts(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.using(schema_editor.connection.alias).filter(
        app_label="tenancy", model__in=MOVED_MODELS
    ).update(app_label="accounts")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0003_invitation'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('partners', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Invitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('email', models.EmailField(max_length=254, verbose_name='email address')),
                        ('roles', models.JSONField(blank=True, default=list, help_text='Partner roles to grant.', verbose_name='roles')),
                        ('vendor_role', models.CharField(blank=True, choices=[('vendor_admin', 'Vendor admin'), ('channel_manager', 'Channel manager'), ('channel_marketing', 'Channel marketing'), ('finance', 'Finance'), ('analyst', 'Analyst')], max_length=32, verbose_name='vendor role')),
                        ('token_hash', models.CharField(editable=False, max_length=64, unique=True)),
                        ('expires_at', models.DateTimeField(verbose_name='expires at')),
                        ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='accepted at')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                        ('accepted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='accepted by')),
                        ('invited_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='invited by')),
                        ('partner', models.ForeignKey(blank=True, help_text="Empty for an invitation to join the vendor's staff.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='partners.partner')),
                    ],
                    options={
                        'verbose_name': 'invitation',
                        'db_table': 'accounts_invitation',
                        'ordering': ['-created_at', '-id'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('accepted_at__isnull', True), ('partner__isnull', False), ('revoked_at__isnull', True)), fields=('partner', 'email'), name='accounts_invitation_open_partner_unique'), models.UniqueConstraint(condition=models.Q(('accepted_at__isnull', True), ('partner__isnull', True), ('revoked_at__isnull', True)), fields=('email',), name='accounts_invitation_open_vendor_unique'), models.CheckConstraint(condition=models.Q(models.Q(('partner__isnull', False), ('vendor_role', '')), models.Q(('partner__isnull', True), models.Q(('vendor_role', ''), _negated=True)), _connector='OR'), name='accounts_invitation_partner_xor_vendor_role')],
                    },
                ),
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('roles', models.JSONField(default=list, help_text='Partner roles held, e.g. partner_admin.', verbose_name='roles')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('partner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='partners.partner')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'accounts_membership',
                        'ordering': ['partner_id', 'user_id'],
                        'constraints': [models.UniqueConstraint(fields=('user', 'partner'), name='accounts_membership_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_tenancy, content_types_to_accounts),
    ]
