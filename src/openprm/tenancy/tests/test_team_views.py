from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.utils import timezone

from openprm.accounts.models import User
from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.core.models import AuditEntry
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy import services
from openprm.tenancy.models import Invitation, Membership
from openprm.tenancy.tests.factories import (
    InvitationFactory,
    MembershipFactory,
    partner_user,
)
from openprm.tenancy.tests.team_helpers import link_path, nothing_changes

PASSWORD = "a long and unusual passphrase"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def contoso():
    return PartnerFactory(name="Contoso Solutions")


@pytest.fixture
def admin(contoso):
    return MembershipFactory(
        partner=contoso, user__email="chris@contoso.example", user__full_name="Chris"
    ).user


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def vendor_admin():
    return VendorUserFactory(email="alex@vendor.example", full_name="Alex Morgan")


@pytest.fixture
def vendor_client(client, vendor_admin):
    client.force_login(vendor_admin)
    return client


# --- portal: Team ---------------------------------------------------------------------


@pytest.mark.django_db
def test_team_page_lists_members_and_open_invitations(admin_client, contoso):
    MembershipFactory(
        partner=contoso, user__full_name="Sam Reyes", roles=["sales", "learner"]
    )
    MembershipFactory(partner=contoso, user__full_name="Former One", is_active=False)
    InvitationFactory(partner=contoso, email="new@contoso.example")
    InvitationFactory(
        partner=contoso, email="used@contoso.example", accepted_at=timezone.now()
    )
    InvitationFactory(partner=PartnerFactory(), email="elsewhere@other.example")

    response = admin_client.get("/portal/team/")

    html = response.content.decode()
    assert response.status_code == 200
    assert sorted(m.user.full_name for m in response.context["members"]) == [
        "Chris",
        "Former One",
        "Sam Reyes",
    ]
    assert "Sales, Learner" in html
    assert [i.email for i in response.context["invitations"]] == ["new@contoso.example"]
    assert "elsewhere@other.example" not in html


@pytest.mark.django_db
def test_team_page_runs_the_same_queries_for_few_or_many_members(
    admin_client, contoso, django_assert_num_queries
):
    admin_client.get("/portal/team/")  # warm caches

    # session, user, membership (portal guard; the team scope and the partner
    # scope of visible_to come from it), members, invitations
    with django_assert_num_queries(5):
        admin_client.get("/portal/team/")
    for _ in range(8):
        MembershipFactory(partner=contoso, roles=["sales"])
        InvitationFactory(partner=contoso)
    with django_assert_num_queries(5):
        response = admin_client.get("/portal/team/")
    assert len(response.context["members"]) == 9


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["sales", "marketing", "finance", "learner"])
def test_team_pages_are_for_partner_admins_only(client, contoso, role):
    client.force_login(partner_user(partner=contoso, roles=[role]))

    assert client.get("/portal/team/").status_code == 403
    assert client.get("/portal/team/invite/").status_code == 403


@pytest.mark.django_db
def test_partner_admin_invites_a_colleague_through_the_page(
    admin_client, contoso, committed
):
    with committed():
        response = admin_client.post(
            "/portal/team/invite/",
            {"email": "sam@contoso.example", "roles": ["sales", "marketing"]},
        )

    invitation = Invitation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/portal/team/"
    assert (invitation.partner, invitation.roles) == (contoso, ["sales", "marketing"])
    assert len(mail.outbox) == 1
    assert link_path(mail.outbox[0]).startswith("/accounts/invitations/")
    page = admin_client.get("/portal/team/")
    assert "Invitation sent to sam@contoso.example." in page.content.decode()


@pytest.mark.django_db
def test_an_invalid_invitation_shows_the_errors_on_the_form(admin_client, contoso):
    MembershipFactory(partner=contoso, user__email="sam@contoso.example")

    with nothing_changes():
        member = admin_client.post(
            "/portal/team/invite/", {"email": "sam@contoso.example", "roles": ["sales"]}
        )
        no_role = admin_client.post("/portal/team/invite/", {"email": "x@y.example"})

    assert member.status_code == 400
    assert member.context["form"].errors == {
        "email": ["This person is already a member."]
    }
    assert no_role.context["form"].errors == {"roles": ["This field is required."]}


