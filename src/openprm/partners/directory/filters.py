"""The partner directory's filters: a query string parsed into a ``Q`` and an ordering.

Pure: no query runs here. The console page, the exports and the API parse the same
query string, so a filtered list, its export and its saved view always agree. Values
that are not valid choices are dropped rather than raised: a stale bookmark still opens.
"""

import math
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, fields
from datetime import date
from uuid import UUID

from django.apps import apps
from django.db.models import Exists, F, OuterRef, Q, Subquery

from openprm.core import search
from openprm.core.db import JSONListContains
from openprm.partners.choices import (
    CustomFieldType,
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
    # The API's earlier names for the creation order.
    "created_at": ("created_at", "id"),
    "-created_at": ("-created_at", "-id"),
    # By the score on ``scorecard`` (unscored partners last); by name without one.
    "score": (),
    "-score": (),
}
SCORE_SORTS = ("score", "-score")

# The query-string keys, in the order a normalised query string lists them.
LIST_KEYS = ("status", "type", "industry", "specialisation", "tag", "language")
SCALAR_KEYS = (
    "q",
    "country",
    "region",
    "manager",
    "parent",
    "employee_band",
    "revenue_band",
    "programme",
    "tier",
    "scorecard",
    "score_min",
    "score_max",
    "sort",
)
# The valid values of the choice filters (``Choices.values`` builds a list per call).
_STATUSES = frozenset(PartnerStatus.values)
_TYPES = frozenset(PartnerType.values)
_REGIONS = frozenset(Region.values)
_INDUSTRIES = frozenset(Industry.values)
_EMPLOYEE_BANDS = frozenset(EmployeeBand.values)
_REVENUE_BANDS = frozenset(RevenueBand.values)
# ``cf_<key>`` filters a custom field by its type: text contains, number or date
# equals, choice is one of (repeatable), multi-choice holds one of (repeatable),
# boolean is ``true``/``false``; ``cf_<key>__min`` and ``cf_<key>__max`` bound a
# number or date field.
RANGE_SUFFIXES = ("__min", "__max")


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
    language: tuple[str, ...] = ()
    # The parent partner: its id (digits, as partner documents' ``parent``) or its
    # public id, or "none" for partners at the top.
    parent: str = ""
    programme: str = ""  # a programme's public id
    tier: int | None = None
    scorecard: str = ""  # a scorecard's public id: score range and score sort
    score_min: int | None = None
    score_max: int | None = None
    # (key, operator, values): operator "" (by the field's type), "min" or "max".
    custom: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    # The custom fields' types, to build their conditions (not a filter).
    custom_types: tuple[tuple[str, str], ...] = ()
    sort: str = "name"

    @property
    def is_filtered(self) -> bool:
        return any(
            getattr(self, f.name) not in ("", (), None)
            for f in fields(self)
            if f.name not in ("sort", "custom_types")
        )

    @property
    def sorts_by_score(self) -> bool:
        return self.sort in SCORE_SORTS and bool(self.scorecard)

    def annotations(self) -> dict:
        """What the ordering needs beyond the partner's columns."""
        if not self.sorts_by_score:
            return {}
        score = apps.get_model("scoring", "PartnerScore")
        return {
            "directory_score": Subquery(
                score.objects.filter(
                    partner=OuterRef("pk"),
                    scorecard__public_id=self.scorecard,
                    is_current=True,
                ).values("score")[:1]
            )
        }

    def ordering(self) -> tuple:
        if self.sorts_by_score:
            score = F("directory_score")
            if self.sort == "-score":
                return (score.desc(nulls_last=True), "name", "id")
            return (score.asc(nulls_last=True), "name", "id")
        return ORDERINGS[self.sort] or ORDERINGS["name"]

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
        if self.parent == "none":
            q &= Q(parent__isnull=True)
        elif self.parent.isdigit():
            q &= Q(parent_id=int(self.parent))
        elif self.parent:
            q &= Q(parent__public_id=self.parent)
        columns = {
            "industry": "industries",
            "specialisation": "specialisations",
            "tag": "tags",
            "language": "languages",
        }
        for key, column in columns.items():
            values = getattr(self, key)
            if values:
                q &= _any_of(column, values)
        if self.employee_band:
            q &= Q(employee_band=self.employee_band)
        if self.revenue_band:
            q &= Q(revenue_band=self.revenue_band)
        if self.programme or self.tier is not None:
            q &= Q(_enrolled(self.programme, self.tier))
        if self.scorecard and (
            self.score_min is not None or self.score_max is not None
        ):
            q &= Q(_scored(self.scorecard, self.score_min, self.score_max))
        types = dict(self.custom_types)
        for key, operator, values in self.custom:
            q &= custom_q(key, types.get(key, ""), operator, values)
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
        for key, operator, values in self.custom:
            name = f"{CUSTOM_FIELD_PREFIX}{key}{'__' + operator if operator else ''}"
            pairs.extend((name, value) for value in values)
        return urlencode(pairs)


