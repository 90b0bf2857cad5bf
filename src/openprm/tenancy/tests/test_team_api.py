import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.accounts.tokens.keys import hash_token, new_token_secret
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy import services
from openprm.tenancy.models import Invitation
from openprm.tenancy.tests.factories import (
    InvitationFactory,
    MembershipFactory,
    partner_user,
)
from openprm.tenancy.tests.team_helpers import nothing_changes


def bearer(user) -> dict:
    secret = new_token_secret()
    token = ApiToken.objects.create(
        user=user, name="script", prefix=secret[:12], key_hash=hash_token(secret)
    )
    # Used just now: authentication then writes nothing, and counts stay exact.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def api(client):
    """Calls the API as a user through a bearer token."""

    class Api:
        def __init__(self):
            self.headers = {}

        def as_user(self, user):
            self.headers = bearer(user)
            return self

        def get(self, path, **query):
            return client.get(f"/api/v1{path}", query, headers=self.headers)

        def send(self, method, path, body=None):
            return client.generic(
                method,
                f"/api/v1{path}",
                data="" if body is None else json.dumps(body),
                content_type="application/json",
                headers=self.headers,
            )

    return Api()


@pytest.fixture
def contoso():
    return PartnerFactory(name="Contoso Solutions")


@pytest.fixture
def admin(contoso):
    return MembershipFactory(partner=contoso, user__email="chris@contoso.example").user


def emails(response) -> list[str]:
    return [item["email"] for item in response.json()["items"]]


# --- users ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_partner_admin_lists_their_members_with_partner_ids(api, admin, contoso):
    seller = MembershipFactory(
        partner=contoso, user__email="sam@contoso.example", roles=["sales"]
    )
    MembershipFactory(user=seller.user, partner=PartnerFactory(), roles=["sales"])
    partner_user(partner=PartnerFactory(), user__email="eve@fabrikam.example")

    response = api.as_user(admin).get("/users")

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 2
    assert emails(response) == ["chris@contoso.example", "sam@contoso.example"]
    sam = body["items"][1]
    assert sam["id"] == str(seller.user.public_id)
    assert sam["memberships"] == [
        {
            "id": seller.pk,
            "partner": contoso.pk,
            "partner_name": "Contoso Solutions",
            "roles": ["sales"],
            "is_active": True,
        }
    ]


@pytest.mark.django_db
def test_vendor_admin_lists_every_user_with_filters(api, contoso):
    vendor_admin = VendorUserFactory(email="alex@vendor.example")
    MembershipFactory(partner=contoso, user__email="sam@contoso.example")
    UserFactory(email="robin@vendor.example", vendor_role="finance", is_active=False)
    api.as_user(vendor_admin)

    assert api.get("/users").json()["count"] == 3
    assert emails(api.get("/users", kind="vendor")) == [
        "alex@vendor.example",
        "robin@vendor.example",
    ]
    assert emails(api.get("/users", vendor_role="finance")) == ["robin@vendor.example"]
    assert emails(api.get("/users", partner=contoso.pk)) == ["sam@contoso.example"]
    assert emails(api.get("/users", is_active="false")) == ["robin@vendor.example"]
    assert emails(api.get("/users", q="SAM")) == ["sam@contoso.example"]
    assert emails(api.get("/users", sort="-email"))[0] == "sam@contoso.example"


@pytest.mark.django_db
def test_an_unknown_sort_or_filter_value_is_a_422_problem(api, admin):
    response = api.as_user(admin).get("/users", sort="password")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "sort"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/users", "/memberships", "/invitations"])
def test_lists_run_a_constant_number_of_queries_whatever_the_page_size(
    api, path, contoso, admin, django_assert_num_queries
):
    InvitationFactory(partner=contoso, email="first@contoso.example")
    api.as_user(admin)
    api.get(path)

    # token with user, the memberships (the team scope and the partner scope of
    # visible_to come from them), count, page (+ the page's memberships for users)
    expected = 5 if path == "/users" else 4
    with django_assert_num_queries(expected):
        one = api.get(path, limit=1)
    for number in range(12):
        MembershipFactory(partner=contoso, roles=["sales"])
        InvitationFactory(partner=contoso, email=f"new{number}@contoso.example")
    with django_assert_num_queries(expected):
        many = api.get(path, limit=100)

    assert len(one.json()["items"]) == 1
    assert len(many.json()["items"]) == 13