@pytest.mark.django_db
def test_partner_admin_changes_roles_through_the_page(admin_client, contoso):
    member = MembershipFactory(partner=contoso, roles=["sales"])

    page = admin_client.get(f"/portal/team/members/{member.pk}/")
    response = admin_client.post(
        f"/portal/team/members/{member.pk}/", {"roles": ["finance"]}
    )

    member.refresh_from_db()
    assert page.status_code == 200
    assert response.status_code == 302
    assert member.roles == ["finance"]


@pytest.mark.django_db
def test_removing_the_last_admin_role_shows_a_clear_error(admin_client, admin):
    membership = admin.memberships.get()

    with nothing_changes():
        response = admin_client.post(
            f"/portal/team/members/{membership.pk}/", {"roles": ["sales"]}
        )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Contoso Solutions needs at least one active partner admin: make another "
        "member a partner admin first."
    ]


@pytest.mark.django_db
def test_deactivate_and_reactivate_through_the_page(admin_client, contoso):
    member = MembershipFactory(partner=contoso, roles=["sales"], user__full_name="Sam")

    deactivated = admin_client.post(f"/portal/team/members/{member.pk}/deactivate/")
    member.refresh_from_db()
    was_active = member.is_active
    admin_client.post(f"/portal/team/members/{member.pk}/reactivate/")

    member.refresh_from_db()
    assert deactivated["Location"] == "/portal/team/"
    assert (was_active, member.is_active) == (False, True)


@pytest.mark.django_db
def test_deactivating_the_last_admin_is_refused_with_a_message(admin_client, admin):
    membership = admin.memberships.get()

    with nothing_changes():
        response = admin_client.post(
            f"/portal/team/members/{membership.pk}/deactivate/", follow=True
        )

    assert "needs at least one active partner admin" in response.content.decode()


@pytest.mark.django_db
def test_partner_admin_of_a_gets_404_for_bs_members_and_invitations(admin_client):
    other = PartnerFactory(name="Fabrikam")
    foreign = MembershipFactory(partner=other, roles=["sales"])
    invitation = InvitationFactory(partner=other)

    with nothing_changes():
        responses = [
            admin_client.get(f"/portal/team/members/{foreign.pk}/"),
            admin_client.post(
                f"/portal/team/members/{foreign.pk}/", {"roles": ["partner_admin"]}
            ),
            admin_client.post(f"/portal/team/members/{foreign.pk}/deactivate/"),
            admin_client.post(
                f"/portal/team/invitations/{invitation.public_id}/revoke/"
            ),
            admin_client.post(
                f"/portal/team/invitations/{invitation.public_id}/resend/"
            ),
        ]

    assert [response.status_code for response in responses] == [404] * 5


@pytest.mark.django_db
def test_a_partner_admin_of_two_partners_manages_only_the_portals_partner(
    client, contoso, admin
):
    other = PartnerFactory(name="Zeta Systems")  # sorts after Contoso
    MembershipFactory(user=admin, partner=other)
    foreign = MembershipFactory(partner=other, roles=["sales"])
    client.force_login(admin)

    assert client.get(f"/portal/team/members/{foreign.pk}/").status_code == 404


@pytest.mark.django_db
def test_revoke_and_resend_through_the_page(admin_client, contoso, committed):
    invitation = InvitationFactory(partner=contoso, email="sam@contoso.example")

    with committed():
        admin_client.post(f"/portal/team/invitations/{invitation.public_id}/resend/")
    admin_client.post(f"/portal/team/invitations/{invitation.public_id}/revoke/")

    invitation.refresh_from_db()
    assert mail.outbox[0].to == ["sam@contoso.example"]
    assert invitation.status == "revoked"


# --- the invitation page --------------------------------------------------------------


