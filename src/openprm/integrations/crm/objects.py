"""What the sync knows of each kind of OpenPRM record: how to read one, create and
change it (always through its app's services, as the connection's user), and find
the records a CRM record may be (with the partner duplicates' matcher)."""

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from openprm.core import iso
from openprm.partners import duplicates
from openprm.partners import services as partner_services
from openprm.partners.models import Partner, PartnerStatus


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


class PartnerObject:
    """Partners ↔ CRM accounts."""

    object_type = "partners"
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

    def local_pool(self, *, exclude: set[int]) -> list[SimpleNamespace]:
        """The partners a CRM record may be matched to (those not linked yet), as
        the matcher reads them."""
        return [
            SimpleNamespace(
                key=partner.pk,
                name=partner.name,
                website=partner.website,
                domain_names=[domain.domain for domain in partner.domains.all()],
            )
            for partner in Partner.objects.exclude(pk__in=exclude)
            .exclude(status=PartnerStatus.TERMINATED)
            .prefetch_related("domains")
            .only("pk", "name", "website")
        ]


OBJECTS = {PartnerObject.object_type: PartnerObject()}
