"""The partner directory's filters: a query string parsed into a ``Q`` and an ordering.

Pure: no query runs here. The console page, the exports and the API parse the same
query string, so a filtered list, its export and its saved view always agree. Values
that are not valid choices are dropped rather than raised: a stale bookmark still opens.
"""

from dataclasses import dataclass, fields
from uuid import UUID

from django.apps import apps
from django.db.models import Exists, OuterRef, Q

from openprm.core.db import JSONListContains
from openprm.partners.choices import (
    EmployeeBand,
    Industry,
    PartnerStatus,
    PartnerType,
    Region,
    RevenueBand,
)

SEARCH_MAX_LENGTH = 100
CUSTOM_FIELD_PREFIX = "cf_"

ORDERINGS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "status": ("status", "name", "id"),
    "-status": ("-status", "-name", "-id"),
    "country": ("country", "name", "id"),
    "-country": ("-country", "-name", "-id"),
}

# The query-string keys, in the order a normalised query string lists them.
LIST_KEYS = ("status", "type", "industry", "specialisation", "tag")
SCALAR_KEYS = (
    "q",
    "country",
    "region",
    "manager",
    "employee_band",
    "revenue_band",
    "programme",
    "tier",
    "sort",
)


@dataclass(frozen=True)
class DirectoryFilters:
    """What a directory query string asks for, validated."""

    q: str = ""
    status: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    country: str = ""
    region: str = ""
    manager: str = ""  # a user's public id, or "none" for partners without one
    industry: tuple[str, ...] = ()
    specialisation: tuple[str, ...] = ()
    tag: tuple[str, ...] = ()
    employee_band: str = ""
    revenue_band: str = ""
    programme: str = ""  # a programme's public id
    tier: int | None = None
    custom: tuple[tuple[str, str], ...] = ()  # (key, value), from ``cf_<key>=value``
    sort: str = "name"

    @property
    def is_filtered(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self) if f.name != "sort")

    def ordering(self) -> tuple[str, ...]:
        return ORDERINGS[self.sort]

    def to_q(self) -> Q:
        """The filter as one ``Q`` over ``Partner``; list filters match any value
        given (OR), different filters all (AND)."""
        q = Q()
        if self.q:
            q &= search_q(self.q)
        if self.status:
            q &= Q(status__in=self.status)
        if self.type:
            # Any of the partner's types, not only the primary one.
            q &= _any_of("partner_types", self.type) | Q(partner_type__in=self.type)
        if self.country:
            q &= Q(country=self.country)
        if self.region:
            q &= Q(region=self.region)
        if self.manager == "none":
            q &= Q(channel_manager__isnull=True)
        elif self.manager:
            q &= Q(channel_manager__public_id=self.manager)
        for key in ("industry", "specialisation", "tag"):
            values = getattr(self, key)
            if values:
                column = {"industry": "industries", "specialisation": "specialisations"}
                q &= _any_of(column.get(key, "tags"), values)
        if self.employee_band:
            q &= Q(employee_band=self.employee_band)
        if self.revenue_band:
            q &= Q(revenue_band=self.revenue_band)
        if self.programme or self.tier is not None:
            q &= Q(_enrolled(self.programme, self.tier))
        for key, value in self.custom:
            q &= Q(**{f"custom_fields__{key}": _custom_value(value)})
        return q

    def querystring(self) -> str:
        """The filters as a normalised query string, for links and exports."""
        from urllib.parse import urlencode

        pairs: list[tuple[str, str]] = []
        for key in SCALAR_KEYS:
            value = getattr(self, key)
            if key == "sort" and value == "name":
                continue
            if value not in ("", None):
                pairs.append((key, str(value)))
        for key in LIST_KEYS:
            pairs.extend((key, value) for value in getattr(self, key))
        pairs.extend(
            (f"{CUSTOM_FIELD_PREFIX}{key}", value) for key, value in self.custom
        )
        return urlencode(pairs)