@pytest.mark.django_db
def test_vendor_admin_lists_need_no_scope_query(
    api, contoso, django_assert_num_queries
):
    api.as_user(VendorUserFactory())
    InvitationFactory.create_batch(3, partner=contoso)
    api.get("/invitations")

    # token with user, count, page
    with django_assert_num_queries(3):
        response = api.get("/invitations")
    assert response.json()["count"] == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["sales", "marketing", "finance", "learner", "channel_manager", "analyst"]
)
def test_the_team_api_is_closed_to_other_roles(api, contoso, role):
    if role in ("channel_manager", "analyst"):
        caller = VendorUserFactory(vendor_role=role, territories=["DE"])
    else:
        caller = partner_user(partner=contoso, roles=[role])
    member = MembershipFactory(partner=contoso, roles=["sales"])
    api.as_user(caller)

    statuses = [
        api.get("/users").status_code,
        api.get(f"/users/{member.user.public_id}").status_code,
        api.get("/memberships").status_code,
        api.get(f"/memberships/{member.pk}").status_code,
        api.get("/invitations").status_code,
    ]

    assert statuses == [403] * 5


@pytest.mark.django_db
def test_partner_admin_of_a_gets_404_for_everything_of_b(api, admin):
    other = PartnerFactory(name="Fabrikam")
    foreign = MembershipFactory(partner=other, roles=["sales"])
    invitation = InvitationFactory(partner=other)
    api.as_user(admin)

    with nothing_changes():
        responses = [
            api.get(f"/users/{foreign.user.public_id}"),
            api.get(f"/memberships/{foreign.pk}"),
            api.send(
                "PATCH", f"/memberships/{foreign.pk}", {"roles": ["partner_admin"]}
            ),
            api.send("POST", f"/memberships/{foreign.pk}/deactivate"),
            api.get(f"/invitations/{invitation.public_id}"),
            api.send("DELETE", f"/invitations/{invitation.public_id}"),
            api.send("POST", f"/invitations/{invitation.public_id}/resend"),
            api.send(
                "POST",
                "/invitations",
                {
                    "email": "x@fabrikam.example",
                    "partner": other.pk,
                    "roles": ["sales"],
                },
            ),
        ]

    assert [response.status_code for response in responses] == [404] * 8
    assert {response.json()["code"] for response in responses} == {"not_found"}
    assert api.get("/memberships", partner=other.pk).json()["count"] == 0
    assert api.get("/users", partner=other.pk).json()["count"] == 0


@pytest.mark.django_db
def test_a_distributor_admin_gets_404_for_its_resellers_members(api):
    distributor = PartnerFactory(partner_type="distributor", downstream_visibility=True)
    reseller = PartnerFactory(parent=distributor)
    member = MembershipFactory(partner=reseller, roles=["sales"])
    api.as_user(partner_user(partner=distributor))

    assert api.get(f"/memberships/{member.pk}").status_code == 404
    assert api.get("/memberships", partner=reseller.pk).json()["count"] == 0


@pytest.mark.django_db
def test_vendor_admin_changes_a_vendor_role_through_the_api(api):
    analyst = UserFactory(vendor_role="analyst")
    api.as_user(VendorUserFactory())

    response = api.send(
        "PATCH",
        f"/users/{analyst.public_id}",
        {"vendor_role": "channel_manager", "territories": ["emea"]},
    )

    assert response.status_code == 200
    assert response.json()["vendor_role"] == "channel_manager"
    assert response.json()["territories"] == ["EMEA"]


