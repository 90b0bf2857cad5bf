"""The Team (portal) and Users (console) navigation items: shown to admins only,
after the area's own items."""

import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import partner_user


def nav_labels(client, path: str) -> list[str]:
    return [item["label"] for item in client.get(path).context["shell_nav"]]


@pytest.mark.django_db
def test_team_shows_for_partner_admins_after_the_dashboard(client):
    partner = PartnerFactory()
    client.force_login(partner_user(partner=partner))

    labels = nav_labels(client, "/portal/")

    assert labels[0] == "Dashboard"
    assert labels[-1] == "Team"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["sales", "marketing", "finance", "learner"])
def test_team_is_hidden_from_other_partner_users(client, role):
    client.force_login(partner_user(roles=[role]))

    assert "Team" not in nav_labels(client, "/portal/")


@pytest.mark.django_db
def test_users_shows_for_vendor_admins_after_the_consoles_own_items(client):
    client.force_login(VendorUserFactory())

    labels = nav_labels(client, "/console/")

    assert labels.index("Dashboard") < labels.index("Partners") < labels.index("Users")
    assert labels[-1] == "Users"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "vendor_role", ["channel_manager", "channel_marketing", "finance", "analyst"]
)
def test_users_is_hidden_from_other_vendor_staff(client, vendor_role):
    client.force_login(VendorUserFactory(vendor_role=vendor_role))

    assert "Users" not in nav_labels(client, "/console/")
