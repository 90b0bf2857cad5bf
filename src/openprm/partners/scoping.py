"""What a partner scope is: the partners whose rows a user may see, as the columns of
the partner table express them (membership, hierarchy path, channel manager,
territory). Who gets which scope is the tenancy app's rule (``tenancy.scoping``);
the kernel caches it and filters by it (``core.scoping``)."""

from dataclasses import dataclass

from django.db.models import Q

from openprm.partners.models import Partner


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

    def id_q(self, id_field: str) -> Q:
        """A filter on a plain partner id column (audit entries keep the id without a
        foreign key, so that history outlives the partner row)."""
        if self.everything:
            return Q()
        if self.partner_ids and self == PartnerScope(partner_ids=self.partner_ids):
            return Q(**{f"{id_field}__in": sorted(self.partner_ids)})
        # Subtrees, managers and territories are properties of the partner rows.
        return Q(**{f"{id_field}__in": Partner.objects.filter(self.q("")).values("pk")})

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

    @staticmethod
    def of_organisation(partner) -> "PartnerScope":
        """The scope of ``partner`` itself: it, and the partners beneath it when it
        sees downstream (what its portal shows)."""
        return PartnerScope(
            partner_ids=frozenset({partner.pk}),
            subtree_paths=(partner.path,) if partner.downstream_visibility else (),
        )


NOTHING = PartnerScope()
