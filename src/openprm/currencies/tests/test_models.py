"""The exchange-rate table moved from core to currencies in Django's state only."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from openprm.currencies.models import ExchangeRate


def test_the_rates_keep_the_kernels_table_and_constraint_names():
    assert ExchangeRate._meta.db_table == "core_exchangerate"
    assert [constraint.name for constraint in ExchangeRate._meta.constraints] == [
        "core_rate_currency_date_unique",
        "core_rate_positive",
        "core_rate_not_to_itself",
    ]


@pytest.mark.django_db
def test_the_migrations_hold_the_model_in_currencies_only():
    state = MigrationLoader(connection).project_state()

    assert ("currencies", "exchangerate") in state.models
    assert ("core", "exchangerate") not in state.models
    # And nothing is left for makemigrations to write for either app.
    call_command(
        "makemigrations",
        "core",
        "currencies",
        check=True,
        dry_run=True,
        stdout=io.StringIO(),
    )
