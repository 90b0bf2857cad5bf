"""Partner isolation: which partners' rows a user may see (DESIGN rule 1).

Every read by a user goes through ``Model.objects.visible_to(user)``. Who sees which
partners (memberships, downstream visibility, channel-manager territories) is decided
by the tenancy app and what a scope holds by the partners app
(``partners.scoping.PartnerScope``); tenancy registers the resolvers at start-up,
since ``core`` imports no app. ``core`` only caches the answer and turns it into a
query (:class:`Scope`).
"""

from collections.abc import Callable
from typing import Protocol

from django.db import models
from django.db.models import Q

from openprm.core.permissions import is_active_user


class Scope(Protocol):
    """What the kernel asks of a scope (the partners app's ``PartnerScope``)."""

    everything: bool

    @property
    def is_empty(self) -> bool: ...

    def q(self, partner_field: str = "partner") -> Q:
        """A filter for rows whose partner is at ``partner_field`` ("" for partners)."""

    def id_q(self, id_field: str) -> Q:
        """A filter on a plain partner id column (no foreign key)."""

    def includes(self, partner) -> bool:
        """Whether one partner is in scope."""

    def of_organisation(self, partner) -> "Scope":
        """The scope of ``partner`` itself: it, and beneath it when it sees
        downstream (what its portal shows)."""


# A resolver answers for an active user, and with the empty scope for None (a reader
# who is signed out or whose account is deactivated).
ScopeResolver = Callable[[object], Scope]

_resolver: ScopeResolver | None = None
_admin_resolver: ScopeResolver | None = None


def set_scope_resolver(resolver: ScopeResolver) -> None:
    global _resolver
    _resolver = resolver


def set_admin_scope_resolver(resolver: ScopeResolver) -> None:
    global _admin_resolver
    _admin_resolver = resolver


def _resolved(user, attribute: str, resolver: ScopeResolver | None, what: str):
    """``resolver``'s answer for ``user``, computed once per user object (that is,
    once per request) and kept on it as ``attribute``."""
    if resolver is None:
        raise RuntimeError(f"No {what} resolver is registered")
    if not is_active_user(user):
        return resolver(None)
    cached = getattr(user, attribute, None)
    if cached is None:
        cached = resolver(user)
        setattr(user, attribute, cached)
    return cached


def scope_for(user) -> Scope:
    """The partners whose rows the user may see."""
    return _resolved(user, "_openprm_partner_scope", _resolver, "partner scope")


def admin_scope_for(user) -> Scope:
    """The partners whose administration records (the audit trail) the user may read:
    everything for a vendor admin, the organisations a partner admin administers
    (a part of :func:`scope_for`), and nothing for anyone else."""
    return _resolved(user, "_openprm_admin_scope", _admin_resolver, "admin scope")


class PartnerOwnedQuerySet(models.QuerySet):
    """Rows that belong to a partner: ``visible_to`` applies the user's scope."""

    partner_field = "partner"

    def visible_to(self, user):
        return self.within(scope_for(user))

    def within(self, scope: Scope):
        """The rows of the partners in ``scope`` (a cached list's reader context
        holds the scope, not the user)."""
        if scope.is_empty:
            return self.none()
        return self.filter(scope.q(self.partner_field))


class PartnerOwnedModel(models.Model):
    """Base for every row a partner owns: carries ``partner`` and is scoped by it."""

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", db_index=True
    )

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def owning_partner_id(self) -> int:
        return self.partner_id