@pytest.mark.django_db
def test_the_invitation_page_asks_for_name_and_password(client, contoso):
    invitation = InvitationFactory(partner=contoso, email="sam@contoso.example")

    response = client.get(f"/accounts/invitations/{invitation.token}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Join Contoso Solutions" in html
    assert "You will sign in with <strong>sam@contoso.example</strong>." in html
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_accepting_signs_the_person_in_and_lands_in_the_portal(client, contoso):
    invitation = InvitationFactory(partner=contoso, email="sam@contoso.example")

    response = client.post(
        f"/accounts/invitations/{invitation.token}/",
        {"full_name": "Sam Reyes", "password1": PASSWORD, "password2": PASSWORD},
    )
    portal = client.get(response["Location"], follow=True)

    user = User.objects.get(email="sam@contoso.example")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)
    assert portal.redirect_chain[-1][0] == "/portal/"
    assert "Welcome to Contoso Solutions." in portal.content.decode()


@pytest.mark.django_db
def test_mismatched_or_weak_passwords_are_shown_on_the_form(client, contoso):
    invitation = InvitationFactory(partner=contoso, email="sam@contoso.example")
    url = f"/accounts/invitations/{invitation.token}/"

    with nothing_changes():
        differ = client.post(
            url, {"full_name": "Sam", "password1": PASSWORD, "password2": "other"}
        )
        weak = client.post(
            url, {"full_name": "Sam", "password1": "password", "password2": "password"}
        )

    assert differ.status_code == 400
    assert differ.context["form"].errors == {"password2": ["The two passwords differ."]}
    assert weak.context["form"].errors == {
        "password1": ["This password is too common."]
    }
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        (
            {"accepted_at": timezone.now()},
            410,
            "This invitation has already been used.",
        ),
        (
            {"expires_at": timezone.now() - timedelta(minutes=1)},
            410,
            "This invitation has expired. Ask the person who invited you to send it "
            "again.",
        ),
        (
            {"revoked_at": timezone.now()},
            410,
            "This invitation has been withdrawn.",
        ),
    ],
)
def test_a_used_expired_or_revoked_link_shows_a_clear_message(
    client, contoso, change, status, message
):
    invitation = InvitationFactory(partner=contoso, **change)

    with nothing_changes():
        shown = client.get(f"/accounts/invitations/{invitation.token}/")
        posted = client.post(
            f"/accounts/invitations/{invitation.token}/",
            {"full_name": "Eve", "password1": PASSWORD, "password2": PASSWORD},
        )

    assert (shown.status_code, posted.status_code) == (status, status)
    assert message in shown.content.decode()


@pytest.mark.django_db
def test_an_unknown_link_is_404_with_a_message(client):
    response = client.get("/accounts/invitations/not-a-real-token/")

    assert response.status_code == 404
    assert "This invitation link is not valid." in response.content.decode()


@pytest.mark.django_db
def test_an_existing_account_is_asked_to_sign_in_then_joins(client, contoso):
    existing = partner_user(partner=PartnerFactory(), user__email="sam@contoso.example")
    invitation = InvitationFactory(partner=contoso, email="sam@contoso.example")
    url = f"/accounts/invitations/{invitation.token}/"

    anonymous = client.get(url)
    client.force_login(existing)
    confirm = client.get(url)
    joined = client.post(url)

    assert "You already have an account as sam@contoso.example." in (
        anonymous.content.decode()
    )
    assert (
        f"/accounts/login/?next={url}".replace("/", "%2F").replace(
            "%2Faccounts%2Flogin%2F", "/accounts/login/"
        )
        in anonymous.content.decode()
        or "next=" in anonymous.content.decode()
    )
    assert "Accept the invitation" in confirm.content.decode()
    assert joined.status_code == 302
    assert Membership.objects.filter(user=existing, partner=contoso).exists()


@pytest.mark.django_db
def test_someone_signed_in_as_another_person_is_told_to_sign_out(client, contoso):
    client.force_login(partner_user(partner=contoso))
    invitation = InvitationFactory(partner=contoso, email="sam@contoso.example")

    with nothing_changes():
        shown = client.get(f"/accounts/invitations/{invitation.token}/")
        posted = client.post(
            f"/accounts/invitations/{invitation.token}/",
            {"full_name": "Sam", "password1": PASSWORD, "password2": PASSWORD},
        )

    assert "This invitation is for sam@contoso.example, but you are signed in" in (
        shown.content.decode()
    )
    assert posted.status_code == 200


# --- console: Users -------------------------------------------------------------------