def search_q(text: str) -> Q:
    """Name, legal name, city, a domain, or a contact's name or email holding
    ``text`` (``core.search``: an index answers it on both databases)."""
    partners = apps.get_app_config("partners").models_module
    return search.search_q(
        text, partners.PARTNER_SEARCH, partners.DOMAIN_SEARCH, partners.CONTACT_SEARCH
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


def _scored(scorecard: str, low: int | None, high: int | None) -> Exists:
    # Looked up lazily: scoring builds on partners, not the other way round.
    score = apps.get_model("scoring", "PartnerScore")
    scores = score.objects.filter(
        partner=OuterRef("pk"), scorecard__public_id=scorecard, is_current=True
    )
    if low is not None:
        scores = scores.filter(score__gte=low)
    if high is not None:
        scores = scores.filter(score__lte=high)
    return Exists(scores)


def _custom_value(value: str):
    """A custom field value as stored: booleans and numbers are JSON, not text."""
    if value in ("true", "false"):
        return value == "true"
    return _number(value, value)


def _number(value: str, default=None):
    try:
        return int(value)
    except ValueError:
        try:
            number = float(value)
        except ValueError:
            return default
        return number if math.isfinite(number) else default


def custom_q(key: str, field_type: str, operator: str, values: tuple[str, ...]) -> Q:
    """The condition on custom field ``key`` of type ``field_type`` (values checked
    by :func:`parse`)."""
    path = f"custom_fields__{key}"
    if operator in ("min", "max"):
        lookup = "gte" if operator == "min" else "lte"
        value = values[0]
        bound = _number(value) if field_type == CustomFieldType.NUMBER else value
        return Q(**{f"{path}__{lookup}": bound})
    if field_type == CustomFieldType.TEXT:
        return Q(**{f"{path}__icontains": values[0]})
    if field_type == CustomFieldType.NUMBER:
        return Q(**{path: _number(values[0])})
    if field_type == CustomFieldType.CHOICE:
        return Q(**{f"{path}__in": list(values)})
    if field_type == CustomFieldType.MULTI_CHOICE:
        return _any_of(path, values)
    if field_type == CustomFieldType.BOOLEAN:
        return Q(**{path: values[0] == "true"})
    # A date, or a field of unknown type: equal to the stored value.
    return Q(**{path: _custom_value(values[0])})


def _custom_values(field_type: str, operator: str, values: list[str]) -> list[str]:
    """The values of one custom field filter that make sense for its type."""
    if operator:
        if field_type == CustomFieldType.NUMBER:
            values = [v for v in values if _number(v) is not None]
        elif field_type == CustomFieldType.DATE:
            values = [v for v in values if _date(v)]
        else:
            return []
        return values[-1:]
    if field_type == CustomFieldType.BOOLEAN:
        return [v for v in values if v in ("true", "false")][-1:]
    if field_type == CustomFieldType.NUMBER:
        return [v for v in values if _number(v) is not None][-1:]
    if field_type == CustomFieldType.DATE:
        return [v for v in values if _date(v)][-1:]
    if field_type in (CustomFieldType.CHOICE, CustomFieldType.MULTI_CHOICE):
        return list(dict.fromkeys(values))
    return values[-1:]


def _date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _score(value: str) -> int | None:
    return int(value) if value.isdigit() and int(value) <= 100 else None


def _uuid(value: str) -> str:
    try:
        return str(UUID(value))
    except ValueError:
        return ""


def _partner_id(value: str) -> str:
    """A partner's id (a positive integer that fits a 64-bit column) or public id
    (a UUID), normalised."""
    if value.isascii() and value.isdigit() and 0 < int(value) < 2**63:
        return str(int(value))
    return _uuid(value)


def _split_custom(name: str) -> tuple[str, str]:
    """``cf_<key>__min`` -> (key, "min"); ``cf_<key>`` -> (key, "")."""
    key = name[len(CUSTOM_FIELD_PREFIX) :]
    for suffix in RANGE_SUFFIXES:
        if key.endswith(suffix):
            return key[: -len(suffix)], suffix[2:]
    return key, ""


def custom_filter_keys(params) -> list[tuple[str, str, str]]:
    """The custom field filters a query string names: (parameter, key, operator)."""
    return [
        (name, *_split_custom(name))
        for name in sorted(params.keys())
        if name.startswith(CUSTOM_FIELD_PREFIX)
    ]


def _getlist(params, key: str) -> list[str]:
    values = params.getlist(key) if hasattr(params, "getlist") else params.get(key, [])
    if isinstance(values, str):
        values = [values]
    return [str(value).strip() for value in values]


def parse(params, *, custom_keys: Mapping[str, str] | AbstractSet = frozenset()):
    """Read a ``QueryDict`` (or a dict of lists) into filters; invalid values drop.

    ``custom_keys`` are the custom fields the reader may filter on: a mapping of key
    to field type (a plain set: every value compared as stored).
    """
    types = (
        dict(custom_keys)
        if isinstance(custom_keys, Mapping)
        else dict.fromkeys(custom_keys, "")
    )

    def many(key: str, allowed) -> tuple[str, ...]:
        values = _getlist(params, key)
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
    for name, key, operator in custom_filter_keys(params):
        if key not in types:
            continue
        values = [value for value in _getlist(params, name) if value]
        values = _custom_values(types[key], operator, values)
        if values:
            custom.append((key, operator, tuple(values)))
    used = {key for key, _operator, _values in custom}
    parent = one("parent")
    if parent != "none":
        parent = _partner_id(parent) if parent else ""
    scorecard = _uuid(one("scorecard")) if one("scorecard") else ""
    return DirectoryFilters(
        q=one("q")[:SEARCH_MAX_LENGTH],
        status=many("status", _STATUSES),
        type=many("type", _TYPES),
        country=country if len(country) == 2 and country.isalpha() else "",
        region=one("region") if one("region") in _REGIONS else "",
        manager=manager,
        industry=many("industry", _INDUSTRIES),
        specialisation=many("specialisation", None),
        tag=many("tag", None),
        employee_band=one("employee_band")
        if one("employee_band") in _EMPLOYEE_BANDS
        else "",
        revenue_band=one("revenue_band")
        if one("revenue_band") in _REVENUE_BANDS
        else "",
        language=many("language", None),
        parent=parent,
        programme=_uuid(one("programme")) if one("programme") else "",
        tier=int(tier) if tier.isdigit() else None,
        scorecard=scorecard,
        score_min=_score(one("score_min")) if scorecard else None,
        score_max=_score(one("score_max")) if scorecard else None,
        custom=tuple(custom),
        custom_types=tuple(sorted((k, t) for k, t in types.items() if k in used)),
        sort=sort if sort in ORDERINGS else "name",
    )
