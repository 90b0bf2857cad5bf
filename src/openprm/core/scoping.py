"""Partner isolation: which partners' rows a user may see (DESIGN rule 1).

Every read by a user goes through ``Model.objects.visible_to(user)``. The rule
itself (memberships, downstream visibility, channel-manager territories) is resolved
by the accounts app, which registers :func:`set_scope_resolver` at start-up; ``core``
only knows how to turn a scope into a query.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q


@dataclass(frozen=True)
class PartnerScope:
    """The partners whose rows a user may see."""

    everything: bool = False
    # Organisations the user belongs to.
    partner_ids: frozenset[int] = frozenset()
    # Materialised paths of partners whose whole subtree is visible (distributors).
    subtree_paths: tuple[str, ...] = ()
    # A channel manager sees partners assigned to them or in their territories.
    manager_id: int | None = None
    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (
            self.everything
            or self.partner_ids
            or self.subtree_paths
            or self.manager_id
            or self.regions
            or self.countries
        )

    def q(self, partner_field: str = "partner") -> Q:
        """A filter for rows whose partner is at ``partner_field`` ("" for partners)."""
        if self.everything:
            return Q()
        prefix = f"{partner_field}__" if partner_field else ""
        id_field = f"{partner_field}_id" if partner_field else "id"
        condition = Q(pk__in=[])  # matches nothing; the parts below widen it
        if self.partner_ids:
            condition |= Q(**{f"{id_field}__in": sorted(self.partner_ids)})
        for path in self.subtree_paths:
            condition |= Q(**{f"{prefix}path__startswith": path})
        if self.manager_id:
            condition |= Q(**{f"{prefix}channel_manager_id": self.manager_id})
        if self.regions:
            condition |= Q(**{f"{prefix}region__in": self.regions})
        if self.countries:
            condition |= Q(**{f"{prefix}country__in": self.countries})
        return condition

    def includes(self, partner) -> bool:
        """Whether one partner (with path, region, country loaded) is in scope."""
        return (
            self.everything
            or partner.pk in self.partner_ids
            or any(partner.path.startswith(path) for path in self.subtree_paths)
            or (
                self.manager_id is not None
                and partner.channel_manager_id == self.manager_id
            )
            or partner.region in self.regions
            or partner.country in self.countries
        )


NOTHING = PartnerScope()
_resolver: Callable[[object], PartnerScope] | None = None
_admin_resolver: Callable[[object], PartnerScope] | None = None


def set_scope_resolver(resolver: Callable[[object], PartnerScope]) -> None:
    global _resolver
    _resolver = resolver


def set_admin_scope_resolver(resolver: Callable[[object], PartnerScope]) -> None:
    global _admin_resolver
    _admin_resolver = resolver


def scope_for(user) -> PartnerScope:
    """The user's scope, computed once per user object (i.e. once per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    cached = getattr(user, "_openprm_partner_scope", None)
    if cached is None:
        if _resolver is None:
            raise RuntimeError("No partner scope resolver is registered")
        cached = _resolver(user)
        user._openprm_partner_scope = cached
    return cached


def admin_scope_for(user) -> PartnerScope:
    """The partners whose administration records (the audit trail) the user may read:
    everything for a vendor admin, the organisations a partner admin administers
    (a part of :func:`scope_for`), and nothing for anyone else."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    cached = getattr(user, "_openprm_admin_scope", None)
    if cached is None:
        if _admin_resolver is None:
            raise RuntimeError("No admin scope resolver is registered")
        cached = _admin_resolver(user)
        user._openprm_admin_scope = cached
    return cached


class PartnerOwnedQuerySet(models.QuerySet):
    """Rows that belong to a partner: ``visible_to`` applies the user's scope."""

    partner_field = "partner"

    def visible_to(self, user):
        return self.within(scope_for(user))

    def within(self, scope: PartnerScope):
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