@pytest.mark.django_db
def test_partner_admin_cannot_change_accounts(api, admin, contoso):
    seller = MembershipFactory(partner=contoso, roles=["sales"]).user
    api.as_user(admin)

    with nothing_changes():
        deactivate = api.send("POST", f"/users/{seller.public_id}/deactivate")
        patch = api.send(
            "PATCH", f"/users/{seller.public_id}", {"vendor_role": "vendor_admin"}
        )

    assert (deactivate.status_code, patch.status_code) == (403, 403)


@pytest.mark.django_db
def test_unknown_fields_and_wrong_types_are_rejected(api):
    analyst = UserFactory(vendor_role="analyst")
    api.as_user(VendorUserFactory())

    with nothing_changes():
        unknown = api.send(
            "PATCH",
            f"/users/{analyst.public_id}",
            {"vendor_role": "finance", "is_superuser": True},
        )
        wrong = api.send("PATCH", f"/users/{analyst.public_id}", {"vendor_role": 7})

    assert (unknown.status_code, wrong.status_code) == (422, 422)
    assert unknown.json()["errors"][0]["field"] == "is_superuser"


@pytest.mark.django_db
def test_a_deactivated_account_loses_its_tokens_and_sessions(api, client, contoso):
    seller = partner_user(partner=contoso, roles=["sales"])
    headers = bearer(seller)
    client.force_login(seller)
    assert client.get("/api/v1/me", headers=headers).status_code == 200

    api.as_user(VendorUserFactory()).send(
        "POST", f"/users/{seller.public_id}/deactivate"
    )

    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/portal/").status_code == 302


@pytest.mark.django_db
def test_deactivating_twice_is_a_409_problem(api):
    gone = UserFactory(is_active=False)
    api.as_user(VendorUserFactory())

    response = api.send("POST", f"/users/{gone.public_id}/deactivate")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert response.json()["detail"] == "This account is already deactivated."


# --- memberships ----------------------------------------------------------------------


@pytest.mark.django_db
def test_memberships_carry_their_partner_and_filter_by_role(api, admin, contoso):
    seller = MembershipFactory(
        partner=contoso, user__email="sam@contoso.example", roles=["sales"]
    )
    api.as_user(admin)

    response = api.get("/memberships", role="sales")

    item = response.json()["items"][0]
    assert response.json()["count"] == 1
    assert item["id"] == seller.pk
    assert item["partner"] == contoso.pk
    assert item["user"] == str(seller.user.public_id)
    assert (item["email"], item["roles"], item["is_active"]) == (
        "sam@contoso.example",
        ["sales"],
        True,
    )


@pytest.mark.django_db
def test_partner_admin_changes_roles_and_deactivates_through_the_api(
    api, admin, contoso
):
    seller = MembershipFactory(partner=contoso, roles=["sales"])
    api.as_user(admin)

    patched = api.send(
        "PATCH", f"/memberships/{seller.pk}", {"roles": ["marketing", "sales"]}
    )
    deactivated = api.send("POST", f"/memberships/{seller.pk}/deactivate")
    reactivated = api.send("POST", f"/memberships/{seller.pk}/reactivate")

    assert patched.json()["roles"] == ["sales", "marketing"]
    assert deactivated.json()["is_active"] is False
    assert reactivated.json()["is_active"] is True


@pytest.mark.django_db
def test_removing_the_last_admin_is_a_409_problem(api, admin):
    membership = admin.memberships.get()
    api.as_user(admin)

    with nothing_changes():
        patched = api.send(
            "PATCH", f"/memberships/{membership.pk}", {"roles": ["sales"]}
        )
        deactivated = api.send("POST", f"/memberships/{membership.pk}/deactivate")

    assert (patched.status_code, deactivated.status_code) == (409, 409)
    assert patched.json()["code"] == "last_partner_admin"
    assert patched.json()["detail"] == (
        "Contoso Solutions needs at least one active partner admin: make another "
        "member a partner admin first."
    )


