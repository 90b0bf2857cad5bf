"""A report's table as the file a scheduled report attaches: an XLSX workbook
(``core.exports``, the same cells as the pages' exports) or a PDF table (fpdf2,
as the certificates are drawn)."""

from decimal import Decimal

from django.utils import timezone

from openprm.core import exports
from openprm.reports.choices import ReportFormat
from openprm.reports.registry import Table

PDF_TYPE = "application/pdf"
# Columns a PDF page holds; a wider table continues on the right, cut.
PDF_MAX_COLUMNS = 12


def _latin(value) -> str:
    # The built-in PDF fonts cover Latin-1; anything else prints as "?".
    return str(value).encode("latin-1", "replace").decode("latin-1")


def _pdf_cell(value) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, float | Decimal):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(exports.cell(value))


def xlsx_bytes(table: Table) -> bytes:
    with exports.xlsx_file(table.columns, table.rows, sheet=table.title) as file:
        return file.read()


def pdf_bytes(table: Table, *, generated_at=None) -> bytes:
    from fpdf import FPDF  # loaded only when a PDF is drawn

    generated_at = generated_at or timezone.now()
    columns = table.columns[:PDF_MAX_COLUMNS]
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.set_margins(10, 10, 10)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, _latin(table.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    stamp = timezone.localtime(generated_at).strftime("%Y-%m-%d %H:%M")
    pdf.cell(
        0,
        6,
        _latin(" - ".join(item for item in (table.subtitle, stamp) if item)),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    width = (pdf.w - pdf.l_margin - pdf.r_margin) / max(len(columns), 1)

    def line(values, *, bold: bool) -> None:
        pdf.set_font("Helvetica", "B" if bold else "", 7)
        for index, value in enumerate(values[: len(columns)]):
            text = _latin(value)
            while text and pdf.get_string_width(text) > width - 2:
                text = text[:-1]
            pdf.cell(width, 6, text, border=1, align="L" if index == 0 else "R")
        pdf.ln(6)

    line(columns, bold=True)
    for row in table.rows:
        line([_pdf_cell(value) for value in row], bold=False)
    if not table.rows:
        pdf.set_font("Helvetica", size=9)
        pdf.cell(0, 8, "No rows for these filters.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def attachment(table: Table, file_format: str, *, name: str) -> tuple[str, bytes, str]:
    """``(file name, content, MIME type)`` of the report's file."""
    stamp = timezone.localdate().isoformat()
    if file_format == ReportFormat.PDF:
        return f"{name}-{stamp}.pdf", pdf_bytes(table), PDF_TYPE
    return f"{name}-{stamp}.xlsx", xlsx_bytes(table), exports.XLSX_TYPE
