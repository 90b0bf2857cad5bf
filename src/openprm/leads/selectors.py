"""Reads of leads, rules and capacities, restricted to the user.

Vendor staff read leads within their partner scope (a channel manager: their
partners' leads and their territories'). A partner user reads and works only the
leads currently with an organisation where they work leads (``permissions``).
"""

from uuid import UUID

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core.errors import NotFound
from openprm.core.worklist import (
    NOTHING,
    WORK_LIMIT,
    Activity,
    Contribution,
    Queue,
    WorkItem,
)
from openprm.leads import permissions
from openprm.leads.models import (
    OPEN_STATUSES,
    ROUTABLE_STATUSES,
    AssignmentOutcome,
    Lead,
    LeadActivity,
    LeadAssignment,
    LeadCapacity,
    LeadRoutingRule,
)
from openprm.partners.models import Partner

# The batch router (leads/batch.py, kept by the bulk-write work) checks its actor
# under this name; everything else checks ``permissions.MANAGE`` itself.
ensure_can_manage_leads = permissions.MANAGE.ensure


def leads_visible_to(*, user, partner_id: int | None = None) -> QuerySet[Lead]:
    """The leads the user may read, with their partner; ``partner_id`` narrows a
    partner user's list to one of their organisations."""
    if not permissions.READ.allows(user):
        return Lead.objects.none()
    if user.is_vendor_staff:
        leads = Lead.objects.visible_to(user)
    else:
        ids = permissions.READ.partner_ids(user)
        if partner_id is not None:
            ids = ids & {partner_id}
        leads = Lead.objects.filter(current_partner_id__in=sorted(ids))
    return leads.select_related("current_partner").order_by("-created_at", "-id")


def lead_list(
    *, user, status: str = "", search: str = "", partner_id: int | None = None
) -> QuerySet[Lead]:
    leads = leads_visible_to(user=user, partner_id=partner_id)
    if status:
        leads = leads.filter(status=status)
    if search.strip():
        leads = leads.filter(
            Q(company__icontains=search.strip()) | Q(domain__icontains=search.strip())
        )
    return leads


def lead_get(*, user, public_id: UUID | str) -> Lead:
    permissions.READ.ensure(user)
    try:
        public_id = UUID(str(public_id))
    except ValueError:
        raise NotFound from None
    lead = leads_visible_to(user=user).filter(public_id=public_id).first()
    if lead is None:
        raise NotFound
    return lead


def lead_by_external_id(*, external_id: str) -> Lead | None:
    """For the idempotent CRM push (vendor managers only reach it)."""
    return Lead.objects.filter(external_id=external_id).first()


def current_offer(*, lead: Lead) -> LeadAssignment | None:
    return (
        LeadAssignment.objects.filter(lead=lead, outcome=AssignmentOutcome.PENDING)
        .select_related("partner")
        .first()
    )


def lead_assignments(*, lead: Lead) -> list[LeadAssignment]:
    """Every offer of the lead, oldest first, with partner and rule."""
    return list(
        LeadAssignment.objects.filter(lead=lead)
        .select_related("partner", "decided_by")
        .order_by("offered_at", "id")
    )


def lead_timeline(*, lead: Lead) -> list[LeadActivity]:
    return list(
        LeadActivity.objects.filter(lead=lead)
        .select_related("partner", "actor")
        .order_by("created_at", "id")
    )


def rule_list(*, user) -> QuerySet[LeadRoutingRule]:
    permissions.READ_ROUTING.ensure(user)
    return LeadRoutingRule.objects.select_related("named_partner").order_by(
        "order", "id"
    )


def rule_get(*, user, public_id: UUID | str) -> LeadRoutingRule:
    try:
        public_id = UUID(str(public_id))
    except ValueError:
        raise NotFound from None
    rule = rule_list(user=user).filter(public_id=public_id).first()
    if rule is None:
        raise NotFound
    return rule


def partners_for_leads(*, user) -> QuerySet[Partner]:
    """The partners a rule may name or a capacity be given to: the user's scope."""
    return Partner.objects.visible_to(user)


def partner_for_leads(*, user, partner_id: int) -> Partner:
    """A partner named in a rule or given a capacity: 404 outside the user's scope."""
    partner = partners_for_leads(user=user).filter(pk=partner_id).first()
    if partner is None:
        raise NotFound
    return partner


