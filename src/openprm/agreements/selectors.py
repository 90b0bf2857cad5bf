"""Scoped reads of agreements."""

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openprm.agreements import permissions
from openprm.agreements.models import (
    AgreementAcceptance,
    AgreementDocument,
    AgreementVersion,
)
from openprm.core.errors import NotFound
from openprm.core.worklist import Activity, Contribution, WorkItem
from openprm.onboarding.selectors import approved_partner_ids, approved_programme_ids
from openprm.partners.models import Partner
from openprm.programs.choices import EnrolmentStatus
from openprm.programs.models import Enrolment, Programme


def partners_bound_to(*, programme: Programme) -> QuerySet[Partner]:
    """Partners that must accept a programme's terms: those enrolled in it and
    those onboarding into it (approved into it, their journey started or not)."""
    return Partner.objects.filter(
        Q(
            pk__in=Enrolment.objects.filter(
                programme=programme, status=EnrolmentStatus.ACTIVE
            ).values("partner_id")
        )
        | Q(pk__in=programme.journeys.values("partner_id"))
        | Q(pk__in=approved_partner_ids(programme=programme))
    ).exclude(status="terminated")


def programmes_of(*, partner: Partner) -> QuerySet[Programme]:
    """The programmes whose terms bind the partner: enrolled in, onboarding into,
    or approved into (the journey is started after the approval commits, by an
    event subscriber; the terms bind from the approval on)."""
    return Programme.objects.filter(
        Q(
            pk__in=Enrolment.objects.filter(
                partner=partner, status=EnrolmentStatus.ACTIVE
            ).values("programme_id")
        )
        | Q(journeys__partner=partner)
        | Q(pk__in=approved_programme_ids(partner=partner))
    ).distinct()


def documents_list(*, user) -> QuerySet[AgreementDocument]:
    """Every agreement (vendor staff) with its programme."""
    permissions.READ_TERMS.ensure(user)
    return AgreementDocument.objects.select_related("programme").order_by("title", "id")


def document_get(*, user, public_id) -> AgreementDocument:
    """One agreement with its versions."""
    try:
        return (
            documents_list(user=user)
            .prefetch_related("versions")
            .get(public_id=public_id)
        )
    except (AgreementDocument.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound from error


def documents_for_partner(*, partner: Partner) -> list[dict]:
    """The partner's agreements: each document's current version and whether the
    partner accepted it (three queries)."""
    documents = list(
        AgreementDocument.objects.filter(
            programme__in=programmes_of(partner=partner)
        ).select_related("programme")
    )
    versions = {}
    for version in AgreementVersion.objects.filter(document__in=documents).order_by(
        "document_id", "-number"
    ):
        versions.setdefault(version.document_id, version)
    accepted = {
        item.version_id: item
        for item in AgreementAcceptance.objects.filter(
            partner=partner, version__in=versions.values()
        )
    }
    rows = []
    for document in documents:
        current = versions.get(document.pk)
        if current is None:
            continue
        rows.append(
            {
                "document": document,
                "version": current,
                "acceptance": accepted.get(current.pk),
            }
        )
    return rows


def version_get(*, public_id) -> AgreementVersion:
    try:
        return AgreementVersion.objects.select_related("document__programme").get(
            public_id=public_id
        )
    except (AgreementVersion.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound from error


def version_for_partner(*, partner: Partner, public_id) -> AgreementVersion:
    """A version of one of the partner's programmes; 404 otherwise."""
    version = version_get(public_id=public_id)
    if not programmes_of(partner=partner).filter(pk=version.document.programme_id):
        raise NotFound
    return version


def acceptances_visible_to(*, user) -> QuerySet[AgreementAcceptance]:
    return (
        AgreementAcceptance.objects.visible_to(user)
        .select_related("partner", "version__document__programme")
        .order_by("-accepted_at", "-id")
    )


def acceptance_get(*, user, public_id) -> AgreementAcceptance:
    try:
        return acceptances_visible_to(user=user).get(public_id=public_id)
    except (AgreementAcceptance.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound from error


def partner_get(*, user, partner_id: int) -> Partner:
    """A partner the user may see; 404 for any other."""
    partner = Partner.objects.visible_to(user).filter(pk=partner_id).first()
    if partner is None:
        raise NotFound
    return partner


def partner_agreement_section(user, partner: Partner) -> dict | None:
    """The partner page's agreements: the current version of each agreement of
    its programmes, accepted (by whom, when) or not yet. Three queries."""
    if not user.is_vendor_staff:
        return None
    return {"rows": documents_for_partner(partner=partner)}


# --- the portal home (registered with core.worklist in hooks.py)

HOME_ACTIVITY = 3


def portal_home_work(*, user, partner: Partner) -> Contribution:
    """The current versions ``partner`` has not accepted (for those who sign: the
    partner admins) and its latest acceptances (four queries)."""
    items = []
    if permissions.ACCEPT.allows(user, partner_id=partner.pk):
        for row in documents_for_partner(partner=partner):
            if row["acceptance"] is not None:
                continue
            version = row["version"]
            items.append(
                WorkItem(
                    kind=str(_("Agreement")),
                    title=str(_("Accept %(title)s, version %(number)s"))
                    % {"title": row["document"].title, "number": version.number},
                    url=reverse("portal:agreement_accept", args=[version.public_id]),
                    due_at=version.accept_by,
                    since=version.published_at,
                    detail=str(_("Programme: %(programme)s"))
                    % {"programme": row["document"].programme.name},
                )
            )
    accepted = (
        AgreementAcceptance.objects.filter(partner=partner)
        .select_related("version__document")
        .order_by("-accepted_at", "-id")[:HOME_ACTIVITY]
    )
    activity = [
        Activity(
            at=acceptance.accepted_at,
            text=str(_("%(name)s accepted %(title)s, version %(number)s."))
            % {
                "name": acceptance.name,
                "title": acceptance.version.document.title,
                "number": acceptance.version.number,
            },
            url=reverse("portal:agreement_acceptance", args=[acceptance.public_id]),
        )
        for acceptance in accepted
    ]
    return Contribution(items=items, activity=activity)
