"""Reads of programmes and enrolments, restricted to the user.

Vendor staff read every programme; a partner user reads the programmes their
organisation (or, for a distributor, a partner beneath it) is actively enrolled in.
Enrolments and their history follow the partner scope (``visible_to``).
"""

from decimal import Decimal, InvalidOperation
from uuid import UUID

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from openprm.core.errors import NotFound
from openprm.core.permissions import is_active_user
from openprm.core.worklist import Figure
from openprm.partners.models import Partner
from openprm.programs import permissions
from openprm.programs.choices import BenefitKind, EnrolmentStatus
from openprm.programs.metrics import measured_values
from openprm.programs.models import (
    Enrolment,
    Programme,
    Tier,
    TierBenefit,
    TierChange,
    TierRequirement,
)
from openprm.tenancy.models import Membership


def tiers_prefetch(*, benefits: bool = True) -> Prefetch:
    """Tiers in rank order with their requirements, and their benefits unless
    ``benefits=False`` (a page that shows none reads one query fewer)."""
    related = [
        Prefetch("requirements", queryset=TierRequirement.objects.order_by("id"))
    ]
    if benefits:
        related.append(
            Prefetch("benefits", queryset=TierBenefit.objects.order_by("kind"))
        )
    return Prefetch(
        "tiers", queryset=Tier.objects.order_by("rank").prefetch_related(*related)
    )


def programme_list_visible_to(*, user) -> QuerySet[Programme]:
    if not is_active_user(user):
        return Programme.objects.none()
    programmes = Programme.objects.all()
    if not user.is_vendor_staff:
        enrolled = (
            Enrolment.objects.visible_to(user)
            .filter(status=EnrolmentStatus.ACTIVE)
            .values("programme_id")
        )
        programmes = programmes.filter(pk__in=enrolled)
    return programmes.order_by("name", "id")


def programme_get(*, user, public_id: UUID | str) -> Programme:
    """One programme with its tiers, requirements and benefits."""
    programme = (
        programme_list_visible_to(user=user)
        .prefetch_related(tiers_prefetch())
        .filter(public_id=public_id)
        .first()
    )
    if programme is None:
        raise NotFound
    return programme


def tiers_of(*, programmes: QuerySet[Programme]) -> QuerySet[Tier]:
    """The tiers of these programmes, for choosing one (programme name, then rank)."""
    return (
        Tier.objects.filter(programme__in=programmes)
        .select_related("programme")
        .order_by("programme__name", "rank")
    )


def tier_get(*, programme: Programme, tier_id: int) -> Tier:
    """A tier of a programme the caller already holds (so already visible)."""
    tier = (
        Tier.objects.select_related("programme")
        .prefetch_related("requirements", "benefits")
        .filter(programme=programme, pk=tier_id)
        .first()
    )
    if tier is None:
        raise NotFound
    return tier


def tier_requirement_get(*, tier: Tier, requirement_id: int) -> TierRequirement:
    requirement = tier.requirements.filter(pk=requirement_id).first()
    if requirement is None:
        raise NotFound
    return requirement


def tier_benefit_get(*, tier: Tier, benefit_id: int) -> TierBenefit:
    benefit = tier.benefits.filter(pk=benefit_id).first()
    if benefit is None:
        raise NotFound
    return benefit


def enrolment_list_visible_to(
    *,
    user,
    programme: Programme | None = None,
    partner_id: int | None = None,
    status: str = "",
) -> QuerySet[Enrolment]:
    """Enrolments newest first, with partner, programme and tier."""
    enrolments = Enrolment.objects.visible_to(user).select_related(
        "partner", "programme", "tier"
    )
    if programme is not None:
        enrolments = enrolments.filter(programme=programme)
    if partner_id is not None:
        enrolments = enrolments.filter(partner_id=partner_id)
    if status:
        enrolments = enrolments.filter(status=status)
    return enrolments.order_by("-enrolled_at", "-id")


def enrolment_get(*, user, public_id: UUID | str) -> Enrolment:
    enrolment = enrolment_list_visible_to(user=user).filter(public_id=public_id).first()
    if enrolment is None:
        raise NotFound
    return enrolment


def tier_change_list(*, enrolment: Enrolment) -> QuerySet[TierChange]:
    """The history of an enrolment the caller already holds, newest first."""
    return (
        TierChange.objects.filter(enrolment=enrolment)
        .select_related("from_tier", "to_tier", "changed_by", "enrolment")
        .order_by("-changed_at", "-id")
    )


def partner_enrolments_for_portal(
    *, partner: Partner, benefits: bool = True
) -> list[Enrolment]:
    """The active enrolments of the organisation the portal works for, each with its
    programme's tiers and their requirements, and their benefits unless a page
    shows none (``benefits=False``: the tier progress card, one query fewer)."""
    tiers = tiers_prefetch(benefits=benefits).queryset
    return list(
        Enrolment.objects.filter(partner=partner, status=EnrolmentStatus.ACTIVE)
        .select_related("programme", "tier")
        .prefetch_related(Prefetch("programme__tiers", queryset=tiers))
        .order_by("programme__name", "id")
    )