def capacity_partners(*, user) -> QuerySet[Partner]:
    """Partners in the user's scope that hold open leads, have answered offers or
    have a capacity set, by name (the ``partners_name_id_idx`` order): the
    lead-capacity list, paged by ``capacity_rows``."""
    permissions.READ_ROUTING.ensure(user)
    return (
        Partner.objects.visible_to(user)
        .filter(
            Exists(LeadCapacity.objects.filter(partner=OuterRef("pk")))
            | Exists(
                Lead.objects.filter(
                    current_partner=OuterRef("pk"), status__in=OPEN_STATUSES
                )
            )
            | Exists(
                LeadAssignment.objects.filter(partner=OuterRef("pk")).exclude(
                    outcome=AssignmentOutcome.PENDING
                )
            )
        )
        .order_by("name", "id")
    )


def capacity_rows(partners) -> list[dict]:
    """Each of ``partners`` (a page of ``capacity_partners``, in order) with its
    open leads against capacity and its lead record (four queries)."""
    names = dict(partners.values_list("id", "name"))
    ids = list(names)
    capacities = dict(
        LeadCapacity.objects.filter(partner_id__in=ids).values_list(
            "partner_id", "max_open_leads"
        )
    )
    records = partner_lead_records(partner_ids=ids)
    open_counts = dict(
        Lead.objects.filter(current_partner_id__in=ids, status__in=OPEN_STATUSES)
        .values("current_partner_id")
        .annotate(count=Count("id"))
        .values_list("current_partner_id", "count")
    )
    default = settings.OPENPRM_LEAD_DEFAULT_CAPACITY
    return [
        {
            "partner_id": partner_id,
            "name": name,
            "capacity": capacities.get(partner_id, default),
            "is_default": partner_id not in capacities,
            "open_leads": open_counts.get(partner_id, 0),
            **records.get(partner_id, empty_record()),
        }
        for partner_id, name in names.items()
    ]


def capacity_row(*, partner: Partner) -> dict:
    """One partner's row of the lead-capacity list (after setting its capacity)."""
    return capacity_rows(Partner.objects.filter(pk=partner.pk))[0]


def capacity_list(*, user) -> list[dict]:
    """Every row of the lead-capacity list (the console page)."""
    return capacity_rows(capacity_partners(user=user))


def empty_record() -> dict:
    return {"offered": 0, "accepted": 0, "rejected": 0, "recalled": 0, "rate": None}


def partner_lead_records(*, partner_ids) -> dict[int, dict]:
    """Each partner's acceptance record: offers answered or expired, accepted,
    rejected, recalled (a recall counts against it) and the acceptance rate."""
    rows = (
        LeadAssignment.objects.filter(partner_id__in=partner_ids)
        .exclude(outcome=AssignmentOutcome.PENDING)
        .values("partner_id")
        .annotate(
            offered=Count("id"),
            accepted=Count("id", filter=Q(outcome=AssignmentOutcome.ACCEPTED)),
            rejected=Count("id", filter=Q(outcome=AssignmentOutcome.REJECTED)),
            recalled=Count("id", filter=Q(outcome=AssignmentOutcome.RECALLED)),
        )
    )
    return {
        row["partner_id"]: {
            "offered": row["offered"],
            "accepted": row["accepted"],
            "rejected": row["rejected"],
            "recalled": row["recalled"],
            "rate": row["accepted"] / row["offered"] if row["offered"] else None,
        }
        for row in rows
    }


def partner_lead_record(*, partner_id: int) -> dict:
    return partner_lead_records(partner_ids=[partner_id]).get(
        partner_id, empty_record()
    )


def with_deadline(leads: QuerySet[Lead]) -> QuerySet[Lead]:
    """Each lead with ``respond_by``: the answer deadline of its pending offer."""
    pending = LeadAssignment.objects.filter(
        lead=OuterRef("pk"), outcome=AssignmentOutcome.PENDING
    ).values("respond_by")[:1]
    return leads.annotate(respond_by=Subquery(pending))


PARTNER_SECTION_OFFERS = 5


