"""What the sync knows of each kind of OpenPRM record: how to read one, create and
change it (always through its app's services, as the connection's user), and find
the records a CRM record may be (with the partner duplicates' matcher)."""

from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Any

from openprm.core import iso
from openprm.core.errors import ValidationFailed
from openprm.deals import selectors as deal_selectors
from openprm.deals import services as deal_services
from openprm.deals.choices import DealStatus
from openprm.deals.models import CustomerAccount, Deal
from openprm.leads import services as lead_services
from openprm.leads.models import Lead, LeadSource
from openprm.partners import duplicates
from openprm.partners import selectors as partner_selectors
from openprm.partners import services as partner_services
from openprm.partners.models import Contact, Partner, PartnerDomain, PartnerStatus
from openprm.tenancy.models import Membership


@dataclass
class Candidate:
    """A record of the other side that may be the same, with the matcher's score."""

    key: Any  # a local id, or a remote id
    label: str
    score: float
    reasons: list = field(default_factory=list)
    exact_id: bool = False

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "score": self.score,
            "reasons": [str(reason) for reason in self.reasons],
        }


def rank(*, name: str, website: str, others: list[SimpleNamespace]) -> list[Candidate]:
    """``others`` (with ``key``, ``name``, ``website``, ``domain_names``) that may be
    the organisation ``name`` at ``website``, best first: the partner duplicates'
    matcher, so that a sync links what the duplicate check would have flagged."""
    return [
        Candidate(
            key=found.partner.key,
            label=found.partner.name,
            score=found.score,
            reasons=found.reasons,
        )
        for found in duplicates.find_candidates(
            name=name, website=website, partners=others
        )
    ]


class ObjectHandler:
    """What every kind of record shares; a kind overrides what differs."""

    object_type = ""
    remote_object = ""
    # Whether a CRM record that matches nothing becomes a new OpenPRM record.
    creates_from_crm = True
    # Whether an OpenPRM record that matches nothing becomes a new CRM record.
    creates_in_crm = True
    # Whether creating a record needs the CRM's id (``values["external_id"]``).
    created_with_remote_id = False
    # Whether a record made from the CRM reports its OpenPRM-side fields (those
    # only sent) back to the CRM at once, e.g. a routed lead's status.
    reports_back = False
    # Fields sent at once when a record is linked to an existing CRM record whose
    # value differs (a user's contact put on the partner's account).
    relink_fields: tuple[str, ...] = ()
    # Whether records are matched with the partner duplicates' matcher (``rank``
    # below) over its blocking index (``duplicates.BlockingIndex``): a CRM record
    # is then scored against the few records that share a blocking key with it,
    # not against every unlinked record. Kinds with a matcher of their own (by
    # email, by exact name) read their whole pool.
    blocking = False

    def for_connection(self, connection) -> "ObjectHandler":
        """The handler as one connection's sync uses it (the same one unless its
        values depend on the connection's links)."""
        return self

    def search_text(self, values: dict) -> str:
        """What the CRM is searched by for records that may be this one."""
        return str(values.get("name") or "")

    def rank(
        self, *, name: str, website: str, others: list, values: dict | None = None
    ) -> list[Candidate]:
        """``values``: the whole record being matched (OpenPRM's field names)."""
        return rank(name=name, website=website, others=others)

    def preview_records(self, *, user, limit: int) -> list:
        """The first records ``user`` may read, to preview a mapping on."""
        raise NotImplementedError

    def skip_reason(self, values: dict) -> str:
        """Why a CRM record that matches nothing is not created here ("" when it
        is)."""
        return ""

    def received(self, *, record, changes: dict, incoming: dict, actor):
        """Apply the CRM's ``changes`` (``incoming``: all its mapped values)."""
        return self.update(record=record, changes=changes, actor=actor)

    # Deletions (see docs/crm-sync.md, "Deletions"): what this kind of record does
    # when its CRM record is deleted there. The default keeps the OpenPRM record
    # as it is and archives the link.
    crm_deleted_rule = "The OpenPRM record is kept; the link is archived."

    def gone_reason(self, record) -> str:
        """Why ``record`` (loaded, or None when deleted) no longer syncs: "" when
        it still does."""
        return "Deleted in OpenPRM." if record is None else ""

    def crm_deleted(self, *, record, actor) -> str:
        """The CRM record of ``record`` was deleted there: what is done here (the
        sentence logged)."""
        return self.crm_deleted_rule

    def missing_ids(self, local_ids: list[int]) -> set[int]:
        """Those of ``local_ids`` that no longer exist here."""
        found = set(
            self.model.objects.filter(pk__in=local_ids).values_list("pk", flat=True)
        )
        return set(local_ids) - found


