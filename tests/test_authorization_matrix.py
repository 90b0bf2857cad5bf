"""The authorization matrix (see openprm.testing.authz): coverage, then every policy
against every actor."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import UserFactory
from openprm.accounts.tokens.keys import hash_token, new_token_secret
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory
from openprm.testing import authz

POLICIES = authz.declared_policies()
WEB_KEYS = authz.web_route_keys()
API_KEYS = authz.api_operation_keys()
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def build_world() -> authz.World:
    distributor = PartnerFactory(
        name="Matrix Distributor",
        partner_type="distributor",
        downstream_visibility=True,
    )
    owner = PartnerFactory(name="Matrix Owner", parent=distributor)
    other = PartnerFactory(name="Matrix Other")
    users = {}
    for actor, role in authz.VENDOR_ACTORS.items():
        users[actor] = UserFactory(email=f"{actor}@vendor.example", vendor_role=role)
    for actor, role in authz.OWNER_ACTORS.items():
        users[actor] = MembershipFactory(
            user__email=f"{actor}@owner.example", partner=owner, roles=[role]
        ).user
    users["other_partner_admin"] = MembershipFactory(
        user__email="admin@other.example", partner=other
    ).user
    users["distributor_admin"] = MembershipFactory(
        user__email="admin@distributor.example", partner=distributor
    ).user
    users["deactivated"] = UserFactory(
        email="gone@vendor.example", vendor_role="vendor_admin"
    )
    users["revoked_token"] = UserFactory(
        email="revoked@vendor.example", vendor_role="vendor_admin"
    )
    tokens = {}
    for actor, user in users.items():
        secret = new_token_secret()
        ApiToken.objects.create(
            user=user, name="matrix", prefix=secret[:12], key_hash=hash_token(secret)
        )
        tokens[actor] = secret
    # Deactivated after sign-in: the session and token must stop working.
    users["deactivated"].is_active = False
    users["deactivated"].save()
    ApiToken.objects.filter(user=users["revoked_token"]).update(
        revoked_at=timezone.now()
    )
    return authz.World(
        owner=owner, distributor=distributor, other=other, users=users, tokens=tokens
    )


def outcome_of(response, *, api: bool) -> authz.Outcome:
    if api and response.status_code == 401:
        return authz.LOGIN
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        if location.startswith(("/accounts/login/", "/admin/login/")):
            return authz.LOGIN
    if response.status_code == 403:
        return authz.FORBID
    if response.status_code == 404:
        return authz.HIDE
    if response.status_code < 400:
        return authz.ALLOW
    raise AssertionError(f"unexpected status {response.status_code}")


def sample_kwargs(route: str) -> dict:
    """Placeholder arguments for a route whose policy gives none."""
    return {name: "1" for name in re.findall(r"<(?:\w+:)?(\w+)>", route)}


def web_url(key: str, policy: authz.Policy, obj) -> str:
    if policy.url:
        return policy.url
    name = key.removeprefix("web:")
    kwargs = policy.kwargs(obj) if policy.kwargs else sample_kwargs(WEB_KEYS[key])
    try:
        return reverse(name, kwargs=kwargs) + policy.query
    except NoReverseMatch:  # an unnamed route: fill its arguments in by hand
        route = WEB_KEYS[key]
        return "/" + re.sub(r"<(?:\w+:)?\w+>", "1", route)


def api_url(key: str, policy: authz.Policy, obj) -> tuple[str, str]:
    method, path = key.removeprefix("api:").split(" ", 1)
    kwargs = policy.kwargs(obj) if policy.kwargs else {}
    for name, value in kwargs.items():
        path = path.replace("{" + name + "}", str(value))
    return method, path + policy.query


def check(client, world: authz.World, key: str, policy: authz.Policy) -> list[str]:
    api = key.startswith("api:")
    actors = authz.API_ACTORS if api else authz.WEB_ACTORS
    mismatches = []
    for actor in actors:
        if actor in policy.skip:
            continue
        obj = policy.make(world) if policy.make else None
        client.logout()
        headers = {}
        if api:
            method, url = api_url(key, policy, obj)
            if actor != "anonymous":
                headers["Authorization"] = f"Bearer {world.tokens[actor]}"
        else:
            method, url = policy.method, web_url(key, policy, obj)
            if actor != "anonymous":
                client.force_login(world.users[actor])
        audits, outbox = AuditEntry.objects.count(), OutboxEvent.objects.count()
        data = policy.data(obj) if policy.data else None
        if policy.files:  # an upload: a real multipart request
            response = client.post(
                url, data={**(data or {}), **policy.files(obj)}, headers=headers
            )
        else:
            response = client.generic(
                method,
                url,
                data=_encode(data, api=api),
                content_type="application/json" if api else _form_type(data),
                headers=headers,
            )
        expected = policy.expect(actor)
        actual = outcome_of(response, api=api)
        if actual != expected:
            mismatches.append(
                f"{actor}: expected {expected.value}, got {actual.value} "
                f"({method} {url} -> {response.status_code})"
            )
        elif method in UNSAFE:
            wrote = (AuditEntry.objects.count(), OutboxEvent.objects.count()) != (
                audits,
                outbox,
            )
            if actual != authz.ALLOW and wrote:
                mismatches.append(f"{actor}: refused {method} {url} still wrote rows")
            if actual == authz.ALLOW:
                happened = policy.happened(obj) if policy.happened else wrote
                if not happened:
                    mismatches.append(
                        f"{actor}: allowed {method} {url} "
                        f"({response.status_code}) did nothing"
                    )
    return mismatches


def _encode(data, *, api: bool):
    import json
    from urllib.parse import urlencode

    if data is None:
        return ""
    return json.dumps(data) if api else urlencode(data, doseq=True)


def _form_type(data) -> str:
    return "application/x-www-form-urlencoded" if data is not None else "text/plain"


def test_every_route_and_operation_has_a_policy():
    assert authz.missing_policies() == []


def test_a_route_added_without_a_policy_is_reported():
    missing = authz.missing_policies("tests.urls_with_unprotected_route")

    assert missing == ["web:unprotected-report"]


ALL_KEYS = sorted([*WEB_KEYS, *API_KEYS])


@pytest.fixture(scope="module")
def cast(django_db_setup, django_db_blocker):
    """The matrix's partners, users and tokens, written once for the module.

    Building them for each of the ~1,000 checks was most of the suite's time. They
    are written in an outer transaction that is rolled back after the last check;
    each check runs inside it (a savepoint, rolled back after the check), so what a
    check writes never reaches the next one.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        yield (
            {"owner": world.owner.pk, "distributor": world.distributor.pk},
            {"other": world.other.pk},
            {actor: user.pk for actor, user in world.users.items()},
            world.tokens,
        )
        transaction.set_rollback(True)


def fresh_world(cast) -> authz.World:
    """The cast read again from the database, so that no check sees Python objects
    another check changed."""
    related, other, user_ids, tokens = cast
    partners = Partner.objects.in_bulk([*related.values(), *other.values()])
    users = get_user_model().objects.in_bulk(user_ids.values())
    return authz.World(
        owner=partners[related["owner"]],
        distributor=partners[related["distributor"]],
        other=partners[other["other"]],
        users={actor: users[pk] for actor, pk in user_ids.items()},
        tokens=tokens,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("key", ALL_KEYS)
def test_policy_holds_for_every_actor(client, cast, key):
    policy = authz.wildcard_match(key, POLICIES)
    if policy is None:
        pytest.fail(f"{key} has no declared policy")
    world = fresh_world(cast)

    assert check(client, world, key, policy) == []