def partner_lead_section(user, partner: Partner) -> dict | None:
    """The partner page's leads: its acceptance record, the offers waiting for an
    answer and the latest offers with their outcome. Three queries."""
    if not user.is_vendor_staff:
        return None
    offers = LeadAssignment.objects.visible_to(user).filter(partner=partner)
    record = partner_lead_record(partner_id=partner.pk)
    return {
        "record": record,
        "rate_percent": round(record["rate"] * 100)
        if record["rate"] is not None
        else None,
        "pending": offers.filter(outcome=AssignmentOutcome.PENDING).count(),
        "latest": list(
            offers.select_related("lead").order_by("-offered_at", "-id")[
                :PARTNER_SECTION_OFFERS
            ]
        ),
    }


# --- the homes (registered with core.worklist in hooks.py)

HOME_ACTIVITY = 5


def _who(user) -> str:
    return user.get_full_name() if user is not None else str(_("Someone"))


def portal_home_work(*, user, partner) -> Contribution:
    """The lead offers ``partner`` must answer, soonest deadline first, and its
    latest answers (two queries; nothing for a user who does not work leads)."""
    if not permissions.WORK.allows(user, partner_id=partner.pk):
        return NOTHING
    offers = (
        LeadAssignment.objects.filter(
            partner=partner, outcome=AssignmentOutcome.PENDING
        )
        .select_related("lead")
        .order_by("respond_by", "id")[:WORK_LIMIT]
    )
    items = [
        WorkItem(
            kind=str(_("Lead offer")),
            title=str(_("Accept or decline the lead %(company)s"))
            % {"company": offer.lead.company},
            url=reverse("portal:lead_detail", args=[offer.lead.public_id]),
            due_at=offer.respond_by,
            detail=", ".join(
                str(part)
                for part in (
                    offer.lead.get_industry_display() if offer.lead.industry else "",
                    offer.lead.get_region_display(),
                )
                if part
            ),
        )
        for offer in offers
    ]
    answered = (
        LeadAssignment.objects.filter(partner=partner)
        .exclude(outcome=AssignmentOutcome.PENDING)
        .select_related("lead", "decided_by")
        .order_by("-outcome_at", "-id")[:HOME_ACTIVITY]
    )
    sentences = {
        AssignmentOutcome.ACCEPTED: _("%(who)s accepted the lead %(company)s."),
        AssignmentOutcome.REJECTED: _("%(who)s declined the lead %(company)s."),
        AssignmentOutcome.RECALLED: _(
            "The lead %(company)s was taken back: it was not answered in time."
        ),
    }
    activity = [
        Activity(
            at=assignment.outcome_at or assignment.offered_at,
            text=str(sentences[assignment.outcome])
            % {"who": _who(assignment.decided_by), "company": assignment.lead.company},
            url=reverse("portal:lead_detail", args=[assignment.lead.public_id]),
        )
        for assignment in answered
        if assignment.outcome in sentences
    ]
    return Contribution(items=items, activity=activity)


def console_home_queues(*, user) -> list[Queue]:
    """Leads waiting for the vendor (new, unassigned, rejected, recalled) and
    offers past their answer deadline, in the user's scope (one query)."""
    if not permissions.MANAGE.allows(user):
        return []
    now = timezone.now()
    overdue_offer = LeadAssignment.objects.filter(
        lead=OuterRef("pk"), outcome=AssignmentOutcome.PENDING, respond_by__lte=now
    )
    counts = (
        Lead.objects.visible_to(user)
        .order_by()
        .annotate(late=Exists(overdue_offer))
        .aggregate(
            count=Count("pk", filter=Q(status__in=ROUTABLE_STATUSES)),
            overdue=Count("pk", filter=Q(late=True)),
        )
    )
    return [
        Queue.counted(
            counts,
            label=str(_("Leads to route")),
            url=reverse("console:lead_list"),
            unit=str(_("waiting for a partner")),
            order=30,
        )
    ]


def open_lead_counts(*, partner_ids) -> dict[int, int]:
    """How many leads each partner holds (offered, accepted or being worked; one
    query; the ids come from a scoped list)."""
    rows = (
        Lead.objects.filter(current_partner_id__in=list(partner_ids))
        .filter(status__in=OPEN_STATUSES)
        .order_by()
        .values("current_partner_id")
        .annotate(total=Count("pk"))
    )
    return {row["current_partner_id"]: row["total"] for row in rows}