class PartnerObject(ObjectHandler):
    """Partners ↔ CRM accounts."""

    object_type = "partners"
    model = Partner
    blocking = True
    crm_deleted_rule = (
        "The partner is kept as it is (never deleted from the CRM); the link is "
        "archived and the partner is not sent again until someone re-syncs it."
    )
    remote_object = "accounts"
    fields = frozenset(
        {
            "name", "legal_name", "partner_type", "website", "street",
            "postal_code", "state", "city", "country", "status", "external_id",
        }
    )  # fmt: skip
    # What a new connection starts from (for BottleCRM's accounts; edited in the
    # console): its required address fields get a placeholder when OpenPRM has none.
    default_mapping = [
        {"local": "name", "remote": "name", "rule": "newest",
         "out": [["trim"]], "in": [["trim"]]},
        {"local": "website", "remote": "website", "rule": "newest", "in": [["url"]]},
        {"local": "city", "remote": "billing_city", "out": [["default", "-"]]},
        {"local": "country", "remote": "billing_country", "rule": "crm",
         "in": [["upper"]]},
        {"local": "street", "remote": "billing_street", "out": [["default", "-"]]},
        {"local": "postal_code", "remote": "billing_postcode",
         "out": [["default", "-"]]},
        {"local": "state", "remote": "billing_state", "out": [["default", "-"]]},
        {"remote": "billing_address_line", "direction": "out",
         "out": [["constant", "-"]]},
        {"local": "website", "remote": "email", "direction": "out",
         "out": [["domain"], ["prefix", "partners@"],
                 ["default", "partners@example.invalid"]]},
        {"local": "partner_type", "direction": "in", "create_only": True,
         "in": [["constant", "reseller"]]},
    ]  # fmt: skip

    def preview_records(self, *, user, limit: int) -> list[Partner]:
        return list(partner_selectors.partner_list_visible_to(user=user)[:limit])

    def load(self, local_id: int) -> Partner | None:
        return Partner.objects.filter(pk=local_id).first()

    def ids_after(self, after: int, limit: int) -> list[int]:
        return list(
            Partner.objects.filter(pk__gt=after)
            .exclude(status=PartnerStatus.TERMINATED)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )

    def values(self, partner: Partner) -> dict[str, Any]:
        return {name: getattr(partner, name) or "" for name in self.fields}

    def label(self, partner: Partner) -> str:
        return partner.name

    def create(self, *, values: dict, actor) -> Partner:
        data = {name: value for name, value in values.items() if name in self.fields}
        data.setdefault("partner_type", "reseller")
        data["region"] = iso.region_for_country(data.get("country", ""))
        return partner_services.partner_add(actor=actor, data=data)

    def update(self, *, record: Partner, changes: dict, actor) -> Partner:
        return partner_services.partner_update(
            partner=record, actor=actor, data=changes
        )

    def set_external_id(self, *, record: Partner, remote_id: str, actor) -> None:
        if not record.external_id:
            taken = Partner.objects.filter(external_id=remote_id).exclude(pk=record.pk)
            if not taken.exists():
                self.update(
                    record=record, changes={"external_id": remote_id}, actor=actor
                )

    def by_external_id(self, remote_id: str, *, exclude: set[int]) -> Partner | None:
        found = Partner.objects.filter(external_id=remote_id).first()
        return found if found and found.pk not in exclude else None

    def local_pool(self, *, exclude, after: int = 0) -> list[SimpleNamespace]:
        """The partners a CRM record may be matched to (those not linked yet:
        ``exclude``, ids or a subquery of them; with an id above ``after``), as the
        matcher reads them."""
        domains = {}
        partners = Partner.objects.filter(pk__gt=after).exclude(pk__in=exclude)
        partners = partners.exclude(status=PartnerStatus.TERMINATED)
        for partner_id, domain in PartnerDomain.objects.filter(
            partner__in=partners
        ).values_list("partner_id", "domain"):
            domains.setdefault(partner_id, []).append(domain)
        return [
            SimpleNamespace(
                key=pk, name=name, website=website,
                domain_names=domains.get(pk, []),
            )
            for pk, name, website in partners.order_by().values_list(
                "pk", "name", "website"
            )
        ]  # fmt: skip


# Deals the CRM hears of: approved ones and what became of them.
SENT_DEAL_STATUSES = (
    DealStatus.APPROVED, DealStatus.WON, DealStatus.LOST, DealStatus.EXPIRED,
)  # fmt: skip


