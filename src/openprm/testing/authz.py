"""The authorization matrix: every web route and API operation, every kind of actor.

Each app declares the policy of its routes in ``<app>/tests/policies.py`` as a list
``POLICIES`` of :class:`Policy`. ``tests/test_authorization_matrix.py`` fails when a
route or operation has no policy, and checks every declared policy against every actor:

- ``anonymous``; each vendor role (``vendor_admin``, ``channel_manager`` — assigned to
  no partner —, ``channel_marketing``, ``finance``, ``analyst``);
- each partner role of the **owning** partner (``owner_partner_admin``, ``owner_sales``,
  ``owner_marketing``, ``owner_finance``, ``owner_learner``);
- ``other_partner_admin`` (a partner beside the owner), ``distributor_admin`` (partner
  admin of the distributor above the owner, granted downstream visibility);
- ``deactivated`` (a vendor admin whose account was deactivated) and, for the API,
  ``revoked_token`` (a vendor admin's revoked token).

Outcomes: ``ALLOW`` (any status below 400 that is not a sign-in redirect), ``LOGIN``
(web: redirect to sign-in; API: 401), ``FORBID`` (403) and ``HIDE`` (404: someone
else's object is never revealed). After a refused unsafe request the harness checks
that no audit entry and no outbox event was written; after an allowed one, that the
action happened (an audit entry or an event was written, or the policy's own
``happened`` check holds), so a form that merely showed its errors again does not
pass for an allowed write.

The expectation builders take the app's declared rule (``core.permissions.Rule``)
instead of restating its roles: ``gated(rule=permissions.REVIEW, owner_only=True)``.
"""

import enum
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from openprm.accounts.choices import VendorRole
from openprm.core.permissions import Rule
from openprm.tenancy.choices import PartnerRole


class Outcome(enum.Enum):
    ALLOW = "allow"
    LOGIN = "login"
    FORBID = "forbid"
    HIDE = "hide"


ALLOW, LOGIN, FORBID, HIDE = Outcome.ALLOW, Outcome.LOGIN, Outcome.FORBID, Outcome.HIDE

VENDOR_ACTORS = {
    "vendor_admin": VendorRole.VENDOR_ADMIN,
    "channel_manager": VendorRole.CHANNEL_MANAGER,
    "channel_marketing": VendorRole.CHANNEL_MARKETING,
    "finance": VendorRole.FINANCE,
    "analyst": VendorRole.ANALYST,
}
OWNER_ACTORS = {
    "owner_partner_admin": PartnerRole.PARTNER_ADMIN,
    "owner_sales": PartnerRole.SALES,
    "owner_marketing": PartnerRole.MARKETING,
    "owner_finance": PartnerRole.FINANCE,
    "owner_learner": PartnerRole.LEARNER,
}
OTHER_ACTORS = ["other_partner_admin", "distributor_admin"]
SIGNED_OUT_ACTORS = ["anonymous", "deactivated"]
WEB_ACTORS = [*SIGNED_OUT_ACTORS, *VENDOR_ACTORS, *OWNER_ACTORS, *OTHER_ACTORS]
API_ACTORS = [*WEB_ACTORS, "revoked_token"]
PARTNER_ACTORS = [*OWNER_ACTORS, *OTHER_ACTORS]


@dataclass
class World:
    """The cast of one matrix check: partners and one user per actor."""

    owner: Any  # the partner that owns the object under test (a reseller)
    distributor: Any  # the distributor above the owner, seeing downstream
    other: Any  # another partner, beside the owner
    users: dict[str, Any]
    tokens: dict[str, str]


Expectation = Callable[[str], Outcome]


