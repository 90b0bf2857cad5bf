"""Reads of the partner lifecycle pages and endpoints, scoped to the reader: the
partner acted on, the parents it could move beneath, duplicate candidates and what
a merge would move."""

from uuid import UUID

from django.db.models import Prefetch, Q

from openprm.core.errors import NotFound
from openprm.partners import duplicates
from openprm.partners.models import Partner, PartnerDomain

# At most this many partners are compared by rapidfuzz in one duplicate search.
DUPLICATE_PREFILTER_LIMIT = 500
PARENT_CHOICES_LIMIT = 20


def partner_get_for_lifecycle(*, user, public_id: UUID) -> Partner:
    """A partner the user may see, by its public id; 404 for any other."""
    try:
        return (
            Partner.objects.visible_to(user)
            .select_related("parent")
            .get(public_id=public_id)
        )
    except (Partner.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound from error


def partner_parent_choices(*, user, partner: Partner, search: str) -> list[Partner]:
    """Partners the user may see whose name contains ``search``, that ``partner``
    could be placed beneath (not itself nor one beneath it)."""
    if not search:
        return []
    return list(
        Partner.objects.visible_to(user)
        .filter(name__icontains=search)
        .exclude(path__startswith=partner.path)
        .order_by("name", "id")[:PARENT_CHOICES_LIMIT]
    )


def partner_duplicates_find(
    *,
    name: str,
    website: str = "",
    exclude: Partner | None = None,
    user=None,
) -> list[duplicates.DuplicateCandidate]:
    """Existing partners that may be the organisation ``name`` at ``website``.

    Bounded work: SQL keeps the partners whose name starts like the normalised
    name's first word (``duplicates.name_block``) or whose website or domains
    hold the same host (at most DUPLICATE_PREFILTER_LIMIT), then rapidfuzz scores
    those alone. The CRM sync files records by the same keys
    (``duplicates.BlockingIndex``)."""
    block = duplicates.name_block(name)
    host = duplicates.website_host(website)
    condition = Q(pk__in=[])
    if block:
        condition |= Q(name__istartswith=block)
    if host:
        condition |= Q(website__icontains=host) | Q(
            pk__in=PartnerDomain.objects.filter(domain=host).values("partner_id")
        )
    partners = (
        Partner.objects.all() if user is None else Partner.objects.visible_to(user)
    )
    partners = partners.filter(condition)
    if exclude is not None:
        partners = partners.exclude(pk=exclude.pk)
    found = partners.only("id", "public_id", "name", "website", "status", "country")
    found = list(
        found.prefetch_related(
            Prefetch(
                "domains", queryset=PartnerDomain.objects.only("partner", "domain")
            )
        ).order_by("name", "id")[:DUPLICATE_PREFILTER_LIMIT]
    )
    for partner in found:
        partner.domain_names = [item.domain for item in partner.domains.all()]
    return duplicates.find_candidates(name=name, website=website, partners=found)


def merge_preview(*, survivor: Partner, duplicate: Partner) -> dict[str, int]:
    """How many rows of each kind would move from the duplicate (for the confirm
    page): one count query per relation."""
    counts = {}
    for relation in partner_relations():
        label = relation.related_model._meta.label_lower
        if relation.related_model is Partner and relation.field.name == "parent":
            label = "partners.partner (children)"
        total = relation.related_model._base_manager.filter(
            **{relation.field.name: duplicate}
        ).count()
        if total:
            counts[label] = total
    return counts


def partner_relations():
    """Every relation from another row to a partner, later apps' included."""
    return [
        relation
        for relation in Partner._meta.related_objects
        if relation.one_to_many or relation.one_to_one or relation.many_to_many
    ]