class DealObject(ObjectHandler):
    """Registered deals → CRM opportunities (linked to the partner's CRM account
    when the partner is linked), and the CRM's outcome back: an opportunity closed
    won or lost in the CRM marks the deal won (with the CRM's amount and close
    date) or lost, through the deals app's service for vendor admins. Deals are
    never created from the CRM; an opportunity is matched to a deal only by its
    exact name (which carries the deal's reference)."""

    object_type = "deals"
    remote_object = "opportunities"
    model = Deal
    crm_deleted_rule = (
        "The deal is kept as it is; the link is archived (re-sync sends it again)."
    )
    creates_from_crm = False
    fields = frozenset(
        {"name", "title", "status", "amount", "currency", "close_date", "account",
         "partner"}
    )  # fmt: skip
    default_mapping = [
        {"local": "name", "remote": "name", "direction": "out"},
        {"local": "status", "remote": "stage", "rule": "crm",
         "out": [["map", {"approved": "QUALIFICATION", "won": "CLOSED WON",
                          "lost": "CLOSED LOST", "expired": "CLOSED LOST"}]],
         "in": [["map", {"CLOSED WON": "won", "CLOSED LOST": "lost"},
                 "approved"]]},
        {"local": "status", "remote": "probability", "direction": "out",
         "out": [["map", {"approved": "50", "won": "100", "lost": "0",
                          "expired": "0"}]]},
        {"local": "amount", "remote": "amount", "rule": "crm"},
        {"local": "currency", "remote": "currency", "direction": "out"},
        {"local": "close_date", "remote": "closed_on", "rule": "crm"},
        {"local": "account", "remote": "account", "direction": "out"},
        {"local": "partner", "remote": "lead_source", "direction": "out",
         "out": [["constant", "PARTNER"]]},
    ]  # fmt: skip

    def __init__(self, connection=None):
        self.connection = connection

    def for_connection(self, connection) -> "DealObject":
        return DealObject(connection)

    def _deals(self):
        return Deal.objects.select_related("partner")

    def preview_records(self, *, user, limit: int) -> list[Deal]:
        return list(
            deal_selectors.deal_list_visible_to(user=user).filter(
                status__in=SENT_DEAL_STATUSES
            )[:limit]
        )

    def load(self, local_id: int) -> Deal | None:
        return self._deals().filter(pk=local_id).first()

    def ids_after(self, after: int, limit: int) -> list[int]:
        return list(
            Deal.objects.filter(pk__gt=after, status__in=SENT_DEAL_STATUSES)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )

    def opportunity_name(self, deal: Deal) -> str:
        # Unique in the CRM (BottleCRM refuses a second opportunity of a name).
        reference = str(deal.public_id)[:8]
        return f"{deal.title} - {deal.partner.name} ({reference})"

    def _account_of(self, deal: Deal) -> str:
        from openprm.integrations.crm.models import LinkState, SyncLink

        if self.connection is None:
            return ""
        return (
            SyncLink.objects.filter(
                connection=self.connection, object_type=PartnerObject.object_type,
                local_id=deal.partner_id, state=LinkState.LINKED,
            ).values_list("remote_id", flat=True).first() or ""
        )  # fmt: skip

    def values(self, deal: Deal) -> dict[str, Any]:
        return {
            "name": self.opportunity_name(deal),
            "title": deal.title,
            "status": deal.status,
            "amount": str(deal.total_amount),
            "currency": deal.currency,
            "close_date": deal.expected_close_date.isoformat(),
            "account": self._account_of(deal),
            "partner": deal.partner.name,
        }

    def label(self, deal: Deal) -> str:
        return deal.title

    def create(self, *, values: dict, actor):
        raise NotImplementedError("Deals are registered by partners, not the CRM.")

    def update(self, *, record: Deal, changes: dict, actor) -> Deal:
        return self.received(
            record=record, changes=changes, incoming=changes, actor=actor
        )

    def received(self, *, record: Deal, changes: dict, incoming: dict, actor) -> Deal:
        """Only the outcome comes back: a deal still open in OpenPRM closed won or
        lost in the CRM. Other changes of an open opportunity (its stage among the
        open ones, amount, date) stay the CRM's own forecast."""
        outcome = changes.get("status")
        if outcome not in (DealStatus.WON, DealStatus.LOST):
            return record
        closed_on = incoming.get("close_date") or None
        return deal_services.deal_record_crm_outcome(
            actor=actor, deal=record, won=outcome == DealStatus.WON,
            amount=incoming.get("amount") or None,
            closed_on=date.fromisoformat(str(closed_on)[:10]) if closed_on else None,
            reason="Closed lost in the CRM.",
        )  # fmt: skip

    def set_external_id(self, *, record: Deal, remote_id: str, actor) -> None:
        """Deals keep no CRM id of their own: the link holds it."""

    def by_external_id(self, remote_id: str, *, exclude: set[int]) -> None:
        return None

    def rank(
        self, *, name: str, website: str, others: list, values: dict | None = None
    ) -> list[Candidate]:
        wanted = name.strip().casefold()
        return [
            Candidate(key=other.key, label=other.name, score=100.0,
                      reasons=["Same opportunity name."])
            for other in others
            if wanted and other.name.strip().casefold() == wanted
        ]  # fmt: skip

    def local_pool(self, *, exclude) -> list[SimpleNamespace]:
        return [
            SimpleNamespace(key=deal.pk, name=self.opportunity_name(deal), website="")
            for deal in self._deals()
            .filter(status__in=SENT_DEAL_STATUSES)
            .exclude(pk__in=exclude)
            .only("pk", "public_id", "title", "partner__name")
        ]