def search_q(text: str) -> Q:
    """Name, legal name, city, a domain, or a contact's name or email holding
    ``text``.

    Domains and contacts are ``EXISTS`` subqueries: a join would repeat a partner once
    per matching contact and need a DISTINCT over the whole page.
    """
    partner_domain = apps.get_model("partners", "PartnerDomain")
    contact = apps.get_model("partners", "Contact")
    return (
        Q(name__icontains=text)
        | Q(legal_name__icontains=text)
        | Q(city__icontains=text)
        | Q(
            Exists(
                partner_domain.objects.filter(
                    partner=OuterRef("pk"), domain__icontains=text.lower()
                )
            )
        )
        | Q(
            Exists(
                contact.objects.filter(partner=OuterRef("pk")).filter(
                    Q(name__icontains=text) | Q(email__icontains=text)
                )
            )
        )
    )


def _any_of(column: str, values: tuple[str, ...]) -> Q:
    q = Q()
    for value in values:
        q |= Q(JSONListContains(column, value))
    return q


def _enrolled(programme: str, tier: int | None) -> Exists:
    # Looked up lazily: programmes build on partners, not the other way round.
    enrolment = apps.get_model("programs", "Enrolment")
    enrolments = enrolment.objects.filter(partner=OuterRef("pk"), status="active")
    if programme:
        enrolments = enrolments.filter(programme__public_id=programme)
    if tier is not None:
        enrolments = enrolments.filter(tier_id=tier)
    return Exists(enrolments)


def _custom_value(value: str):
    """A custom field value as stored: booleans and numbers are JSON, not text."""
    if value in ("true", "false"):
        return value == "true"
    try:
        return int(value)
    except ValueError:
        return value


def _uuid(value: str) -> str:
    try:
        return str(UUID(value))
    except ValueError:
        return ""


def parse(
    params, *, custom_keys: set[str] | frozenset[str] = frozenset()
) -> DirectoryFilters:
    """Read a ``QueryDict`` (or a dict of lists) into filters; invalid values drop.

    ``custom_keys`` are the custom fields the reader may filter on.
    """

    def many(key: str, allowed) -> tuple[str, ...]:
        values = (
            params.getlist(key) if hasattr(params, "getlist") else params.get(key, [])
        )
        if isinstance(values, str):
            values = [values]
        chosen: list[str] = []
        for value in values:
            value = value.strip()
            if value and (allowed is None or value in allowed) and value not in chosen:
                chosen.append(value)
        return tuple(chosen)

    def one(key: str) -> str:
        value = params.get(key, "")
        if isinstance(value, list):
            value = value[-1] if value else ""
        return str(value).strip()

    manager = one("manager")
    if manager != "none":
        manager = _uuid(manager) if manager else ""
    tier = one("tier")
    sort = one("sort") or "name"
    country = one("country").upper()
    custom = []
    for key in sorted(params.keys()):
        if key.startswith(CUSTOM_FIELD_PREFIX):
            name = key[len(CUSTOM_FIELD_PREFIX) :]
            value = one(key)
            if name in custom_keys and value:
                custom.append((name, value))
    return DirectoryFilters(
        q=one("q")[:SEARCH_MAX_LENGTH],
        status=many("status", PartnerStatus.values),
        type=many("type", PartnerType.values),
        country=country if len(country) == 2 and country.isalpha() else "",
        region=one("region") if one("region") in Region.values else "",
        manager=manager,
        industry=many("industry", Industry.values),
        specialisation=many("specialisation", None),
        tag=many("tag", None),
        employee_band=one("employee_band")
        if one("employee_band") in EmployeeBand.values
        else "",
        revenue_band=one("revenue_band")
        if one("revenue_band") in RevenueBand.values
        else "",
        programme=_uuid(one("programme")) if one("programme") else "",
        tier=int(tier) if tier.isdigit() else None,
        custom=tuple(custom),
        sort=sort if sort in ORDERINGS else "name",
    )
