"""A held certification's certificate as a PDF, with its verification code and the
public page that confirms it."""

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from fpdf import FPDF

from openprm.notifications.services import absolute_url


def _latin(value) -> str:
    # The built-in PDF fonts cover Latin-1; anything else prints as "?".
    return str(value).encode("latin-1", "replace").decode("latin-1")


def _holder_name(user) -> str:
    return user.get_full_name()  # the email address when no name is given


def certificate_pdf(held) -> bytes:
    certification = held.certification
    verify_url = absolute_url(
        reverse("public:certificate_verify", args=[held.verification_code])
    )
    pdf = FPDF(orientation="landscape", format="A4")
    # Uncompressed: the certificate's facts stay readable as text.
    pdf.set_compression(False)
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    pdf.set_draw_color(40, 80, 140)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, 277, 190)
    pdf.set_y(35)
    pdf.set_font("Helvetica", "B", 28)
    pdf.cell(0, 14, "Certificate", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=13)
    pdf.cell(0, 10, "This certifies that", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 22)
    pdf.cell(
        0, 14, _latin(_holder_name(held.user)), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("Helvetica", size=13)
    pdf.cell(0, 10, "holds the certification", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 20)
    pdf.cell(
        0, 14, _latin(certification.name), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(6)
    pdf.set_font("Helvetica", size=12)
    earned = timezone.localdate(held.earned_at).isoformat()
    valid = timezone.localdate(held.valid_until).isoformat()
    pdf.cell(
        0,
        8,
        _latin(f"Earned {earned} - valid until {valid}"),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_y(160)
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 7, "Verification code", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Courier", "B", 16)
    pdf.cell(0, 9, held.verification_code, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 7, _latin(verify_url), align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def certificate_response(held) -> HttpResponse:
    response = HttpResponse(certificate_pdf(held), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{held.verification_code}.pdf"'
    )
    return response
