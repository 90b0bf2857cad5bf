"""Field mappings: which OpenPRM field meets which CRM field, in which direction,
through which transforms, and which side wins a conflict. Pure logic, no I/O.

A mapping is a list of field specifications (JSON, versioned in ``SyncMapping``)::

    {"local": "name", "remote": "name", "direction": "both", "rule": "newest",
     "out": [["trim"]], "in": [["trim"]]}

- ``direction``: ``both``, ``in`` (CRM → OpenPRM) or ``out`` (OpenPRM → CRM);
- ``rule``: when both sides changed the field since they last agreed: ``crm``,
  ``prm``, ``newest`` or ``ask``;
- ``out`` / ``in``: transforms applied in order, each ``[name, *arguments]``:
  ``trim``, ``lower``, ``upper``, ``default`` (a value for an empty one),
  ``constant`` (always this value), ``map`` (a picklist: ``{"from": "to"}``; a value
  not in it is an error unless a fallback is given as a second argument),
  ``domain`` (the host of a URL or an email address), ``url`` (``https://`` before
  an address without a scheme), ``prefix`` and ``suffix`` (added
  to a non-empty value), ``concat`` (the listed fields of the same record joined by a
  separator);
- a specification without ``local`` only sends (a constant the CRM requires); one
  with ``"create_only": true`` only fills a record being created.
"""

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

DIRECTIONS = ("both", "in", "out")
RULES = ("crm", "prm", "newest", "ask")
TRANSFORMS = {
    "trim": 0, "lower": 0, "upper": 0, "default": 1, "constant": 1, "map": (1, 2),
    "domain": 0, "url": 0, "prefix": 1, "suffix": 1, "concat": (1, 2),
}  # fmt: skip


class MappingError(Exception):
    """The mapping itself is wrong; ``problems`` lists what, per field."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class TransformError(Exception):
    """A value the mapping cannot carry (e.g. not in a picklist)."""


@dataclass(frozen=True)
class FieldSpec:
    local: str
    remote: str
    direction: str = "both"
    rule: str = "newest"
    out: tuple = ()
    into: tuple = ()
    create_only: bool = False

    @property
    def label(self) -> str:
        return f"{self.local or '—'} ↔ {self.remote or '—'}"

    @property
    def sends(self) -> bool:
        return bool(self.remote) and self.direction in ("both", "out")

    @property
    def receives(self) -> bool:
        return bool(self.local) and self.direction in ("both", "in")


def _check_transforms(raw: Any, where: str, problems: list[str]) -> tuple:
    if raw in (None, ""):
        return ()
    if not isinstance(raw, list):
        problems.append(f"{where}: transforms are a list.")
        return ()
    steps = []
    for step in raw:
        step = [step] if isinstance(step, str) else step
        if not isinstance(step, list) or not step or step[0] not in TRANSFORMS:
            problems.append(f"{where}: unknown transform {step!r}.")
            continue
        arity = TRANSFORMS[step[0]]
        low, high = arity if isinstance(arity, tuple) else (arity, arity)
        if not low <= len(step) - 1 <= high:
            problems.append(f"{where}: {step[0]} takes {low} argument(s).")
            continue
        if step[0] == "map" and not isinstance(step[1], dict):
            problems.append(f"{where}: map takes a table of values.")
            continue
        steps.append(tuple(step))
    return tuple(steps)


def parse(fields: Any) -> list[FieldSpec]:
    """The specifications of a mapping, or MappingError with every problem."""
    problems: list[str] = []
    if not isinstance(fields, list) or not fields:
        raise MappingError(["A mapping is a non-empty list of fields."])
    specs = []
    for number, item in enumerate(fields, start=1):
        where = f"Field {number}"
        if not isinstance(item, dict):
            problems.append(f"{where}: not an object.")
            continue
        local, remote = str(item.get("local") or ""), str(item.get("remote") or "")
        if not local and not remote:
            problems.append(f"{where}: names neither an OpenPRM nor a CRM field.")
        direction = item.get("direction", "both")
        if direction not in DIRECTIONS:
            problems.append(f"{where}: direction is one of {', '.join(DIRECTIONS)}.")
        rule = item.get("rule", "newest")
        if rule not in RULES:
            problems.append(f"{where}: rule is one of {', '.join(RULES)}.")
        specs.append(
            FieldSpec(
                local=local,
                remote=remote,
                direction=direction,
                rule=rule,
                out=_check_transforms(item.get("out"), where, problems),
                into=_check_transforms(item.get("in"), where, problems),
                create_only=bool(item.get("create_only")),
            )
        )
    if problems:
        raise MappingError(problems)
    return specs


def check_fields(
    specs: list[FieldSpec], *, local_fields: set[str], remote_fields: set[str] | None
) -> list[str]:
    """Fields the mapping names that do not exist on either side (``remote_fields``
    None: the CRM accepts any field)."""
    problems = []
    for spec in specs:
        if spec.local and spec.local not in local_fields:
            problems.append(f"OpenPRM has no field “{spec.local}”.")
        if (
            spec.remote
            and remote_fields is not None
            and spec.remote not in remote_fields
        ):
            problems.append(f"The CRM has no field “{spec.remote}”.")
    return problems


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def apply(steps: tuple, value: Any, record: dict) -> Any:
    """``value`` through the transforms ``steps``; ``record``: the whole source
    record (for ``concat``)."""
    for step in steps:
        name, args = step[0], step[1:]
        if name == "trim":
            value = _text(value).strip()
        elif name == "lower":
            value = _text(value).lower()
        elif name == "upper":
            value = _text(value).upper()
        elif name == "default":
            value = args[0] if value in (None, "") else value
        elif name == "constant":
            value = args[0]
        elif name == "map":
            table = args[0]
            if value in (None, ""):
                continue
            if _text(value) in table:
                value = table[_text(value)]
            elif len(args) > 1:
                value = args[1]
            else:
                raise TransformError(
                    f"The value “{value}” is not in the mapping's list "
                    f"({', '.join(sorted(table))})."
                )
        elif name == "domain":
            text = _text(value).strip().lower()
            if "@" in text:
                value = text.rsplit("@", 1)[1]
            elif text:
                host = urlsplit(text if "//" in text else "//" + text).hostname or ""
                value = host.removeprefix("www.")
        elif name == "url":
            text = _text(value).strip()
            value = f"https://{text}" if text and "://" not in text else text
        elif name == "prefix":
            value = f"{args[0]}{value}" if value not in (None, "") else value
        elif name == "suffix":
            value = f"{value}{args[0]}" if value not in (None, "") else value
        elif name == "concat":
            separator = args[1] if len(args) > 1 else " "
            parts = [_text(record.get(name)).strip() for name in args[0]]
            value = separator.join(part for part in parts if part)
    return value


def to_remote(
    specs: list[FieldSpec], local: dict, *, creating: bool = False
) -> dict[str, Any]:
    """The CRM fields for an OpenPRM record's values (``local``, by field name)."""
    values = {}
    for spec in specs:
        if not spec.sends or (spec.create_only and not creating):
            continue
        values[spec.remote] = apply(spec.out, local.get(spec.local), local)
    return values


