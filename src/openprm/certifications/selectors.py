"""Reads of certifications, scoped to the reader.

Vendor staff read the catalogue and, within their partner scope, every held
certification, external certificate and accreditation. A partner user reads their
own certificates; a partner admin also their team's (the organisation the portal
works for). The verification page reads one certificate by its code, nothing else.
"""

from datetime import timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from openprm.certifications import permissions
from openprm.certifications.choices import (
    AccreditationStatus,
    EarningKind,
    HolderStatus,
    ReviewStatus,
)
from openprm.certifications.models import (
    Accreditation,
    AccreditationCondition,
    Certification,
    ExternalCertificate,
    PartnerAccreditation,
    UserCertification,
)
from openprm.certifications.services import condition_q
from openprm.core.api import as_uuid
from openprm.core.errors import NotFound
from openprm.core.scoping import scope_for
from openprm.partners.models import Partner
from openprm.segments.audiences import audience_q

# --- the catalogue

# What earns and renews a certification (its source ids read them).
SOURCES = ("path", "exam", "renewal_path", "renewal_exam")


def certification_list(*, user) -> QuerySet[Certification]:
    permissions.READ.ensure(user)
    return (
        Certification.objects.select_related("audience", *SOURCES)
        .annotate(
            active_holders=Count(
                "holders",
                filter=Q(
                    holders__status=HolderStatus.ACTIVE,
                    holders__valid_until__gt=timezone.now(),
                ),
            )
        )
        .order_by("name", "id")
    )


def certification_get(*, user, public_id) -> Certification:
    permissions.READ.ensure(user)
    found = (
        Certification.objects.select_related("audience", *SOURCES)
        .filter(public_id=as_uuid(public_id))
        .first()
    )
    if found is None:
        raise NotFound
    return found


def external_certifications_for(*, reader) -> QuerySet[Certification]:
    """The certifications a partner user may upload an external certificate for:
    offered, earned externally, for one of the reader's audiences."""
    return Certification.objects.filter(
        audience_q(reader), kind=EarningKind.EXTERNAL, is_active=True
    ).order_by("name", "id")


# --- held certifications


def _held_rows() -> QuerySet[UserCertification]:
    return UserCertification.objects.select_related(
        "user", "certification", "partner"
    ).order_by("valid_until", "id")


def held_visible_to(*, user, partner_id: int | None = None) -> QuerySet:
    """Held certifications the reader may see: vendor staff within their scope;
    a partner admin their organisation's (``partner_id``); another partner user
    their own there."""
    rows = _held_rows()
    if user.is_vendor_staff:
        if not permissions.READ.allows(user):
            return rows.none()
        rows = rows.filter(scope_for(user).q("partner"))
        return rows.filter(partner_id=partner_id) if partner_id else rows
    if partner_id is None:
        return rows.none()
    if permissions.TEAM.allows(user, partner_id=partner_id):
        return rows.filter(partner_id=partner_id)
    if permissions.HOLD.allows(user, partner_id=partner_id):
        return rows.filter(partner_id=partner_id, user=user)
    return rows.none()


def my_certificates(*, user, partner_id: int) -> QuerySet:
    return _held_rows().filter(user=user, partner_id=partner_id)


def team_certificates(*, user, partner_id: int) -> QuerySet:
    permissions.TEAM.ensure(user, partner_id=partner_id)
    return (
        _held_rows()
        .filter(partner_id=partner_id)
        .order_by("user__email", "certification__name", "id")
    )


def held_get(*, user, public_id, partner_id: int | None = None) -> UserCertification:
    """One held certification the reader may see (its certificate's PDF), or 404."""
    found = (
        held_visible_to(user=user, partner_id=partner_id)
        .filter(public_id=as_uuid(public_id))
        .first()
    )
    if found is None:
        raise NotFound
    return found


def verification(code: str) -> UserCertification | None:
    """The certificate a verification code names (any case, with or without
    dashes), or None."""
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if len(cleaned) != 16:
        return None
    formatted = "-".join(cleaned[index : index + 4] for index in range(0, 16, 4))
    return (
        UserCertification.objects.select_related("user", "certification")
        .filter(verification_code=formatted)
        .first()
    )


def is_current(held: UserCertification, now=None) -> bool:
    now = now or timezone.now()
    return held.status == HolderStatus.ACTIVE and held.valid_until > now


