"""The record of an acceptance as a PDF: every recorded fact, the text hash and the
text itself."""

from django.http import HttpResponse
from fpdf import FPDF

NEXT_LINE = {"new_x": "LMARGIN", "new_y": "NEXT"}


def _latin(value) -> str:
    # The built-in PDF fonts cover Latin-1; anything else prints as "?".
    return str(value).encode("latin-1", "replace").decode("latin-1")


def acceptance_pdf(acceptance) -> bytes:
    version = acceptance.version
    pdf = FPDF()
    # Uncompressed: the record stays searchable and its facts readable as text.
    pdf.set_compression(False)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(
        0, 8, _latin(f"Record of acceptance: {version.document.title}"), **NEXT_LINE
    )
    pdf.ln(2)
    pdf.set_font("Helvetica", size=10)
    facts = [
        ("Programme", version.document.programme.name),
        ("Version", version.number),
        ("Partner", acceptance.partner.name),
        ("Accepted by", acceptance.name),
        ("Title", acceptance.title),
        ("Account", acceptance.user_email),
        ("Accepted at (UTC)", acceptance.accepted_at.isoformat()),
        ("Client address", acceptance.client_ip or "-"),
        ("User agent", acceptance.user_agent or "-"),
        ("SHA-256 of the text", acceptance.text_sha256),
        ("Record id", acceptance.public_id),
    ]
    for label, value in facts:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(45, 6, _latin(label))
        pdf.set_font("Courier" if label.startswith("SHA") else "Helvetica", size=9)
        pdf.multi_cell(0, 6, _latin(value), **NEXT_LINE)
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 8, "Text accepted", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    pdf.multi_cell(0, 5, _latin(version.text), **NEXT_LINE)
    return bytes(pdf.output())


def acceptance_pdf_response(acceptance) -> HttpResponse:
    """The PDF record as a download."""
    response = HttpResponse(acceptance_pdf(acceptance), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="acceptance-{acceptance.public_id}.pdf"'
    )
    return response