def to_local(
    specs: list[FieldSpec], remote: dict, *, creating: bool = False
) -> dict[str, Any]:
    """OpenPRM's fields for a CRM record's values."""
    values = {}
    for spec in specs:
        if not spec.receives or (spec.create_only and not creating):
            continue
        raw = remote.get(spec.remote) if spec.remote else None
        value = apply(spec.into, raw, remote)
        values[spec.local] = "" if value is None else value
    return values


def local_fields_of(specs: list[FieldSpec]) -> list[str]:
    """The OpenPRM fields a mapping reads (for the link's snapshot)."""
    return sorted({spec.local for spec in specs if spec.local and not spec.create_only})


def digest(values: dict) -> str:
    return hashlib.sha256(
        json.dumps(values, sort_keys=True, default=str).encode()
    ).hexdigest()


@dataclass
class FieldDecision:
    """What happened to one field changed on both sides."""

    field: str
    rule: str
    local: Any
    remote: Any
    winner: str  # "crm", "prm" or "ask"
    reasons: list = field(default_factory=list)


def decide(
    spec: FieldSpec, *, local: Any, remote: Any, local_newer: bool
) -> FieldDecision:
    """The side that wins a field both sides changed, by the field's rule."""
    if spec.rule == "crm":
        winner, reason = "crm", "the rule says the CRM wins"
    elif spec.rule == "prm":
        winner, reason = "prm", "the rule says OpenPRM wins"
    elif spec.rule == "ask":
        winner, reason = "ask", "the rule says a person decides"
    elif local_newer:
        winner, reason = "prm", "OpenPRM's change is the newer"
    else:
        winner, reason = "crm", "the CRM's change is the newer"
    return FieldDecision(
        field=spec.local, rule=spec.rule, local=local, remote=remote, winner=winner,
        reasons=[reason],
    )  # fmt: skip