class LeadObject(ObjectHandler):
    """The vendor's leads ↔ CRM leads. A CRM lead comes in to be routed: it becomes
    an OpenPRM lead through the leads app's own service, which routes it at once
    (its rules, strategies and capacities). What the partners make of it (offered,
    accepted, converted, rejected, lost) goes back onto the CRM lead's status. A
    lead made in OpenPRM is not created in the CRM; only leads linked to a CRM lead
    report back."""

    object_type = "leads"
    remote_object = "leads"
    model = Lead
    crm_deleted_rule = (
        "The lead stays with its partner as it is; the link is archived (its "
        "outcome is no longer reported)."
    )
    creates_in_crm = False
    reports_back = True
    fields = frozenset(
        {"company", "domain", "contact_name", "contact_email", "contact_phone",
         "country", "postal_code", "description", "status", "partner",
         "external_id"}
    )  # fmt: skip
    # BottleCRM's lead statuses: assigned, in process, converted, recycled, closed.
    default_mapping = [
        {"local": "company", "remote": "account_name", "direction": "in",
         "rule": "crm", "in": [["trim"]]},
        {"local": "contact_name", "remote": "first_name", "direction": "in",
         "rule": "crm", "in": [["concat", ["first_name", "last_name"], " "]]},
        {"local": "contact_email", "remote": "email", "direction": "in",
         "rule": "crm", "in": [["trim"], ["lower"]]},
        {"local": "contact_phone", "remote": "phone", "direction": "in",
         "rule": "crm"},
        {"local": "domain", "remote": "website", "direction": "in", "rule": "crm",
         "in": [["domain"]]},
        {"local": "country", "remote": "country", "direction": "in", "rule": "crm",
         "in": [["upper"]]},
        {"local": "description", "remote": "description", "direction": "in",
         "rule": "crm"},
        {"local": "status", "remote": "status", "direction": "out",
         "out": [["map", {"new": "assigned", "unassigned": "assigned",
                          "offered": "assigned", "accepted": "in process",
                          "working": "in process", "converted": "converted",
                          "rejected": "recycled", "recalled": "recycled",
                          "lost": "closed"}]]},
    ]  # fmt: skip

    def __init__(self, connection=None):
        self.connection = connection

    def for_connection(self, connection) -> "LeadObject":
        return LeadObject(connection)

    def preview_records(self, *, user, limit: int) -> list[Lead]:
        return list(
            Lead.objects.visible_to(user).select_related("current_partner")[:limit]
        )

    def load(self, local_id: int) -> Lead | None:
        return (
            Lead.objects.select_related("current_partner").filter(pk=local_id).first()
        )

    def ids_after(self, after: int, limit: int) -> list[int]:
        """The leads linked to this connection's CRM leads (the only ones sent)."""
        from openprm.integrations.crm.models import LinkState, SyncLink

        linked = SyncLink.objects.filter(
            connection=self.connection, object_type=self.object_type,
            state=LinkState.LINKED,
        ).values("local_id")  # fmt: skip
        return list(
            Lead.objects.filter(pk__gt=after, pk__in=linked)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )

    def values(self, lead: Lead) -> dict[str, Any]:
        values = {name: getattr(lead, name) or "" for name in self.fields - {"partner"}}
        values["partner"] = lead.current_partner.name if lead.current_partner else ""
        return values

    def label(self, lead: Lead) -> str:
        return lead.company

    def create(self, *, values: dict, actor) -> Lead:
        data = {name: value for name, value in values.items() if name in self.fields}
        data.pop("status", None)
        data.pop("partner", None)
        data["region"] = iso.region_for_country(data.get("country", ""))
        return lead_services.lead_create(
            actor=actor, data=data, source=LeadSource.API, route=True
        )

    def update(self, *, record: Lead, changes: dict, actor) -> Lead:
        data = {k: v for k, v in changes.items() if k not in ("status", "partner")}
        if not data:
            return record
        return lead_services.lead_update(actor=actor, lead=record, data=data)

    def set_external_id(self, *, record: Lead, remote_id: str, actor) -> None:
        if not record.external_id:
            taken = Lead.objects.filter(external_id=remote_id).exclude(pk=record.pk)
            if not taken.exists():
                self.update(
                    record=record, changes={"external_id": remote_id}, actor=actor
                )

    def by_external_id(self, remote_id: str, *, exclude: set[int]) -> Lead | None:
        found = Lead.objects.filter(external_id=remote_id).first()
        return found if found and found.pk not in exclude else None

    def rank(
        self, *, name: str, website: str, others: list, values: dict | None = None
    ) -> list[Candidate]:
        """A lead is the same when it is the same person of the same company (one
        company may well send several leads): the same contact email and the same
        company name (as the partner duplicates' matcher normalises it) is certain;
        the same contact email alone waits for a person."""
        email = str((values or {}).get("contact_email") or "").strip().casefold()
        if not email:
            return []
        company = duplicates.normalise_name(str((values or {}).get("company") or name))
        found = []
        for other in others:
            if other.email != email:
                continue
            if company and duplicates.normalise_name(other.name) == company:
                found.append(
                    Candidate(
                        other.key,
                        other.name,
                        100.0,
                        ["Same contact email and company."],
                    )
                )
            else:
                found.append(
                    Candidate(other.key, other.name, 80.0, ["Same contact email."])
                )
        found.sort(key=lambda candidate: -candidate.score)
        return found  # fmt: skip

    def local_pool(self, *, exclude) -> list[SimpleNamespace]:
        """The leads not linked yet that have a contact email (the only ones a CRM
        lead can be matched to)."""
        return [
            SimpleNamespace(key=pk, name=company, website="", email=email.casefold())
            for pk, company, email in Lead.objects.exclude(pk__in=exclude)
            .exclude(contact_email="")
            .values_list("pk", "company", "contact_email")
        ]


