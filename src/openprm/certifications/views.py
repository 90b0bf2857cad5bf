"""Pages of certifications: the console's catalogue, accreditations, review queue
and expiring report; the portal's certificates (own and team's) and external
uploads; the public verification page."""

from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from openprm.certifications import permissions, selectors, services
from openprm.certifications.choices import HolderStatus, ReviewStatus
from openprm.certifications.forms import (
    AccreditationForm,
    CertificationForm,
    ExpiringFilterForm,
    ExternalCertificateForm,
    ReasonForm,
    accreditation_initial,
    certification_initial,
)
from openprm.certifications.pdf import certificate_response
from openprm.core import exports
from openprm.core.pagination import requested_page
from openprm.core.web import act, console_page, form_page, portal_page, public_page
from openprm.segments.audiences import audience_reader
from openprm.segments.models import Audience

PER_PAGE = 50


def _certification_url(certification) -> str:
    return reverse("console:certification", args=[certification.public_id])


def _certification_form(request, *, initial=None):
    return CertificationForm(
        request.POST or None,
        audiences=Audience.objects.filter(is_active=True).order_by("name", "id"),
        initial=initial,
    )


# --- console: the catalogue


@require_safe
@console_page(rule=permissions.READ)
def certifications(request):
    return render(
        request,
        "certifications/console_list.html",
        {
            "page": requested_page(
                request,
                selectors.certification_list(user=request.user),
                per_page=PER_PAGE,
            ),
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


@console_page(rule=permissions.MANAGE)
def certification_create(request):
    form = _certification_form(request)
    return form_page(
        request,
        form,
        template="certifications/certification_form.html",
        save=lambda data: services.certification_create(actor=request.user, **data),
        success=_("The certification was created."),
        next=_certification_url,
        context={"creating": True},
    )


@require_safe
@console_page(rule=permissions.READ)
def certification_detail(request, public_id):
    certification = selectors.certification_get(user=request.user, public_id=public_id)
    holders = selectors.held_visible_to(user=request.user).filter(
        certification=certification
    )
    return render(
        request,
        "certifications/console_detail.html",
        {
            "certification": certification,
            "page": requested_page(
                request,
                holders.order_by("partner__name", "user__email"),
                per_page=PER_PAGE,
            ),
            "can_manage": permissions.MANAGE.allows(request.user),
            "can_review": permissions.REVIEW.allows(request.user),
            "now": timezone.now(),
        },
    )


@console_page(rule=permissions.MANAGE)
def certification_edit(request, public_id):
    certification = selectors.certification_get(user=request.user, public_id=public_id)
    form = _certification_form(request, initial=certification_initial(certification))
    return form_page(
        request,
        form,
        template="certifications/certification_form.html",
        save=lambda data: services.certification_update(
            actor=request.user, certification=certification, **data
        ),
        success=_("The certification was saved."),
        next=_certification_url,
        context={"certification": certification},
    )


@require_POST
@console_page(rule=permissions.REVIEW)
def held_revoke(request, public_id):
    held = selectors.held_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data: services.certification_revoke(
            actor=request.user, held=held, reason=data["reason"]
        ),
        form=ReasonForm(request.POST),
        success=_("The certification was revoked."),
        next=_certification_url(held.certification),
    )


# --- console: external certificates


@require_safe
@console_page(rule=permissions.READ)
def review_queue(request):
    status = request.GET.get("status", ReviewStatus.SUBMITTED)
    if status not in ReviewStatus.values:
        status = ReviewStatus.SUBMITTED
    return render(
        request,
        "certifications/console_reviews.html",
        {
            "page": requested_page(
                request,
                selectors.review_queue(user=request.user, status=status),
                per_page=PER_PAGE,
            ),
            "status": status,
            "statuses": ReviewStatus.choices,
        },
    )


@require_safe
@console_page(rule=permissions.READ)
def review_detail(request, public_id):
    external = selectors.external_get(user=request.user, public_id=public_id)
    return render(
        request,
        "certifications/console_review.html",
        {
            "external": external,
            "form": ReasonForm(),
            "can_review": permissions.REVIEW.allows(request.user)
            and external.status == ReviewStatus.SUBMITTED,
        },
    )


def _evidence(external):
    return FileResponse(
        external.evidence.open("rb"),
        as_attachment=True,
        filename=external.evidence_name,
        content_type=external.evidence_type,
    )


@require_safe
@console_page(rule=permissions.READ)
def review_evidence(request, public_id):
    return _evidence(selectors.external_get(user=request.user, public_id=public_id))


@require_POST
@console_page(rule=permissions.REVIEW)
def review_approve(request, public_id):
    external = selectors.external_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data: services.external_certificate_approve(
            actor=request.user, external=external, reason=data["reason"]
        ),
        form=ReasonForm(request.POST),
        success=_("The certificate was approved and the certification awarded."),
        next=reverse("console:certification_reviews"),
        on_refusal=reverse("console:certification_review", args=[public_id]),
    )