@dataclass
class Policy:
    """The declared access rule of one route (``web:<name>``) or API operation
    (``api:<METHOD> <path>``), and how to exercise it."""

    key: str
    expect: Expectation
    method: str = "GET"
    # Makes the object the route acts on, owned by world.owner; called afresh for
    # each actor so that one actor's delete cannot hide another's outcome.
    make: Callable[[World], Any] | None = None
    # URL arguments, from the object (or None when there is no ``make``).
    kwargs: Callable[[Any], dict] | None = None
    # Form or JSON body for unsafe methods.
    data: Callable[[Any], dict] | None = None
    # Extra query string, e.g. "?q=x".
    query: str = ""
    # The URL itself, for an unnamed route that cannot be reversed.
    url: str = ""
    # Files for a multipart request (an upload): called afresh for each actor.
    files: Callable[[Any], dict] | None = None
    # For an allowed unsafe request, whether the action happened; by default an
    # audit entry or an outbox event was written (every business action writes
    # one). An action that writes neither (marking a notification read) says how
    # to tell, from the object.
    happened: Callable[[Any], bool] | None = None
    # Skip these actors (with a reason in the policy file) — rarely needed.
    skip: Iterable[str] = field(default_factory=tuple)


# --- expectation builders


def public() -> Expectation:
    """Anyone, signed in or not."""
    return lambda actor: ALLOW


def signed_in() -> Expectation:
    """Any active, signed-in user."""
    return lambda actor: (
        LOGIN if actor in (*SIGNED_OUT_ACTORS, "revoked_token") else ALLOW
    )


def signed_in_hidden() -> Expectation:
    """A signed-in user's own resource that the harness's users do not have (e.g.
    recovery codes before MFA is set up): signed-out actors go to sign-in, every
    signed-in actor gets 404 — never someone else's."""
    return lambda actor: (
        LOGIN if actor in (*SIGNED_OUT_ACTORS, "revoked_token") else HIDE
    )


def _roles(rule: Rule | None, vendor_roles, partner_roles) -> tuple[set, set]:
    """The roles an expectation allows: the rule's, or those given."""
    if rule is not None:
        return set(rule.vendor), set(rule.partner)
    return set(vendor_roles), set(partner_roles)


def vendor(*roles: str, rule: Rule | None = None) -> Expectation:
    """Vendor staff with one of ``roles`` or of the ``rule``'s vendor roles (all
    vendor roles when neither is given); everyone else signed in gets 403."""
    allowed = _roles(rule, roles, ())[0] or set(VENDOR_ACTORS.values())

    def expect(actor: str) -> Outcome:
        if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
            return LOGIN
        if actor in VENDOR_ACTORS and VENDOR_ACTORS[actor] in allowed:
            return ALLOW
        return FORBID

    return expect


def partner_area(*roles: str, rule: Rule | None = None) -> Expectation:
    """Partner users (of any partner) with one of ``roles`` or of the ``rule``'s
    partner roles (any role when neither is given); vendor staff and other roles get
    403. For pages of the user's own organisation."""
    allowed = _roles(rule, (), roles)[1] or set(OWNER_ACTORS.values())

    def expect(actor: str) -> Outcome:
        if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
            return LOGIN
        if actor in OWNER_ACTORS:
            return ALLOW if OWNER_ACTORS[actor] in allowed else FORBID
        if actor in OTHER_ACTORS:
            return ALLOW if PartnerRole.PARTNER_ADMIN in allowed else FORBID
        return FORBID

    return expect


def owned(
    *,
    rule: Rule | None = None,
    partner_roles: Iterable[str] = (),
    vendor_roles: Iterable[str] = (),
    distributor: bool = True,
    hidden_role_outcome: Outcome = FORBID,
) -> Expectation:
    """An object of world.owner. The owner's users with ``partner_roles`` and vendor
    staff with ``vendor_roles`` (or the ``rule``'s) are allowed (the unassigned
    channel manager never sees it); the distributor above is allowed when
    ``distributor``; another partner gets 404. Owner users without the role and
    vendor staff without the role get ``hidden_role_outcome``."""
    vendor_roles, partner_roles = _roles(rule, vendor_roles, partner_roles)

    def expect(actor: str) -> Outcome:
        if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
            return LOGIN
        if actor == "channel_manager":
            return HIDE
        if actor in VENDOR_ACTORS:
            return (
                ALLOW if VENDOR_ACTORS[actor] in vendor_roles else hidden_role_outcome
            )
        if actor in OWNER_ACTORS:
            return (
                ALLOW if OWNER_ACTORS[actor] in partner_roles else hidden_role_outcome
            )
        if actor == "distributor_admin":
            return ALLOW if distributor else HIDE
        return HIDE  # other_partner_admin

    return expect


