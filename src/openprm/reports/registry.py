"""The reports that can be scheduled: each kind registers its name, the form that
validates its filters and a function that returns its table for a reader.

::

    register(ReportKind(
        code="funds",
        label=_("Fund report"),
        rule=funds_permissions.READ,
        form=fund_filter_form,       # form(data, *, user) -> a bound Django form
        table=fund_table,            # table(*, user, filters) -> Table
        page="console:fund_reports", # the console page the filters come from
    ))

Filters are kept as the page's query string has them (text values by field
name), so a saved report opens its page with the same filters and is validated
again, with the reader's choices, each time it is sent.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from openprm.core.errors import ValidationFailed
from openprm.core.permissions import Rule


@dataclass
class Table:
    """What a report sends: a title, the filters in words, column names, rows."""

    title: str
    columns: list[str]
    rows: list[list]
    subtitle: str = ""


@dataclass(frozen=True)
class ReportKind:
    code: str
    label: str
    rule: Rule
    form: Callable
    table: Callable[..., Table]
    page: str
    description: str = field(default="", compare=False)


_kinds: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> ReportKind:
    if kind.code in _kinds and _kinds[kind.code] != kind:
        raise ValueError(f"The report kind {kind.code!r} is registered twice")
    _kinds[kind.code] = kind
    return kind


def kinds() -> list[ReportKind]:
    return sorted(_kinds.values(), key=lambda kind: str(kind.label))


def get_kind(code: str) -> ReportKind | None:
    return _kinds.get(code)


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.code, kind.label) for kind in kinds()]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else ""
    return str(value)


def filter_form(kind: ReportKind, filters: dict, *, user, prefix: str | None = None):
    """The kind's filter form bound to ``filters`` (text values by field name)."""
    data = {
        f"{prefix}-{name}" if prefix else name: _text(value)
        for name, value in (filters or {}).items()
    }
    return kind.form(data, user=user, prefix=prefix)


def clean_filters(kind: ReportKind, filters, *, user) -> dict:
    """The filters as kept (text, empty ones left out), or ``ValidationFailed``
    with one entry per field (``filters.<field>``)."""
    if not isinstance(filters, dict):
        raise ValidationFailed(
            field_errors={"filters": [_("Give the filters as an object.")]}
        )
    form = filter_form(kind, filters, user=user)
    unknown = sorted(set(filters) - set(form.fields))
    errors = {
        f"filters.{name}": [_("This report has no such filter.")] for name in unknown
    }
    if not form.is_valid():
        for name, problems in form.errors.items():
            key = "filters" if name == "__all__" else f"filters.{name}"
            errors[key] = [str(problem) for problem in problems]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return {
        name: form.data[name] for name in form.fields if form.data.get(name, "") != ""
    }


def report_table(kind: ReportKind, filters: dict, *, user) -> Table:
    """The kind's table as ``user`` may see it, with the filters checked again
    (a course or a fiscal period may have gone since they were saved)."""
    kind.rule.ensure(user)
    form = filter_form(kind, filters, user=user)
    if not form.is_valid():
        raise ValidationFailed(
            _("The saved filters are no longer valid."),
            field_errors={
                f"filters.{name}": [str(problem) for problem in problems]
                for name, problems in form.errors.items()
            },
        )
    return kind.table(user=user, filters=form.cleaned_data)