@pytest.mark.django_db
def test_users_page_lists_and_filters_accounts(vendor_client, contoso):
    MembershipFactory(partner=contoso, user__email="sam@contoso.example")
    UserFactory(email="robin@vendor.example", vendor_role="finance")
    UserFactory(email="gone@vendor.example", vendor_role="analyst", is_active=False)

    def emails(query: str) -> list[str]:
        page = vendor_client.get(f"/console/users/{query}").context["page"]
        return [user.email for user in page.object_list]

    assert emails("") == [
        "alex@vendor.example",
        "gone@vendor.example",
        "robin@vendor.example",
        "sam@contoso.example",
    ]
    assert emails("?q=ROBIN") == ["robin@vendor.example"]
    assert emails("?role=partner") == ["sam@contoso.example"]
    assert emails("?role=finance") == ["robin@vendor.example"]
    assert emails("?partner=contoso") == ["sam@contoso.example"]
    assert emails("?status=inactive") == ["gone@vendor.example"]
    assert emails("?role=bogus") == emails("")


@pytest.mark.django_db
def test_users_page_runs_the_same_queries_for_one_row_or_a_full_page(
    vendor_client, django_assert_num_queries
):
    vendor_client.get("/console/users/")

    # session, user, count, page, the page's memberships (with their partners)
    with django_assert_num_queries(5):
        vendor_client.get("/console/users/")
    for _ in range(10):
        partner_user(partner=PartnerFactory())
    with django_assert_num_queries(5):
        response = vendor_client.get("/console/users/")
    assert len(response.context["page"].object_list) == 11
    assert "Partner " in response.content.decode()


@pytest.mark.django_db
def test_users_search_with_htmx_returns_only_the_table(vendor_client):
    response = vendor_client.get("/console/users/?q=alex", headers={"HX-Request": "1"})

    html = response.content.decode()
    assert "alex@vendor.example" in html
    assert "<html" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "vendor_role", ["channel_manager", "channel_marketing", "finance", "analyst"]
)
def test_users_pages_are_for_vendor_admins_only(client, vendor_role):
    staff = VendorUserFactory(vendor_role=vendor_role)
    client.force_login(staff)

    assert client.get("/console/users/").status_code == 403
    assert client.get(f"/console/users/{staff.public_id}/").status_code == 403


@pytest.mark.django_db
def test_vendor_admin_changes_a_staff_members_role_and_territories(vendor_client):
    analyst = UserFactory(vendor_role="analyst")

    response = vendor_client.post(
        f"/console/users/{analyst.public_id}/",
        {"vendor_role": "channel_manager", "territories": "emea, FR"},
    )

    analyst.refresh_from_db()
    assert response.status_code == 302
    assert (analyst.vendor_role, analyst.territories) == (
        "channel_manager",
        ["EMEA", "FR"],
    )


@pytest.mark.django_db
def test_invalid_territories_are_shown_on_the_form(vendor_client):
    manager = UserFactory(vendor_role="channel_manager")

    with nothing_changes():
        response = vendor_client.post(
            f"/console/users/{manager.public_id}/",
            {"vendor_role": "channel_manager", "territories": "Atlantis"},
        )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "territories": ["ATLANTIS is neither a region nor a two-letter country code."]
    }


@pytest.mark.django_db
def test_user_detail_of_a_partner_user_shows_memberships(vendor_client, contoso):
    member = MembershipFactory(partner=contoso, roles=["sales"]).user

    response = vendor_client.get(f"/console/users/{member.public_id}/")

    assert response.context["form"] is None
    assert "Contoso Solutions: Sales" in response.content.decode()


@pytest.mark.django_db
def test_vendor_admin_deactivates_and_reactivates_an_account(vendor_client, contoso):
    member = MembershipFactory(partner=contoso, roles=["sales"]).user

    vendor_client.post(f"/console/users/{member.public_id}/deactivate/")
    member.refresh_from_db()
    was_active = member.is_active
    vendor_client.post(f"/console/users/{member.public_id}/reactivate/")

    member.refresh_from_db()
    assert (was_active, member.is_active) == (False, True)


