"""Who may do what: each app declares the rule of each of its actions once.

An app's ``permissions.py`` holds its rules::

    REVIEW = Rule("deals.review", vendor=[VendorRole.VENDOR_ADMIN, ...])
    WORK = Rule("deals.work", partner=[PartnerRole.PARTNER_ADMIN, PartnerRole.SALES])

Pages (``core.web``), endpoints (``core.api``) and services check the same object
(``REVIEW.ensure(user)``), and the authorization matrix derives its expected outcomes
from it (``openprm.testing.authz``), so a test policy is not a hand copy of the check
it tests. A rule is the role gate only (403); whether the object is in the reader's
partner scope (404 otherwise) is the selectors' business.

Which partner roles a user holds is kept by the app that keeps memberships; it
registers :func:`set_partner_roles_resolver` at start-up, since ``core`` imports no app.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from openprm.core.errors import PermissionDenied, ValidationFailed

# A user's partner roles by organisation: {partner id: roles held there}.
PartnerRoles = Mapping[int, frozenset[str]]

T = TypeVar("T")
_MISSING = object()
_declared: dict[str, "Rule"] = {}
_partner_roles_resolver: Callable[[object], PartnerRoles] | None = None


def is_active_user(user) -> bool:
    """Signed in with an account that is still active."""
    return bool(user is not None and user.is_authenticated and user.is_active)


@dataclass(frozen=True)
class Rule:
    """Who may do one action: vendor staff holding one of ``vendor`` roles, partner
    users holding one of ``partner`` roles in the organisation concerned."""

    action: str
    vendor: frozenset[str] = field(default_factory=frozenset)
    partner: frozenset[str] = field(default_factory=frozenset)

    def __init__(
        self, action: str, *, vendor: Iterable[str] = (), partner: Iterable[str] = ()
    ):
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "vendor", frozenset(vendor))
        object.__setattr__(self, "partner", frozenset(partner))
        if action in _declared and _declared[action] != self:
            raise ValueError(f"The rule {action!r} is declared twice")
        _declared[action] = self

    def allows(self, user, *, partner_id: int | None = None) -> bool:
        """Whether ``user`` may: vendor staff by their role; partner users by their
        roles in ``partner_id``, or in any of their organisations when it is None."""
        if not is_active_user(user):
            return False
        if user.is_vendor_staff:
            return user.vendor_role in self.vendor
        if not self.partner:
            return False
        if partner_id is not None:
            return bool(
                partner_roles_of(user).get(partner_id, frozenset()) & self.partner
            )
        return bool(self.partner_ids(user))

    def allows_roles(
        self, *, vendor_role: str | None = None, partner_roles: Iterable[str] = ()
    ) -> bool:
        """Whether the rule admits a holder of these roles, with nothing looked up:
        what the navigation asks on every page, from the roles the page already
        holds (the user's vendor role, or the portal membership's roles)."""
        if vendor_role is not None:
            return vendor_role in self.vendor
        return not self.partner.isdisjoint(partner_roles)

    def ensure(self, user, *, partner_id: int | None = None) -> None:
        """Refuse (403) a user the rule does not allow."""
        if not self.allows(user, partner_id=partner_id):
            raise PermissionDenied

    def acting_partner_id(self, user, partner_id: int | None, *, refusal) -> int:
        """The organisation a partner user acts for through the API: the one
        given, else their only one where the rule allows them (403 without the
        roles anywhere; 422 on ``partner`` for one not theirs, or for none given
        when they hold the roles in several, ``refusal`` saying so)."""
        self.ensure(user)
        allowed = self.partner_ids(user)
        if partner_id is None and len(allowed) == 1:
            return next(iter(allowed))
        if partner_id is None or partner_id not in allowed:
            raise ValidationFailed(field_errors={"partner": [str(refusal)]})
        return partner_id

    def partner_ids(self, user) -> frozenset[int]:
        """The organisations where a partner user holds one of the rule's roles."""
        if not is_active_user(user) or user.is_vendor_staff:
            return frozenset()
        return frozenset(
            partner_id
            for partner_id, roles in partner_roles_of(user).items()
            if roles & self.partner
        )


def declared_rules() -> dict[str, Rule]:
    """Every rule declared so far, by action name."""
    return dict(_declared)


def set_partner_roles_resolver(resolver: Callable[[object], PartnerRoles]) -> None:
    global _partner_roles_resolver
    _partner_roles_resolver = resolver


def reader_fact(user, name: str, load: Callable[[], T]) -> T:
    """A fact about the reader (their memberships, their roles) read once per user
    object, that is once per request, and shared by every page part and provider
    that asks for it; :func:`forget_reader_facts` drops it. Never across requests:
    the next request loads its own user object."""
    attribute = f"_openprm_{name}"
    # getattr, not vars(): a request's user is a lazy object around the user.
    found = getattr(user, attribute, _MISSING)
    if found is _MISSING:
        found = load()
        setattr(user, attribute, found)
    return found


def partner_roles_of(user) -> PartnerRoles:
    """The user's roles in each organisation of their active memberships, resolved
    once per user object (that is, once per request)."""
    if not is_active_user(user) or user.is_vendor_staff:
        return {}
    if _partner_roles_resolver is None:
        raise RuntimeError("No partner roles resolver is registered")
    return reader_fact(user, "partner_roles", lambda: _partner_roles_resolver(user))


def forget_reader_facts(user) -> None:
    """Drop what was resolved about a user object (roles, scopes) after its roles
    changed, so that the next check resolves them again."""
    # A request's lazy user keeps the facts on the user inside it (reader_fact
    # sets them through it); one not yet loaded holds none.
    target = vars(user).get("_wrapped", user)
    for name in [
        name for name in getattr(target, "__dict__", ()) if name.startswith("_openprm_")
    ]:
        delattr(target, name)