@require_POST
@console_page(rule=permissions.REVIEW)
def review_reject(request, public_id):
    external = selectors.external_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data: services.external_certificate_reject(
            actor=request.user, external=external, reason=data["reason"]
        ),
        form=ReasonForm(request.POST),
        success=_("The certificate was rejected."),
        next=reverse("console:certification_reviews"),
        on_refusal=reverse("console:certification_review", args=[public_id]),
    )


# --- console: the expiring report


EXPIRING_COLUMNS = [
    str(_("Partner")),
    str(_("Person")),
    str(_("Email")),
    str(_("Certification")),
    str(_("Valid until")),
    str(_("Days left")),
]

BY_PARTNER_COLUMNS = [
    _("Partner"),
    _("Ending in the period"),
    _("Within 30 days"),
    _("People"),
]
# The partners the page charts and lists (the export has them all).
BY_PARTNER_SHOWN = 25


@require_safe
@console_page(rule=permissions.READ)
def expiring(request):
    form = ExpiringFilterForm(request.GET or None)
    days = form.days()
    rows = selectors.expiring(user=request.user, within_days=days)
    file_format = request.GET.get("format")
    now = timezone.now()
    if file_format in exports.FORMATS and request.GET.get("table") == "partners":
        return exports.download(
            columns=[str(column) for column in BY_PARTNER_COLUMNS],
            rows=(
                [row["label"], row["expiring"], row["within_30_days"], row["people"]]
                for row in selectors.expiring_by_partner(
                    user=request.user, within_days=days
                )
            ),
            file_format=file_format,
            name="expiring-certifications-by-partner",
            sheet=str(_("By partner")),
        )
    if file_format in exports.FORMATS:
        return exports.download(
            columns=EXPIRING_COLUMNS,
            rows=(
                [
                    held.partner.name,
                    held.user.get_full_name(),
                    held.user.email,
                    held.certification.name,
                    timezone.localdate(held.valid_until),
                    max((held.valid_until - now).days, 0),
                ]
                for held in rows.iterator(chunk_size=1000)
            ),
            file_format=file_format,
            name="expiring-certifications",
            sheet=str(_("Expiring")),
        )
    page = requested_page(request, rows, per_page=PER_PAGE)
    for held in page:
        held.days_left = max((held.valid_until - now).days, 0)
    by_partner = selectors.expiring_by_partner(
        user=request.user, within_days=days, limit=BY_PARTNER_SHOWN
    )
    return render(
        request,
        "certifications/console_expiring.html",
        {
            "form": form,
            "days": days,
            "page": page,
            "by_partner": by_partner,
            # Drawn by static/openprm/metrics_charts.js; the table shows the same.
            "chart_data": {
                "charts": [
                    {
                        "id": "expiring-chart-partners",
                        "type": "bar",
                        "labels": [row["label"] for row in by_partner],
                        "datasets": [
                            {
                                "label": str(_("Ending in the period")),
                                "data": [row["expiring"] for row in by_partner],
                            },
                            {
                                "label": str(_("Within 30 days")),
                                "data": [row["within_30_days"] for row in by_partner],
                            },
                        ],
                    }
                ]
            },
        },
    )


# --- console: accreditations


def _accreditation_form(request, *, initial=None):
    return AccreditationForm(
        request.POST or None,
        certifications=selectors.certification_list(user=request.user),
        initial=initial,
    )


def _accreditation_url(accreditation) -> str:
    return reverse("console:accreditation", args=[accreditation.public_id])