def certified_people(*, partner_id: int, now=None) -> int:
    """People of a partner holding at least one active certification."""
    return (
        UserCertification.objects.active(now or timezone.now())
        .filter(partner_id=partner_id)
        .values("user_id")
        .distinct()
        .count()
    )


def requirement_values(partner_ids: list[int]) -> dict[int, dict[str, int]]:
    """For tier requirements, per partner: ``certified_people`` (people holding an
    active certification) and ``accreditations_held``, two grouped queries
    whatever the number of partners."""
    values: dict[int, dict[str, int]] = {
        pk: {"certified_people": 0, "accreditations_held": 0} for pk in partner_ids
    }
    people = (
        UserCertification.objects.active(timezone.now())
        .filter(partner_id__in=partner_ids)
        .values("partner_id")
        .annotate(people=Count("user_id", distinct=True))
    )
    for row in people:
        values[row["partner_id"]]["certified_people"] = row["people"]
    held = (
        PartnerAccreditation.objects.filter(
            partner_id__in=partner_ids, status=AccreditationStatus.HELD
        )
        .values("partner_id")
        .annotate(held=Count("id"))
    )
    for row in held:
        values[row["partner_id"]]["accreditations_held"] = row["held"]
    return values


def expiring(*, user, within_days: int = 60, partner_id: int | None = None) -> QuerySet:
    """Active certifications ending within ``within_days`` (and those ended and not
    yet swept), by partner, for the console's report."""
    permissions.READ.ensure(user)
    now = timezone.now()
    rows = (
        held_visible_to(user=user, partner_id=partner_id)
        .filter(
            status=HolderStatus.ACTIVE,
            valid_until__lte=now + timedelta(days=within_days),
        )
        .order_by("partner__name", "valid_until", "id")
    )
    return rows


def expiring_groups(*, user, within_days: int = 60) -> QuerySet:
    """The expiring report by partner, most first (then by name and id, so the
    order is total): per partner, the certifications ending within
    ``within_days`` (and those ended, not yet swept), those within 30 days, and
    the people holding them. One grouped query; ``expiring_group_rows`` names a
    slice of it."""
    soon = timezone.now() + timedelta(days=30)
    return (
        expiring(user=user, within_days=within_days)
        .order_by()
        .values("partner__name", "partner__public_id", "partner_id")
        .annotate(
            expiring=Count("id"),
            within_30_days=Count("id", filter=Q(valid_until__lte=soon)),
            people=Count("user_id", distinct=True),
        )
        .order_by("-expiring", "partner__name", "partner_id")
    )


def expiring_partners(*, user, within_days: int = 60) -> QuerySet[Partner]:
    """The partners ``expiring_groups`` has a row for (what its list counts)."""
    return Partner.objects.filter(
        pk__in=expiring(user=user, within_days=within_days)
        .order_by()
        .values("partner_id")
    )


def expiring_group_rows(groups) -> list[dict]:
    return [
        {
            "label": row["partner__name"],
            "public_id": row["partner__public_id"],
            "expiring": row["expiring"],
            "within_30_days": row["within_30_days"],
            "people": row["people"],
        }
        for row in groups
    ]


def expiring_by_partner(
    *, user, within_days: int = 60, limit: int | None = None
) -> list[dict]:
    """The first ``limit`` rows of ``expiring_groups`` (the console's report)."""
    return expiring_group_rows(
        expiring_groups(user=user, within_days=within_days)[:limit]
    )


# --- external certificates


def review_queue(*, user, status: str = ReviewStatus.SUBMITTED) -> QuerySet:
    permissions.READ.ensure(user)
    rows = ExternalCertificate.objects.visible_to(user).select_related(
        "user", "partner", "certification", "reviewed_by"
    )
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("created_at", "id")


def external_get(*, user, public_id) -> ExternalCertificate:
    """One uploaded certificate: vendor staff in scope, or its own uploader."""
    rows = ExternalCertificate.objects.select_related(
        "user", "partner", "certification", "reviewed_by"
    ).filter(public_id=as_uuid(public_id))
    if user.is_vendor_staff:
        permissions.READ.ensure(user)
        rows = rows.filter(scope_for(user).q("partner"))
    else:
        rows = rows.filter(user=user)
    found = rows.first()
    if found is None:
        raise NotFound
    return found