@pytest.mark.django_db
def test_vendor_admin_cannot_deactivate_themselves_on_the_page(
    vendor_client, vendor_admin
):
    with nothing_changes():
        response = vendor_client.post(
            f"/console/users/{vendor_admin.public_id}/deactivate/", follow=True
        )

    assert "You cannot deactivate your own account." in response.content.decode()


@pytest.mark.django_db
def test_vendor_admin_invites_vendor_staff(vendor_client, committed):
    with committed():
        response = vendor_client.post(
            "/console/users/invite/",
            {"email": "jordan@vendor.example", "vendor_role": "channel_marketing"},
        )

    invitation = Invitation.objects.get()
    assert response["Location"] == "/console/users/invitations/"
    assert (invitation.partner, invitation.vendor_role) == (None, "channel_marketing")
    assert mail.outbox[0].to == ["jordan@vendor.example"]


@pytest.mark.django_db
def test_invitations_page_lists_and_filters_by_status(vendor_client, contoso):
    InvitationFactory(partner=contoso, email="pending@contoso.example")
    InvitationFactory(
        partner=contoso, email="used@contoso.example", accepted_at=timezone.now()
    )

    everything = vendor_client.get("/console/users/invitations/")
    accepted = vendor_client.get("/console/users/invitations/?status=accepted")

    assert len(everything.context["page"].object_list) == 2
    assert [i.email for i in accepted.context["page"].object_list] == [
        "used@contoso.example"
    ]


@pytest.mark.django_db
def test_invitations_page_runs_a_fixed_number_of_queries(
    vendor_client, contoso, django_assert_num_queries
):
    InvitationFactory(partner=contoso, invited_by=UserFactory())
    vendor_client.get("/console/users/invitations/")

    # session, user, count, page (partner and inviter joined)
    with django_assert_num_queries(4):
        vendor_client.get("/console/users/invitations/")
    InvitationFactory.create_batch(
        6, partner=PartnerFactory(), invited_by=UserFactory()
    )
    with django_assert_num_queries(4):
        vendor_client.get("/console/users/invitations/")


@pytest.mark.django_db
def test_vendor_admin_revokes_an_invitation_from_the_console(vendor_client, contoso):
    invitation = InvitationFactory(partner=contoso)

    vendor_client.post(f"/console/users/invitations/{invitation.public_id}/revoke/")

    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert AuditEntry.objects.filter(verb="invitation.revoked").count() == 1


# --- deactivation shuts everything ---------------------------------------------------


@pytest.mark.django_db
def test_a_deactivated_user_is_signed_out_of_every_page(client, contoso):
    seller = partner_user(partner=contoso, roles=["sales"])
    client.force_login(seller)
    assert client.get("/portal/").status_code == 200
    vendor_admin = VendorUserFactory()
    services.user_deactivate(actor=vendor_admin, user=seller)

    portal = client.get("/portal/")
    api = client.get("/api/v1/me")
    assert portal.status_code == 302
    assert portal["Location"] == "/accounts/login/?next=/portal/"
    assert api.status_code == 401


@pytest.mark.django_db
def test_a_deactivated_vendor_admin_can_no_longer_manage_users(client, vendor_admin):
    target = UserFactory(vendor_role="analyst")
    client.force_login(vendor_admin)
    User.objects.filter(pk=vendor_admin.pk).update(is_active=False)

    with nothing_changes():
        response = client.post(f"/console/users/{target.public_id}/deactivate/")

    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_users_page_counts_up_to_a_cap_and_says_more_than(vendor_client, monkeypatch):
    monkeypatch.setattr("openprm.tenancy.team.views.USERS_PER_PAGE", 2)
    monkeypatch.setattr("openprm.core.pagination.CappedPaginator.cap", 3)
    for _ in range(8):
        partner_user(partner=PartnerFactory())
    total = len(vendor_client.get("/console/users/", {"page": 1}).context["page"])

    first = vendor_client.get("/console/users/").content.decode()
    last_number = -(-User.objects.count() // 2)
    last = vendor_client.get("/console/users/", {"page": last_number})

    assert total == 2
    assert "1\u20132 of more than 4" in first
    assert f"of {User.objects.count()}" in last.content.decode()
