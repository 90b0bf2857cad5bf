"""Partner users → CRM contacts on their partner's CRM account, and deletions on
either side (see docs/crm-sync.md, "Users" and "Deletions"), against a real BottleCRM
server (see openprm.testing.bottlecrm)."""

import pytest

from openprm.integrations.crm.models import LinkState, SyncLink, SyncLogEntry
from openprm.integrations.tests.crm.factories import connection_for
from openprm.integrations.tests.crm.test_contacts import (
    account_contacts,
    crm_contact,
    crm_contacts,
    run,
)
from openprm.partners.models import Contact
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy import services as tenancy_services
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_partner_users_become_contacts_on_their_partners_account_matched_by_email(
    crm, django_capture_on_commit_callbacks
):
    partner = PartnerFactory(name="User Partner", website="https://up.example")
    ann = MembershipFactory(
        partner=partner, user__email="ann@up.example", user__full_name="Ann Admin"
    )
    ben = MembershipFactory(
        partner=partner, user__email="ben@up.example", user__full_name="Ben Seller"
    )
    # Ben is in the CRM already (on no account), his email in capitals
    existing = crm_contact(crm, first="Benjamin", last="S", email="BEN@up.example")
    connection = connection_for(
        crm,
        directions={
            "partners": {"in": True, "out": True},
            "users": {"in": True, "out": True},
        },
    )

    finished = run(connection)

    assert finished.status == "done", finished.error
    account = SyncLink.objects.get(object_type="partners").remote_id
    links = dict(
        SyncLink.objects.filter(object_type="users").values_list(
            "local_id", "remote_id"
        )
    )
    # Ben linked to his CRM contact (not duplicated), and put on the account; Ann
    # created there
    assert links[ben.pk] == existing
    on_account = sorted(email.lower() for email in account_contacts(crm, account))
    assert on_account == ["ann@up.example", "ben@up.example"]
    assert len(crm_contacts(crm)) == 2
    ann_remote = next(c for c in crm_contacts(crm) if str(c["id"]) == links[ann.pk])
    assert (ann_remote["first_name"], ann_remote["last_name"]) == ("Ann", "Admin")
    assert (finished.created, finished.linked) == (2, 1)  # the account and Ann; Ben
    # No partner contact was made of the users' CRM contacts
    assert not Contact.objects.exists()

    # Ann leaves: her link is archived, her CRM contact kept
    with django_capture_on_commit_callbacks(execute=True):
        tenancy_services.membership_deactivate(actor=connection.run_as, membership=ann)
    link = SyncLink.objects.get(object_type="users", local_id=ann.pk)
    assert link.state == LinkState.ARCHIVED
    assert "Deactivated in OpenPRM" in link.archived_reason
    assert len(crm_contacts(crm)) == 2
    assert SyncLogEntry.objects.filter(
        object_type="users", outcome="archived", local_id=ann.pk
    ).exists()

    # Nothing is created twice by a later run
    again = run(connection)
    assert again.status == "done", again.error
    assert (again.created, again.errors) == (0, 0)
    assert len(crm_contacts(crm)) == 2


def test_with_users_in_only_a_crm_contact_with_a_users_email_is_linked_to_the_user(
    crm,
):
    partner = PartnerFactory(name="In Partner", website="https://ip.example")
    cat = MembershipFactory(
        partner=partner, user__email="cat@ip.example", user__full_name="Cat Lee"
    )
    MembershipFactory(partner=partner, user__email="dan@ip.example")
    connection = connection_for(
        crm,
        directions={
            "partners": {"in": True, "out": True},
            "users": {"in": True, "out": False},
            "contacts": {"in": True, "out": True},
        },
    )
    assert run(connection).status == "done"
    account = SyncLink.objects.get(object_type="partners").remote_id
    remote_id = crm_contact(
        crm, first="Cat", last="Lee", email="cat@ip.example", account=account
    )

    finished = run(connection)

    assert finished.status == "done", finished.error
    link = SyncLink.objects.get(object_type="users")
    assert (link.local_id, link.remote_id) == (cat.pk, remote_id)
    # Not made a partner contact too, and Dan is not sent (users out is off)
    assert not Contact.objects.exists()
    assert [c["email"] for c in crm_contacts(crm)] == ["cat@ip.example"]
