"""Audiences as a condition of other apps' list queries: who a row is for.

A content item (and later a course, an incentive, a fund) carries an ``audience``.
A partner user reading for one organisation is an :class:`AudienceReader`; a list of
items for them filters on :func:`audience_q`, evaluated by the database from the
audiences' current rules and the partner's current data, so a change of either shows
on the next request.

Version 1: the matching audiences are found with one query over the reader's partner
row (each active audience's rule as a boolean column) and the list filters on their
ids. The interface (``AudienceReader``, ``audience_reader``, ``audience_q``) is what
other apps use; how it is evaluated may change behind it.
"""

from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, Q

from openprm.core.db import ReaderContext
from openprm.partners.models import Partner
from openprm.segments import rules
from openprm.segments.models import Audience
from openprm.segments.selectors import custom_field_types


@dataclass(frozen=True)
class AudienceReader(ReaderContext):
    """A partner user reading for one organisation: the organisation and the roles
    they hold there (what an audience's rule and roles are matched against)."""

    partner_id: int
    roles: frozenset[str]


def audience_reader(*, membership) -> AudienceReader:
    """The reader a portal request is (its ``request.membership``)."""
    return AudienceReader(
        partner_id=membership.partner_id, roles=frozenset(membership.roles)
    )


def _roles_match(audience: Audience, roles: frozenset[str]) -> bool:
    return not audience.partner_roles or bool(roles & set(audience.partner_roles))


def matching_audience_ids(reader: AudienceReader) -> list[int]:
    """The active audiences that hold the reader, in one query over their partner's
    row (plus the audiences' own)."""
    audiences = [
        audience
        for audience in Audience.objects.filter(is_active=True).order_by("id")
        if _roles_match(audience, reader.roles)
    ]
    if not audiences:
        return []
    field_types = custom_field_types()
    columns = {
        f"audience_{audience.pk}": ExpressionWrapper(
            rules.to_q(audience.rule, custom_fields=field_types) or Q(),
            output_field=BooleanField(),
        )
        for audience in audiences
    }
    row = (
        Partner.objects.filter(pk=reader.partner_id)
        .annotate(**columns)
        .values(*columns)
        .first()
    )
    if row is None:
        return []
    return [audience.pk for audience in audiences if row[f"audience_{audience.pk}"]]


def audience_q(reader: AudienceReader, field: str = "audience") -> Q:
    """Rows whose ``field`` (a foreign key to Audience) holds the reader."""
    return Q(**{f"{field}_id__in": matching_audience_ids(reader)})