def _linked_ids(connection, object_type: str):
    """This connection's links of ``object_type`` (remote id by local id)."""
    from openprm.integrations.crm.models import LinkState, SyncLink

    return SyncLink.objects.filter(
        connection=connection, object_type=object_type, state=LinkState.LINKED
    )


class ContactObject(ObjectHandler):
    """Partner contacts ↔ CRM contacts, each on its partner's CRM account (the
    partner linked on the same connection). A CRM contact becomes a contact of the
    partner whose account it is on; one on no partner's account stays in the CRM.
    Matched before creating by email, then by the same name at the same partner."""

    object_type = "contacts"
    remote_object = "contacts"
    model = Contact
    crm_deleted_rule = (
        "The partner contact is kept; the link is archived (it is not sent again "
        "until someone re-syncs it)."
    )
    fields = frozenset(
        {"name", "first_name", "last_name", "email", "phone", "title", "account",
         "partner"}
    )  # fmt: skip
    default_mapping = [
        {"local": "first_name", "remote": "first_name", "direction": "out",
         "out": [["default", "-"]]},
        {"local": "last_name", "remote": "last_name", "direction": "out",
         "out": [["default", "-"]]},
        {"local": "name", "remote": "first_name", "direction": "in",
         "in": [["concat", ["first_name", "last_name"], " "]]},
        {"local": "email", "remote": "email", "rule": "newest",
         "in": [["trim"], ["lower"]]},
        {"local": "phone", "remote": "phone", "rule": "newest"},
        {"local": "title", "remote": "description", "direction": "out"},
        {"remote": "address_line", "direction": "out", "create_only": True,
         "out": [["constant", "-"]]},
        {"local": "account", "remote": "account", "rule": "prm"},
    ]  # fmt: skip

    def __init__(self, connection=None):
        self.connection = connection

    def for_connection(self, connection) -> "ContactObject":
        return ContactObject(connection)

    def _contacts(self):
        return Contact.objects.select_related("partner")

    def preview_records(self, *, user, limit: int) -> list[Contact]:
        partners = partner_selectors.partner_list_visible_to(user=user)
        return list(self._contacts().filter(partner__in=partners)[:limit])

    def load(self, local_id: int) -> Contact | None:
        return self._contacts().filter(pk=local_id).first()

    def ids_after(self, after: int, limit: int) -> list[int]:
        return list(
            Contact.objects.filter(pk__gt=after)
            .exclude(partner__status=PartnerStatus.TERMINATED)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )

    def _account_of(self, partner_id: int) -> str:
        if self.connection is None:
            return ""
        return (
            _linked_ids(self.connection, PartnerObject.object_type)
            .filter(local_id=partner_id)
            .values_list("remote_id", flat=True)
            .first()
            or ""
        )

    def _partner_of(self, account: str) -> Partner | None:
        if self.connection is None or not account:
            return None
        local_id = (
            _linked_ids(self.connection, PartnerObject.object_type)
            .filter(remote_id=account)
            .values_list("local_id", flat=True)
            .first()
        )
        return Partner.objects.filter(pk=local_id).first() if local_id else None

    def values(self, contact: Contact) -> dict[str, Any]:
        first, _space, last = contact.name.strip().partition(" ")
        return {
            "name": contact.name,
            "first_name": first,
            "last_name": last,
            "email": contact.email,
            "phone": contact.phone,
            "title": contact.title,
            "account": self._account_of(contact.partner_id),
            "partner": contact.partner.name,
        }

    def label(self, contact: Contact) -> str:
        return contact.name

    def search_text(self, values: dict) -> str:
        return str(values.get("email") or values.get("name") or "")

    def skip_reason(self, values: dict) -> str:
        if self._partner_of(str(values.get("account") or "")) is None:
            return "On no account linked to a partner."
        return ""

    def create(self, *, values: dict, actor) -> Contact:
        partner = self._partner_of(str(values.get("account") or ""))
        if partner is None:
            raise ValidationFailed(
                field_errors={"account": ["On no account linked to a partner."]}
            )
        data = {
            name: values[name]
            for name in ("name", "email", "phone", "title")
            if name in values
        }
        return partner_services.contact_create(partner=partner, actor=actor, data=data)

    def update(self, *, record: Contact, changes: dict, actor) -> Contact:
        data = {
            name: value
            for name, value in changes.items()
            if name in ("name", "email", "phone", "title")
        }
        if not data:
            return record
        return partner_services.contact_update(contact=record, actor=actor, data=data)

    def set_external_id(self, *, record: Contact, remote_id: str, actor) -> None:
        """Contacts keep no CRM id of their own: the link holds it."""

    def by_external_id(self, remote_id: str, *, exclude: set[int]) -> None:
        return None

    def rank(
        self, *, name: str, website: str, others: list, values: dict | None = None
    ) -> list[Candidate]:
        """The same email is the same person; the same name (as the duplicates'
        matcher normalises it) on the same account may be, and waits for a
        person."""
        values = values or {}
        email = str(values.get("email") or "").strip().casefold()
        wanted = duplicates.normalise_name(str(values.get("name") or name))
        account = str(values.get("account") or "")
        found = []
        for other in others:
            if email and other.email == email:
                found.append(Candidate(other.key, other.name, 100.0, ["Same email."]))
            elif (
                wanted
                and account
                and other.account == account
                and duplicates.normalise_name(other.name) == wanted
            ):
                found.append(
                    Candidate(
                        other.key, other.name, 90.0, ["Same name on the same account."]
                    )
                )
        found.sort(key=lambda candidate: -candidate.score)
        return found  # fmt: skip

    def local_pool(self, *, exclude) -> list[SimpleNamespace]:
        accounts = (
            dict(
                _linked_ids(self.connection, PartnerObject.object_type).values_list(
                    "local_id", "remote_id"
                )
            )
            if self.connection is not None
            else {}
        )
        return [
            SimpleNamespace(
                key=pk, name=name, website="", email=email.casefold(),
                account=accounts.get(partner_id, ""),
            )
            for pk, name, email, partner_id in Contact.objects.exclude(pk__in=exclude)
            .exclude(partner__status=PartnerStatus.TERMINATED)
            .values_list("pk", "name", "email", "partner_id")
        ]  # fmt: skip


