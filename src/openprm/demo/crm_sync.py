"""Demo data of the CRM sync: a connection to an exchange folder of CSV files with a
few CRM accounts, started by hand (no schedule) so that seeding stays quick."""

import csv

from django.conf import settings

from openprm.integrations.crm.models import CrmConnection
from openprm.integrations.crm.services import crm_connection_create

DEMO_CONNECTION = "Vendor CRM (exchange files)"
DEMO_ACCOUNTS = [
    ("DEMO-1", "Globex Distribution", "globex-distribution.example", "US", "Chicago"),
    ("DEMO-2", "Initech Systems", "initech.example", "GB", "London"),
]


def build_demo_crm_sync(*, actor) -> CrmConnection:
    """The connection and its folder (``var/crm-exchange``); nothing when it exists."""
    existing = CrmConnection.objects.filter(name=DEMO_CONNECTION).first()
    if existing is not None:
        return existing
    folder = settings.VAR_DIR / "crm-exchange"
    folder.mkdir(parents=True, exist_ok=True)
    accounts = folder / "accounts.csv"
    if not accounts.exists():
        with accounts.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(
                ["id", "name", "website", "billing_country", "billing_city"]
            )
            writer.writerows(DEMO_ACCOUNTS)
    return crm_connection_create(
        actor=actor,
        data={
            "name": DEMO_CONNECTION,
            "connector_type": "csv",
            "config": {"folder": str(folder)},
            "directions": {"partners": {"in": True, "out": False}},
            "schedule_minutes": 0,
        },
    )
