"""The triggers the product keeps: one check for both databases, and every
registered keeper runs after ``migrate``."""

import pytest
from django.core.management import call_command
from django.db import connection

from openprm.core import triggers
from openprm.deals.pipeline.triggers import NAMES as PIPELINE_TRIGGERS

pytestmark = pytest.mark.django_db


def test_missing_triggers_names_only_the_absent_ones():
    present = PIPELINE_TRIGGERS[0]

    missing = triggers.missing_triggers(connection, [present, "no_such_trigger"])

    assert missing == {"no_such_trigger"}
    assert triggers.missing_triggers(connection, []) == set()


def test_every_registered_keeper_runs_after_migrate():
    ran = []
    triggers.keep_triggers("test.keeper", ran.append)
    try:
        call_command("migrate", verbosity=0)
    finally:
        triggers._KEEPERS.pop("test.keeper")

    assert ran == ["default"]


def test_the_pipeline_and_search_keep_their_triggers():
    assert {"deals.pipeline", "core.search"} <= set(triggers._KEEPERS)