class UserObject(ObjectHandler):
    """Partner users → CRM contacts on their partner's CRM account (the partner
    linked on the same connection), one per membership (a person in two partners
    is a contact on each account). Matched before creating by email (any case): a
    CRM contact with the user's email is linked, never duplicated. Users are never
    created from the CRM, and the CRM never changes a user (a user's name and
    email are their own): with "in" on, a CRM contact on a partner's account that
    has the email of one of that partner's users is linked to the user (and not
    made a partner contact). A user who is also a contact of the same partner
    (same email) is synced as that contact, once."""

    object_type = "users"
    remote_object = "contacts"
    model = Membership
    creates_from_crm = False
    # Linking to an existing CRM contact also puts it on the partner's account.
    relink_fields = ("account",)
    fields = frozenset(
        {"name", "first_name", "last_name", "email", "title", "account", "partner"}
    )
    default_mapping = [
        {"local": "first_name", "remote": "first_name", "direction": "out",
         "out": [["default", "-"]]},
        {"local": "last_name", "remote": "last_name", "direction": "out",
         "out": [["default", "-"]]},
        {"local": "email", "remote": "email", "rule": "prm",
         "in": [["trim"], ["lower"]]},
        {"local": "title", "remote": "description", "direction": "out"},
        {"remote": "address_line", "direction": "out", "create_only": True,
         "out": [["constant", "-"]]},
        {"local": "account", "remote": "account", "rule": "prm"},
    ]  # fmt: skip
    crm_deleted_rule = (
        "The user is kept as they are; the link is archived (the user is not sent "
        "again until someone re-syncs them)."
    )

    def __init__(self, connection=None):
        self.connection = connection

    def for_connection(self, connection) -> "UserObject":
        return UserObject(connection)

    def _memberships(self):
        return Membership.objects.select_related("user", "partner")

    def preview_records(self, *, user, limit: int) -> list[Membership]:
        partners = partner_selectors.partner_list_visible_to(user=user)
        return list(
            self._memberships().filter(partner__in=partners, is_active=True)[:limit]
        )

    def load(self, local_id: int) -> Membership | None:
        return self._memberships().filter(pk=local_id).first()

    def ids_after(self, after: int, limit: int) -> list[int]:
        return list(
            Membership.objects.filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )

    def gone_reason(self, record) -> str:
        if record is None:
            return "Deleted in OpenPRM."
        if not record.is_active or not record.user.is_active:
            return "Deactivated in OpenPRM (the CRM contact is kept)."
        if record.partner.status == PartnerStatus.TERMINATED:
            return "The partner was terminated in OpenPRM (the CRM contact is kept)."
        return ""

    def _account_of(self, partner_id: int) -> str:
        return ContactObject(self.connection)._account_of(partner_id)

    def values(self, membership: Membership) -> dict[str, Any]:
        user = membership.user
        name = user.full_name.strip() or user.email.split("@")[0]
        first, _space, last = name.partition(" ")
        return {
            "name": name,
            "first_name": first,
            "last_name": last,
            "email": user.email,
            "title": ", ".join(membership.role_labels()),
            "account": self._account_of(membership.partner_id),
            "partner": membership.partner.name,
            "partner_id": membership.partner_id,
        }

    def label(self, membership: Membership) -> str:
        return membership.user.full_name or membership.user.email

    def search_text(self, values: dict) -> str:
        return str(values.get("email") or "")

    def skip_reason(self, values: dict) -> str:
        if not values.get("account"):
            return "On no account linked to a partner."
        contacts_synced = self.connection is not None and (
            self.connection.allows("contacts", "out")
            or self.connection.allows("contacts", "in")
        )
        if (
            contacts_synced
            and Contact.objects.filter(
                partner_id=values.get("partner_id"),
                email__iexact=str(values.get("email") or ""),
            ).exists()
        ):
            return "Synced as the partner's contact with the same email."
        return ""

    def create(self, *, values: dict, actor):
        raise NotImplementedError("Users are invited in OpenPRM, not made by the CRM.")

    def update(self, *, record: Membership, changes: dict, actor) -> Membership:
        """The CRM never changes a user."""
        return record

    def set_external_id(self, *, record, remote_id: str, actor) -> None:
        """Users keep no CRM id of their own: the link holds it."""

    def by_external_id(self, remote_id: str, *, exclude: set[int]) -> None:
        return None

    def rank(
        self, *, name: str, website: str, others: list, values: dict | None = None
    ) -> list[Candidate]:
        """The same email (any case) is the same person (the membership of the
        partner whose account it is on first)."""
        email = str((values or {}).get("email") or "").strip().casefold()
        account = str((values or {}).get("account") or "")
        found = [
            Candidate(other.key, other.name, 100.0, ["Same email."])
            for other in others
            if email and other.email == email
        ]
        accounts = {other.key: other.account for other in others}
        found.sort(key=lambda c: not account or accounts.get(c.key) != account)
        return found

    def local_pool(self, *, exclude) -> list[SimpleNamespace]:
        accounts = (
            dict(
                _linked_ids(self.connection, PartnerObject.object_type).values_list(
                    "local_id", "remote_id"
                )
            )
            if self.connection is not None
            else {}
        )
        return [
            SimpleNamespace(key=pk, name=full_name or email, website="",
                            email=email.casefold(),
                            account=accounts.get(partner_id, ""))
            for pk, full_name, email, partner_id in Membership.objects.exclude(
                pk__in=exclude
            )
            .filter(is_active=True, user__is_active=True)
            .exclude(partner__status=PartnerStatus.TERMINATED)
            .values_list("pk", "user__full_name", "user__email", "partner_id")
        ]  # fmt: skip


