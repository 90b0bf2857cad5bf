"""The tables of the pipeline pages as rows, for their CSV and XLSX exports: the
same lines as the page's tables (``PipelineSummary``), the amounts as exact
numbers in the reporting currency, which each row names."""

from django.utils.translation import gettext as _

from openprm.deals.pipeline import figures
from openprm.deals.pipeline.selectors import PipelineSummary

# Every table a pipeline page may show; a page shows (and exports) a subset.
STAGES, MONTHS, QUARTERS, REGIONS, PARTNERS = (
    "stages",
    "months",
    "quarters",
    "regions",
    "partners",
)
TABLES = (STAGES, MONTHS, QUARTERS, REGIONS, PARTNERS)


def _amounts(line_figures: figures.Figures, currency: str) -> list:
    return [
        line_figures.count,
        line_figures.amount,
        line_figures.weighted,
        currency,
    ]


def _unconverted(items: list[figures.Unconverted]) -> str:
    return "; ".join(f"{item.amount} {item.currency}" for item in items)


def table(summary: PipelineSummary, name: str) -> tuple[list[str], list[list]]:
    """The columns and rows of one table of the page (``name`` in ``TABLES``)."""
    currency = summary.currency
    figures_columns = [_("Deals"), _("Amount"), _("Weighted"), _("Currency")]
    if name == STAGES:
        columns = [_("Stage"), _("Probability (%)"), *figures_columns]
        rows = [
            [line.stage.name, line.stage.probability, *_amounts(line.figures, currency)]
            for line in summary.stages
        ]
    elif name in (MONTHS, QUARTERS):
        columns = [_("Month") if name == MONTHS else _("Quarter"), *figures_columns]
        lines = summary.months if name == MONTHS else summary.quarters
        rows = [[line.label, *_amounts(line.figures, currency)] for line in lines]
    elif name in (REGIONS, PARTNERS):
        heading = _("Region") if name == REGIONS else _("Partner")
        columns = [heading, *figures_columns, _("Unconverted")]
        lines = summary.regions if name == REGIONS else summary.partners
        rows = [
            [
                line.label,
                *_amounts(line.figures, currency),
                _unconverted(line.unconverted),
            ]
            for line in lines
        ]
    else:
        raise KeyError(name)
    return [str(column) for column in columns], rows