@require_safe
@console_page(rule=permissions.READ)
def accreditations(request):
    return render(
        request,
        "certifications/console_accreditations.html",
        {
            "rows": selectors.accreditation_list(user=request.user),
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


@console_page(rule=permissions.MANAGE)
def accreditation_create(request):
    form = _accreditation_form(request)
    return form_page(
        request,
        form,
        template="certifications/accreditation_form.html",
        save=lambda data: services.accreditation_create(
            actor=request.user,
            name=data["name"],
            description=data["description"],
            conditions=form.conditions(),
        ),
        success=_("The accreditation was created."),
        next=_accreditation_url,
        context={"creating": True},
    )


@require_safe
@console_page(rule=permissions.READ)
def accreditation_detail(request, public_id):
    accreditation = selectors.accreditation_get(user=request.user, public_id=public_id)
    return render(
        request,
        "certifications/console_accreditation.html",
        {
            "accreditation": accreditation,
            "page": requested_page(
                request,
                selectors.accreditation_holders(
                    user=request.user, accreditation=accreditation
                ),
                per_page=PER_PAGE,
            ),
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


@console_page(rule=permissions.MANAGE)
def accreditation_edit(request, public_id):
    accreditation = selectors.accreditation_get(user=request.user, public_id=public_id)
    form = _accreditation_form(request, initial=accreditation_initial(accreditation))
    return form_page(
        request,
        form,
        template="certifications/accreditation_form.html",
        save=lambda data: services.accreditation_update(
            actor=request.user,
            accreditation=accreditation,
            name=data["name"],
            description=data["description"],
            is_active=data["is_active"],
            conditions=form.conditions(),
        ),
        success=_("The accreditation was saved."),
        next=_accreditation_url,
        context={"accreditation": accreditation},
    )


# --- portal


@require_safe
@portal_page(rule=permissions.HOLD)
def my_certificates(request):
    partner_id = request.partner.pk
    return render(
        request,
        "certifications/portal_certificates.html",
        {
            "rows": selectors.my_certificates(user=request.user, partner_id=partner_id),
            "uploads": selectors.my_external(user=request.user, partner_id=partner_id),
            "now": timezone.now(),
            "can_see_team": permissions.TEAM.allows(
                request.user, partner_id=partner_id
            ),
            "active": HolderStatus.ACTIVE,
        },
    )


@require_safe
@portal_page(rule=permissions.HOLD)
def certificate_pdf(request, public_id):
    held = selectors.held_get(
        user=request.user, public_id=public_id, partner_id=request.partner.pk
    )
    return certificate_response(held)


@portal_page(rule=permissions.HOLD)
def external_upload(request):
    certifications = selectors.external_certifications_for(
        reader=audience_reader(membership=request.membership)
    )
    form = ExternalCertificateForm(
        request.POST or None, request.FILES or None, certifications=certifications
    )
    return form_page(
        request,
        form,
        template="certifications/portal_upload.html",
        save=lambda data: services.external_certificate_submit(
            actor=request.user, partner_id=request.partner.pk, **data
        ),
        success=_("Your certificate was sent for review."),
        next=reverse("portal:certificates"),
        context={"has_choices": certifications.exists()},
    )


@require_safe
@portal_page(rule=permissions.HOLD)
def external_evidence(request, public_id):
    return _evidence(selectors.external_get(user=request.user, public_id=public_id))


@require_safe
@portal_page(rule=permissions.TEAM)
def team_certificates(request):
    partner_id = request.partner.pk
    return render(
        request,
        "certifications/portal_team.html",
        {
            "page": requested_page(
                request,
                selectors.team_certificates(user=request.user, partner_id=partner_id),
                per_page=PER_PAGE,
            ),
            "accreditations": selectors.partner_accreditations(partner_id=partner_id),
            "now": timezone.now(),
        },
    )


# --- public


@require_safe
@public_page
def verify(request, code):
    held = selectors.verification(code)
    return render(
        request,
        "certifications/verify.html",
        {
            "held": held,
            "is_current": held is not None and selectors.is_current(held),
            # The name only: never the email address or the partner.
            "holder": held.user.full_name if held else "",
        },
        status=200 if held is not None else 404,
    )