def gated(
    *,
    rule: Rule | None = None,
    vendor_roles: Iterable[str] = (),
    partner_roles: Iterable[str] = (),
    owner_only: bool = False,
) -> Expectation:
    """A page or operation gated by role before any object is looked up: vendor
    staff with ``vendor_roles`` and partner users holding one of ``partner_roles``
    (or the ``rule``'s) in their own organisation pass; everyone else signed in gets
    403, whatever the object. With ``owner_only`` the object belongs to world.owner,
    and past the gate users of other partners (the distributor above included) get
    404."""
    vendor_roles, partner_roles = _roles(rule, vendor_roles, partner_roles)

    def expect(actor: str) -> Outcome:
        if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
            return LOGIN
        if actor in VENDOR_ACTORS:
            return ALLOW if VENDOR_ACTORS[actor] in vendor_roles else FORBID
        if actor in OWNER_ACTORS:
            return ALLOW if OWNER_ACTORS[actor] in partner_roles else FORBID
        # other_partner_admin and distributor_admin hold the partner admin role.
        if PartnerRole.PARTNER_ADMIN not in partner_roles:
            return FORBID
        return HIDE if owner_only else ALLOW

    return expect


def superuser_admin() -> Expectation:
    """The Django admin: the harness's vendor admin is not a superuser, so everyone
    is sent to the admin sign-in page."""
    return lambda actor: LOGIN


# --- discovery


def declared_policies() -> dict[str, Policy]:
    """Every ``POLICIES`` list found in ``openprm.<app>.tests.policies``."""
    found: dict[str, Policy] = {}
    for app_config in apps.get_app_configs():
        if not app_config.name.startswith("openprm."):
            continue
        try:
            module = importlib.import_module(f"{app_config.name}.tests.policies")
        except ModuleNotFoundError as error:
            if error.name != f"{app_config.name}.tests.policies":
                raise
            continue
        for policy in module.POLICIES:
            if policy.key in found:
                raise ValueError(f"Policy {policy.key!r} is declared twice")
            found[policy.key] = policy
    return found


def _walk(resolver: URLResolver, namespace: str = "", prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}{entry.namespace}:"
            yield from _walk(entry, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield namespace, entry, prefix + str(entry.pattern)


def web_route_keys(urlconf: str | None = None) -> dict[str, str]:
    """``web:<name>`` (or ``web:<route>`` when unnamed) of every web URL pattern,
    excluding the API's operations (covered through the OpenAPI schema)."""
    keys = {}
    for namespace, pattern, route in _walk(get_resolver(urlconf)):
        if namespace.startswith("api:") and pattern.name not in API_DOC_VIEWS:
            continue
        name = f"{namespace}{pattern.name}" if pattern.name else route
        keys[f"web:{name}"] = route
    return keys


API_DOC_VIEWS = {"openapi-json", "openapi-view"}


def api_operation_keys() -> list[str]:
    """``api:<METHOD> <path>`` of every operation in the OpenAPI schema."""
    from openprm.api import api

    schema = api.get_openapi_schema()
    return sorted(
        f"api:{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
    )


def wildcard_match(key: str, policies: dict[str, Policy]) -> Policy | None:
    """The policy for ``key``: exact, else the longest ``prefix*`` declaration."""
    if key in policies:
        return policies[key]
    candidates = [
        policy
        for declared, policy in policies.items()
        if declared.endswith("*") and key.startswith(declared[:-1])
    ]
    return max(candidates, key=lambda policy: len(policy.key), default=None)


def missing_policies(urlconf: str | None = None) -> list[str]:
    """Routes and operations that have no declared policy."""
    policies = declared_policies()
    keys = [*web_route_keys(urlconf), *api_operation_keys()]
    return sorted(key for key in keys if wildcard_match(key, policies) is None)