def my_external(*, user, partner_id: int) -> QuerySet:
    return (
        ExternalCertificate.objects.filter(user=user, partner_id=partner_id)
        .select_related("certification")
        .order_by("-created_at", "-id")
    )


def my_external_all(*, user) -> QuerySet:
    """A partner user's own uploads, in every organisation."""
    return (
        ExternalCertificate.objects.filter(user=user)
        .select_related("certification")
        .order_by("-created_at", "-id")
    )


# --- accreditations


def partner_for_accreditations(*, user, public_id) -> Partner:
    """A partner whose accreditations the reader may see: vendor staff in scope,
    the partner's own users (and a distributor's above it)."""
    if user.is_vendor_staff:
        permissions.READ.ensure(user)
    found = Partner.objects.visible_to(user).filter(public_id=as_uuid(public_id))
    partner = found.first()
    if partner is None:
        raise NotFound
    return partner


def accreditation_list(*, user) -> QuerySet[Accreditation]:
    permissions.READ.ensure(user)
    return (
        Accreditation.objects.prefetch_related("conditions__certification")
        .annotate(
            holders=Count(
                "partners", filter=Q(partners__status=AccreditationStatus.HELD)
            )
        )
        .order_by("name", "id")
    )


def accreditation_get(*, user, public_id) -> Accreditation:
    found = accreditation_list(user=user).filter(public_id=as_uuid(public_id)).first()
    if found is None:
        raise NotFound
    return found


def accreditation_holders(*, user, accreditation: Accreditation) -> QuerySet:
    return (
        PartnerAccreditation.objects.visible_to(user)
        .filter(accreditation=accreditation, status=AccreditationStatus.HELD)
        .select_related("partner")
        .order_by("partner__name", "id")
    )


def partner_accreditations(*, partner_id: int, now=None) -> list[dict]:
    """Each active accreditation for one partner: held or not, and per condition
    how many people count and how many are missing. Four queries whatever the
    number of accreditations: the accreditations, their conditions with their
    certifications, the partner's held rows, and one aggregate of the partner's active
    certifications with a count per condition."""
    now = now or timezone.now()
    accreditations = list(
        Accreditation.objects.filter(is_active=True)
        .prefetch_related(
            Prefetch(
                "conditions",
                queryset=AccreditationCondition.objects.select_related("certification"),
            )
        )
        .order_by("name", "id")
    )
    conditions = [
        condition
        for accreditation in accreditations
        for condition in accreditation.conditions.all()
    ]
    held = {
        row.accreditation_id: row
        for row in PartnerAccreditation.objects.filter(
            partner_id=partner_id, status=AccreditationStatus.HELD
        )
    }
    counts = {}
    if conditions:
        counts = (
            UserCertification.objects.active(now)
            .filter(partner_id=partner_id)
            .aggregate(
                **{
                    f"c{condition.pk}": Count(
                        "user_id", distinct=True, filter=condition_q(condition)
                    )
                    for condition in conditions
                }
            )
        )
    result = []
    for accreditation in accreditations:
        rows = []
        for condition in accreditation.conditions.all():
            have = counts.get(f"c{condition.pk}") or 0
            rows.append(
                {
                    "condition": condition,
                    "label": condition.describe(),
                    "have": have,
                    "need": condition.count,
                    "missing": max(condition.count - have, 0),
                }
            )
        missing = sum(row["missing"] for row in rows)
        result.append(
            {
                "accreditation": accreditation,
                "held": held.get(accreditation.pk),
                "conditions": rows,
                "missing": missing,
                # Close: not held, and at most two people short.
                "is_close": accreditation.pk not in held and 0 < missing <= 2,
            }
        )
    return result


def partner_section(user, partner) -> dict | None:
    """The accreditations and certified people of a partner: on the console's
    partner 360 (vendor staff), and on the portal's organisation page (the
    organisation's own users)."""
    if user.is_vendor_staff and not permissions.READ.allows(user):
        return None
    if not user.is_vendor_staff and not permissions.HOLD.allows(
        user, partner_id=partner.pk
    ):
        return None
    return {
        "accreditations": partner_accreditations(partner_id=partner.pk),
        "certified_people": certified_people(partner_id=partner.pk),
    }