@pytest.mark.django_db
def test_an_unknown_role_is_a_422_problem(api, admin, contoso):
    seller = MembershipFactory(partner=contoso, roles=["sales"])
    api.as_user(admin)

    with nothing_changes():
        response = api.send("PATCH", f"/memberships/{seller.pk}", {"roles": ["boss"]})
        empty = api.send("PATCH", f"/memberships/{seller.pk}", {"roles": []})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "roles.0"
    assert empty.status_code == 422
    assert empty.json()["errors"] == [
        {"field": "roles", "message": "Choose at least one role."}
    ]


# --- invitations ----------------------------------------------------------------------


@pytest.mark.django_db
def test_partner_admin_invites_through_the_api(
    api, admin, contoso, django_capture_on_commit_callbacks
):
    api.as_user(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.send(
            "POST",
            "/invitations",
            {
                "email": "sam@contoso.example",
                "partner": contoso.pk,
                "roles": ["sales"],
            },
        )

    body = response.json()
    invitation = Invitation.objects.get()
    assert response.status_code == 201
    assert body["id"] == str(invitation.public_id)
    assert body["partner"] == contoso.pk
    assert (body["status"], body["roles"]) == ("pending", ["sales"])
    assert body["invited_by"] == str(admin.public_id)
    assert "token" not in body and "token_hash" not in body
    assert mail.outbox[0].to == ["sam@contoso.example"]
    assert "http://testserver/accounts/invitations/" in mail.outbox[0].body


@pytest.mark.django_db
def test_a_second_invitation_is_a_409_problem(api, admin, contoso):
    InvitationFactory(partner=contoso, email="sam@contoso.example")
    api.as_user(admin)

    with nothing_changes():
        response = api.send(
            "POST",
            "/invitations",
            {"email": "sam@contoso.example", "partner": contoso.pk, "roles": ["sales"]},
        )

    assert response.status_code == 409
    assert response.json()["errors"] == [
        {
            "field": "email",
            "message": "An invitation to this address is open already: resend it.",
        }
    ]


@pytest.mark.django_db
def test_partner_admin_cannot_invite_vendor_staff(api, admin):
    api.as_user(admin)

    with nothing_changes():
        response = api.send(
            "POST",
            "/invitations",
            {"email": "x@vendor.example", "vendor_role": "vendor_admin"},
        )

    assert response.status_code == 403


@pytest.mark.django_db
def test_vendor_admin_invites_vendor_staff_through_the_api(api):
    api.as_user(VendorUserFactory())

    response = api.send(
        "POST",
        "/invitations",
        {"email": "robin@vendor.example", "vendor_role": "finance"},
    )

    assert response.status_code == 201
    assert (response.json()["partner"], response.json()["vendor_role"]) == (
        None,
        "finance",
    )


@pytest.mark.django_db
def test_invitations_filter_by_status_and_revoke(api, admin, contoso):
    pending = InvitationFactory(partner=contoso, email="pending@contoso.example")
    InvitationFactory(
        partner=contoso,
        email="expired@contoso.example",
        expires_at=timezone.now() - timedelta(days=1),
    )
    api.as_user(admin)

    expired = api.get("/invitations", status="expired")
    revoked = api.send("DELETE", f"/invitations/{pending.public_id}")
    again = api.send("DELETE", f"/invitations/{pending.public_id}")

    assert emails(expired) == ["expired@contoso.example"]
    assert expired.json()["items"][0]["status"] == "expired"
    assert revoked.status_code == 204
    assert again.status_code == 409
    assert api.get(f"/invitations/{pending.public_id}").json()["status"] == "revoked"


@pytest.mark.django_db
def test_resending_gives_a_new_expiry(api, admin, contoso):
    invitation = InvitationFactory(
        partner=contoso, expires_at=timezone.now() - timedelta(days=1)
    )
    api.as_user(admin)

    response = api.send("POST", f"/invitations/{invitation.public_id}/resend")

    assert response.status_code == 200
    assert response.json()["status"] == "pending"


@pytest.mark.django_db
def test_a_revoked_token_cannot_invite(api, admin, contoso):
    headers = bearer(admin)
    ApiToken.objects.update(revoked_at=timezone.now())
    api.headers = headers

    with nothing_changes():
        response = api.send(
            "POST",
            "/invitations",
            {"email": "x@contoso.example", "partner": contoso.pk, "roles": ["sales"]},
        )

    assert response.status_code == 401


@pytest.mark.django_db
def test_accepting_through_the_service_shows_up_in_the_api(api, admin, contoso):
    invitation = InvitationFactory(partner=contoso, email="sam@contoso.example")
    services.invitation_accept(
        token=invitation.token,
        full_name="Sam",
        password="a long and unusual passphrase",
    )
    api.as_user(admin)

    accepted = api.get("/invitations", status="accepted").json()["items"]

    assert [item["email"] for item in accepted] == ["sam@contoso.example"]
    assert accepted[0]["accepted_at"] is not None
    assert "sam@contoso.example" in emails(api.get("/users"))


# --- accepting an invitation ----------------------------------------------------------

PASSWORD = "a long and unusual passphrase"


@pytest.mark.django_db
def test_accepting_an_invitation_through_the_api_creates_the_member(api, contoso):
    invitation = InvitationFactory(
        partner=contoso, email="sam@contoso.example", roles=["sales", "finance"]
    )

    response = api.send(
        "POST",
        "/invitations/accept",
        {"token": invitation.token, "full_name": "Sam Reyes", "password": PASSWORD},
    )

    invitation.refresh_from_db()
    member = invitation.accepted_by
    assert response.status_code == 201
    assert response.json() == {
        "user": str(member.public_id),
        "email": "sam@contoso.example",
        "full_name": "Sam Reyes",
        "vendor_role": "",
    }
    assert member.check_password(PASSWORD)
    assert invitation.accepted_at is not None
    assert list(member.memberships.values_list("partner_id", "roles")) == [
        (contoso.pk, ["sales", "finance"])
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"accepted_at": timezone.now()},
            "This invitation has already been used. Sign in with the account it "
            "created.",
        ),
        (
            {"expires_at": timezone.now() - timedelta(minutes=1)},
            "This invitation has expired. Ask the person who invited you to send it "
            "again.",
        ),
    ],
    ids=["used", "expired"],
)
def test_a_used_or_expired_invitation_is_a_422_on_the_token(
    api, contoso, change, message
):
    invitation = InvitationFactory(partner=contoso, email="sam@contoso.example")
    Invitation.objects.filter(pk=invitation.pk).update(**change)

    with nothing_changes():
        response = api.send(
            "POST",
            "/invitations/accept",
            {"token": invitation.token, "full_name": "Sam", "password": PASSWORD},
        )

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "token", "message": message}]


