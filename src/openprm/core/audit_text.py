"""Audit entries in people's words: a sentence about the business object ("Ada
Baker accepted the lead assignment “Acme rollout”"), and the changed fields by
their labels with values as people read them.

The audit trail stores what a service changed as it was in the database: model
names, foreign keys as ids, choice codes, hashes and addresses. What is shown
keeps to the fields a reader may see: ids (``*_id``, ``public_id``), hashes, the
client address and user agent are left out, a changed foreign key says that it
changed without the ids, and choices show their labels. No query is made: the
models and their fields come from Django's registry.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openprm.core import iso
from openprm.core.formatting import choice_label, choice_labels, format_number

# Fields nobody reads in the trail: internal keys, hashes, network details.
HIDDEN_FIELDS = frozenset(
    {
        "id",
        "pk",
        "public_id",
        "path",
        "depth",
        "client_ip",
        "user_agent",
        "request_id",
        "text_sha256",
        "password",
        "secret",
        "token",
        "key_hash",
        "token_hash",
    }
)
_HIDDEN_SUFFIXES = ("_id", "_ids", "_sha256", "_hash", "_normalised", "_ip")

# Verbs whose generic reading ("changed the status of") would be wrong or clumsy.
_PHRASES = {
    "lead.note": gettext_lazy("added a note to"),
    "lead.capacity_set": gettext_lazy("set the lead capacity of"),
    "partner.enrolled": gettext_lazy("created"),
    "partner.moved": gettext_lazy("moved"),
    "partner.merged": gettext_lazy("merged a duplicate into"),
    "deal.answered": gettext_lazy("answered the question on"),
    "deal.info_requested": gettext_lazy("asked for more information on"),
    "deal.revenue_recorded": gettext_lazy("recorded revenue on"),
    "tier.benefit_set": gettext_lazy("set a benefit of"),
    "notification.preference_set": gettext_lazy("changed a notification preference of"),
    "membership.roles_changed": gettext_lazy("changed the roles of"),
    "user.vendor_role_changed": gettext_lazy("changed the vendor role of"),
}
_ACTIONS = {
    "create": gettext_lazy("created"),
    "update": gettext_lazy("changed"),
    "delete": gettext_lazy("deleted"),
}


# The choices of fields the database stores without them (JSON lists of codes),
# registered by the app that owns the model: (object type, field) -> choices or a
# function returning them.
_FIELD_CHOICES: dict[tuple[str, str], object] = {}


def register_field_choices(object_type: str, name: str, choices) -> None:
    """Show the codes stored in ``name`` of ``object_type`` by these labels."""
    _FIELD_CHOICES[(object_type, name)] = choices


def _registered_choices(object_type: str, name: str):
    choices = _FIELD_CHOICES.get((object_type, name))
    return choices() if callable(choices) else choices


def is_hidden(name: str) -> bool:
    return name in HIDDEN_FIELDS or name.endswith(_HIDDEN_SUFFIXES)


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_noun(object_type: str) -> str:
    """ "lead assignment" for ``leads.leadassignment``; the model part otherwise."""
    model = _model(object_type)
    if model is not None:
        return str(model._meta.verbose_name)
    return object_type.rpartition(".")[2].replace("_", " ")


def _phrase(entry) -> str:
    """What the actor did, ending where the object's name follows."""
    verb = (entry.verb or "").strip()
    if verb in _PHRASES:
        return str(_PHRASES[verb])
    words = verb.rpartition(".")[2].split("_") if verb else []
    words = [word for word in words if word]
    if words and words[-1].endswith("ed"):
        if len(words) == 1:
            return words[0]
        # status_changed -> "changed the status of"; task_completed -> "completed
        # the task of"
        return f"{words[-1]} the {' '.join(words[:-1])} of"
    return str(_ACTIONS.get(entry.action, entry.action))


def sentence(entry) -> str:
    return _("%(actor)s %(did)s the %(noun)s “%(name)s”") % {
        "actor": entry.actor_label or _("OpenPRM"),
        "did": _phrase(entry),
        "noun": object_noun(entry.object_type),
        "name": entry.object_repr,
    }


def _model_field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _label(model_field, name: str) -> str:
    if model_field is not None and getattr(model_field, "verbose_name", None):
        return capfirst(str(model_field.verbose_name))
    return capfirst(name.replace("_", " "))


_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def value_text(model_field, value, choices=None) -> str:
    """A stored value as people read it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if choices is None and model_field is not None:
        choices = getattr(model_field, "choices", None)
    if isinstance(value, list):
        return choice_labels(value, choices or ())
    if isinstance(value, dict):
        return _("(details)")
    if choices:
        return choice_label(value, choices)
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        moment = parse_datetime(value)
        if moment is not None:
            return formats.date_format(moment, "DATETIME_FORMAT")
    if isinstance(value, str) and _ISO_DATE.match(value):
        day = parse_date(value)
        if isinstance(day, datetime.date):
            return formats.date_format(day, "DATE_FORMAT")
    if isinstance(model_field, models.DecimalField | models.IntegerField):
        return format_number(value)
    return str(value)


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str
    # A foreign key: it changed, its values are internal ids.
    values_hidden: bool = False

    @property
    def text(self) -> str:
        if self.values_hidden:
            return _("%(field)s changed") % {"field": self.label}
        if self.before == "—":
            return f"{self.label}: {self.after}"
        return _("%(field)s: %(before)s → %(after)s") % {
            "field": self.label,
            "before": self.before,
            "after": self.after,
        }


def changes(entry) -> list[Change]:
    """The fields a reader may see of an entry's changes, by label."""
    model = _model(entry.object_type)
    shown = []
    for name, values in (entry.changes or {}).items():
        if is_hidden(name):
            continue
        if isinstance(values, list) and len(values) == 2:
            before, after = values
        else:
            before, after = None, values
        model_field = _model_field(model, name)
        if before is None and after is None:
            continue
        if name == "country" or name.endswith("_country"):
            shown.append(
                Change(
                    _label(model_field, name),
                    iso.country_name(before or "") or "—",
                    iso.country_name(after or "") or "—",
                )
            )
            continue
        if model_field is not None and model_field.is_relation:
            shown.append(Change(_label(model_field, name), "", "", values_hidden=True))
            continue
        choices = _registered_choices(entry.object_type, name)
        shown.append(
            Change(
                _label(model_field, name),
                value_text(model_field, before, choices),
                value_text(model_field, after, choices),
            )
        )
    return shown


@dataclass(frozen=True)
class AuditLine:
    entry: object
    sentence: str
    noun: str
    changes: list[Change] = field(default_factory=list)


def describe(entry) -> AuditLine:
    return AuditLine(
        entry, sentence(entry), object_noun(entry.object_type), changes(entry)
    )


def describe_all(entries) -> list[AuditLine]:
    return [describe(entry) for entry in entries]