class CustomerObject(ObjectHandler):
    """The vendor's own customer accounts (those the deal conflict check reads) ↔
    CRM accounts. A CRM account linked to a partner is the partner's; every other
    one matched to nothing becomes a customer account (keep "CRM accounts →
    partners" off when the CRM holds customers too: partners reach the CRM from
    OpenPRM and are linked first). Matched before creating by the CRM id, then
    with the partner duplicates' matcher on name and domain. Customer accounts are
    not created in the CRM (they come from it); linked ones send their changes on
    a full run."""

    object_type = "customers"
    remote_object = "accounts"
    model = CustomerAccount
    blocking = True
    crm_deleted_rule = (
        "The customer account is deactivated (kept, no longer checked for deal "
        "conflicts); the link is archived."
    )
    creates_in_crm = False
    created_with_remote_id = True
    fields = frozenset({"name", "domain", "country", "external_id"})
    default_mapping = [
        {"local": "name", "remote": "name", "rule": "crm", "in": [["trim"]]},
        {"local": "domain", "remote": "website", "rule": "crm",
         "in": [["domain"]], "out": [["url"]]},
        {"local": "country", "remote": "billing_country", "rule": "crm",
         "in": [["upper"]]},
    ]  # fmt: skip

    def __init__(self, connection=None):
        self.connection = connection

    def for_connection(self, connection) -> "CustomerObject":
        return CustomerObject(connection)

    def preview_records(self, *, user, limit: int) -> list[CustomerAccount]:
        if not getattr(user, "is_vendor_staff", False):
            return []
        return list(CustomerAccount.objects.filter(is_active=True)[:limit])

    def load(self, local_id: int) -> CustomerAccount | None:
        return CustomerAccount.objects.filter(pk=local_id).first()

    def ids_after(self, after: int, limit: int) -> list[int]:
        linked = _linked_ids(self.connection, self.object_type).values("local_id")
        return list(
            CustomerAccount.objects.filter(pk__gt=after, pk__in=linked)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )

    def values(self, account: CustomerAccount) -> dict[str, Any]:
        return {
            "name": account.customer_name,
            "domain": account.customer_domain,
            "country": account.customer_country,
            "external_id": account.external_id,
        }

    def label(self, account: CustomerAccount) -> str:
        return account.customer_name

    def _save(self, *, actor, external_id: str, values: dict, current=None):
        current = current or SimpleNamespace(
            kind="account", product_line="", expected_close_date=None, is_active=True
        )
        account, _created = deal_services.customer_account_upsert(
            actor=actor, external_id=external_id, name=str(values.get("name") or ""),
            domain=str(values.get("domain") or ""),
            country=str(values.get("country") or ""), kind=current.kind,
            product_line=current.product_line,
            expected_close_date=current.expected_close_date,
            is_active=current.is_active,
        )  # fmt: skip
        return account

    def create(self, *, values: dict, actor) -> CustomerAccount:
        return self._save(
            actor=actor, external_id=str(values["external_id"]), values=values
        )

    def update(self, *, record: CustomerAccount, changes: dict, actor):
        values = {**self.values(record), **changes}
        return self._save(
            actor=actor, external_id=record.external_id, values=values, current=record
        )

    def set_external_id(self, *, record, remote_id: str, actor) -> None:
        """A customer account's CRM id is given when it is created (or matched)."""

    def crm_deleted(self, *, record, actor) -> str:
        if record is not None and record.is_active:
            deal_services.customer_account_upsert(
                actor=actor, external_id=record.external_id,
                name=record.customer_name, domain=record.customer_domain,
                country=record.customer_country, kind=record.kind,
                product_line=record.product_line,
                expected_close_date=record.expected_close_date, is_active=False,
            )  # fmt: skip
        return self.crm_deleted_rule

    def by_external_id(self, remote_id: str, *, exclude: set[int]):
        found = CustomerAccount.objects.filter(external_id=remote_id).first()
        return found if found and found.pk not in exclude else None

    def local_pool(self, *, exclude, after: int = 0) -> list[SimpleNamespace]:
        return [
            SimpleNamespace(key=pk, name=name, website=domain)
            for pk, name, domain in CustomerAccount.objects.exclude(pk__in=exclude)
            .filter(is_active=True, pk__gt=after)
            .order_by()
            .values_list("pk", "customer_name", "customer_domain")
        ]


OBJECTS = {
    handler.object_type: handler
    for handler in (
        PartnerObject(), DealObject(), LeadObject(), UserObject(), ContactObject(),
        CustomerObject(),
    )
}  # fmt: skip
