"""Audiences as a condition of other apps' list queries: who a row is for.

A content item (and later a course, an incentive, a fund) carries an ``audience``.
A partner user reading for one organisation is an :class:`AudienceReader`; a list of
items for them filters on :func:`audience_q`, evaluated by the database from the
audiences' current rules and the partner's current data, so a change of either shows
on the next request (nothing is cached between requests).

The matching audiences are found in a constant number of queries whatever their
number: the audiences open to the reader's roles (matched in SQL on their
``partner_roles``), the rules' context (active custom fields, and the segments the
rules name), then one query over the reader's partner row with each audience's rule
as a boolean column (its SQL compiled once per content of the rules, see
``evaluation.rule_values``). The list then filters on their ids. This interface
(``AudienceReader``, ``audience_reader``, ``audience_q``, ``matching_audience_ids``)
is what other apps use; how it is evaluated may change behind it.

The console's side (audience pages, reach, explanations, the API) is in the
sub-modules ``services``, ``selectors``, ``views`` and ``api``; other apps say which
of their models carry an audience in ``registry``.
"""

from dataclasses import dataclass

from django.db.models import Q, TextField
from django.db.models.functions import Cast

from openprm.core.db import ReaderContext
from openprm.segments.audiences.evaluation import roles_q, rule_context, rule_values
from openprm.segments.models import Audience

__all__ = [
    "AudienceReader",
    "audience_q",
    "audience_reader",
    "matching_audience_ids",
]


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


def matching_audience_ids(reader: AudienceReader) -> list[int]:
    """The active audiences that hold the reader, by id: three queries (four when
    a rule names a segment), whatever the number of audiences."""
    # The rules as their stored text: decoded only to compile them (or to find
    # the segments they name), see evaluation.rule_values.
    audiences = list(
        Audience.objects.filter(roles_q(reader.roles), is_active=True)
        .order_by("id")
        .values_list("id", Cast("rule", TextField()))
    )
    if not audiences:
        return []
    context = rule_context(text for _pk, text in audiences)
    held = rule_values(reader.partner_id, dict(audiences), context)
    return [pk for pk, _text in audiences if held.get(pk)]


def audience_q(reader: AudienceReader, field: str = "audience") -> Q:
    """Rows whose ``field`` (a foreign key to Audience) holds the reader."""
    return Q(**{f"{field}_id__in": matching_audience_ids(reader)})