def _certified_people(partner: Partner) -> Decimal | None:
    """The number of certified people the partner's profile states, if it does."""
    value = partner.custom_fields.get(settings.OPENPRM_CERTIFIED_PEOPLE_FIELD)
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def partner_metric_values(*, partner: Partner) -> dict[str, int | Decimal]:
    """The metrics OpenPRM measures today for one partner (see programs.metrics):
    its members, the profile's certified people, then what the measuring apps
    registered (which may replace these); a metric the partner has no figure for
    is left out (not measured)."""
    values: dict[str, int | Decimal] = {
        "active_users": Membership.objects.filter(
            partner=partner, is_active=True, user__is_active=True
        ).count()
    }
    certified = _certified_people(partner)
    if certified is not None:
        values["certified_people"] = certified
    values.update(measured_values([partner.pk]).get(partner.pk, {}))
    return values


def enrollable_partners(*, user) -> QuerySet[Partner]:
    """Partners a user may enrol (the console's choice list)."""
    if not permissions.MANAGE_ENROLMENTS.allows(user):
        return Partner.objects.none()
    return Partner.objects.visible_to(user).order_by("name", "id")


def partner_for_enrolment(*, user, partner_id: int) -> Partner:
    """A partner to enrol, by id: 403 for the wrong role, 404 out of scope."""
    permissions.MANAGE_ENROLMENTS.ensure(user)
    partner = Partner.objects.visible_to(user).filter(pk=partner_id).first()
    if partner is None:
        raise NotFound
    return partner


def partner_programme_section(user, partner: Partner) -> dict | None:
    """The partner page's programmes: each enrolment with its tier, the tier's
    requirements and the next tier's, met or missed with the partner's figures,
    and the latest tier change with its reason. Six queries however many
    enrolments."""
    from openprm.programs.requirements import evaluate_requirements

    if not user.is_vendor_staff:
        return None
    enrolments = list(
        enrolment_list_visible_to(user=user, partner_id=partner.pk)
        .order_by("status", "programme__name", "-enrolled_at", "-id")
        .prefetch_related(
            Prefetch("programme__tiers", queryset=tiers_prefetch().queryset),
            Prefetch(
                "tier_changes",
                queryset=TierChange.objects.select_related(
                    "from_tier", "to_tier", "changed_by"
                ).order_by("-changed_at", "-id"),
            ),
        )
    )
    values = partner_metric_values(partner=partner) if enrolments else {}
    rows = []
    for enrolment in enrolments:
        tiers = list(enrolment.programme.tiers.all())
        current = next((tier for tier in tiers if tier.pk == enrolment.tier_id), None)
        next_tier = next(
            (tier for tier in tiers if current and tier.rank > current.rank), None
        )
        changes = list(enrolment.tier_changes.all())
        rows.append(
            {
                "enrolment": enrolment,
                "tier": current,
                "held": evaluate_requirements(
                    current.requirements.all() if current else [], values
                ),
                "next_tier": next_tier,
                "next": evaluate_requirements(next_tier.requirements.all(), values)
                if next_tier
                else [],
                "last_change": changes[0] if changes else None,
            }
        )
    return {"rows": rows}


def current_tiers(*, partner_ids) -> dict[int, list[str]]:
    """Each partner's tiers in its active enrolments, as "Gold (Reseller
    programme)" (one query; the ids come from a scoped list)."""
    tiers: dict[int, list[str]] = {}
    for enrolment in (
        Enrolment.objects.filter(
            partner_id__in=list(partner_ids), status=EnrolmentStatus.ACTIVE
        )
        .select_related("tier", "programme")
        .order_by("programme__name", "id")
    ):
        tiers.setdefault(enrolment.partner_id, []).append(
            f"{enrolment.tier.name} ({enrolment.programme.name})"
        )
    return tiers


def portal_home_discount(*, user, partner: Partner) -> Figure | None:
    """The discount the partner's current tier gives, with the tier's name (and
    the programme's when it has several), for the portal home (one query); None
    when no tier it holds gives a discount. Every portal user reads the programme
    page."""
    found = list(
        TierBenefit.objects.filter(
            kind=BenefitKind.DISCOUNT_PERCENT,
            tier__enrolments__partner=partner,
            tier__enrolments__status=EnrolmentStatus.ACTIVE,
        )
        .select_related("tier__programme")
        .order_by("tier__programme__name", "tier_id")
    )
    if not found:
        return None
    several = len({benefit.tier.programme_id for benefit in found}) > 1
    values = []
    for benefit in found:
        tier = (
            f"{benefit.tier.programme.name}, {benefit.tier.name}"
            if several
            else benefit.tier.name
        )
        values.append(
            _("%(discount)s (%(tier)s)")
            % {"discount": benefit.display_value, "tier": tier}
        )
    return Figure(
        label=_("Discount level"),
        values=tuple(values),
        url=reverse("portal:programme"),
        key="discount",
    )