@pytest.mark.django_db
def test_an_unknown_token_is_a_422_on_the_token(api):
    with nothing_changes():
        response = api.send(
            "POST",
            "/invitations/accept",
            {"token": "not-a-token", "full_name": "Sam", "password": PASSWORD},
        )

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["token"]


@pytest.mark.django_db
def test_a_weak_password_or_a_blank_name_is_a_422_on_that_field(api, contoso):
    invitation = InvitationFactory(partner=contoso, email="sam@contoso.example")

    with nothing_changes():
        weak = api.send(
            "POST",
            "/invitations/accept",
            {"token": invitation.token, "full_name": "Sam", "password": "password"},
        )
        nameless = api.send(
            "POST",
            "/invitations/accept",
            {"token": invitation.token, "full_name": "  ", "password": PASSWORD},
        )

    assert weak.status_code == 422
    assert {error["field"] for error in weak.json()["errors"]} == {"password"}
    assert nameless.status_code == 422
    assert nameless.json()["errors"] == [
        {"field": "full_name", "message": "Tell us your name."}
    ]


@pytest.mark.django_db
def test_an_incomplete_accept_request_is_a_422(api, contoso):
    invitation = InvitationFactory(partner=contoso)

    with nothing_changes():
        response = api.send(
            "POST",
            "/invitations/accept",
            {"token": invitation.token, "password": PASSWORD, "role": "admin"},
        )

    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == {
        "full_name",
        "role",
    }
