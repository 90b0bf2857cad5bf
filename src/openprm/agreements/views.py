"""Console and portal pages of agreements."""

from datetime import datetime, time

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.agreements import permissions, selectors, services
from openprm.agreements.forms import AcceptForm, AgreementCreateForm, VersionPublishForm
from openprm.agreements.pdf import acceptance_pdf_response
from openprm.core.web import act, console_page, form_page, portal_page
from openprm.programs.selectors import programme_list_visible_to

ACCEPTANCES_SHOWN = 100


def _create_form(request):
    return AgreementCreateForm(
        request.POST or None, programmes=programme_list_visible_to(user=request.user)
    )


# --- console


@console_page(rule=permissions.READ_TERMS)
def agreement_list(request):
    return render(
        request,
        "agreements/agreement_list.html",
        {
            "documents": list(
                selectors.documents_list(user=request.user).prefetch_related("versions")
            ),
            "form": _create_form(request),
            "can_publish": permissions.PUBLISH.allows(request.user),
        },
    )


@console_page(rule=permissions.PUBLISH)
def agreement_create(request):
    return form_page(
        request,
        _create_form(request),
        template="agreements/agreement_create.html",
        save=lambda data: services.agreement_document_create(
            actor=request.user, programme=data["programme"], title=data["title"]
        ),
        success=_("The agreement was created; publish its first text."),
        next=lambda document: reverse(
            "console:agreement_detail", args=[document.public_id]
        ),
    )


@console_page(rule=permissions.READ_TERMS)
def agreement_detail(request, public_id):
    document = selectors.document_get(user=request.user, public_id=public_id)
    versions = list(document.versions.order_by("-number"))
    acceptances = (
        list(
            selectors.acceptances_visible_to(user=request.user).filter(
                version__document=document
            )[:ACCEPTANCES_SHOWN]
        )
        if versions
        else []
    )
    current = versions[0] if versions else None
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "document": document,
            "versions": versions,
            "current": current,
            "acceptances": acceptances,
            "form": VersionPublishForm(
                initial={"text": current.text if current else ""}
            ),
            "can_publish": permissions.PUBLISH.allows(request.user),
        },
    )


def _end_of(day):
    return timezone.make_aware(datetime.combine(day, time(23, 59))) if day else None


@console_page(rule=permissions.PUBLISH)
@require_POST
def agreement_publish(request, public_id):
    document = selectors.document_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data: services.agreement_version_publish(
            actor=request.user,
            document=document,
            text=data["text"],
            accept_by=_end_of(data["accept_by"]),
        ),
        form=VersionPublishForm(request.POST),
        success=lambda version: (
            _("Version %(number)s is published.") % {"number": version.number}
        ),
        next=reverse("console:agreement_detail", args=[document.public_id]),
    )


@console_page(rule=permissions.READ_TERMS)
def acceptance_detail(request, public_id):
    acceptance = selectors.acceptance_get(user=request.user, public_id=public_id)
    return render(
        request,
        "agreements/acceptance_detail.html",
        {"acceptance": acceptance, "area": "console"},
    )


@console_page(rule=permissions.READ_TERMS)
def acceptance_pdf_console(request, public_id):
    return acceptance_pdf_response(
        selectors.acceptance_get(user=request.user, public_id=public_id)
    )


# --- portal


@portal_page
def portal_agreements(request):
    return render(
        request,
        "agreements/portal_agreements.html",
        {
            "rows": selectors.documents_for_partner(partner=request.partner),
            "history": list(
                selectors.acceptances_visible_to(user=request.user).filter(
                    partner=request.partner
                )
            ),
            "can_accept": permissions.ACCEPT.allows(
                request.user, partner_id=request.partner.pk
            ),
        },
    )


@portal_page
def portal_agreement_accept(request, public_id):
    version = selectors.version_for_partner(
        partner=request.partner, public_id=public_id
    )
    form = AcceptForm(
        request.POST or None,
        initial={
            "name": request.user.full_name,
            "text_sha256": services.text_hash(version.text),
        },
    )
    return form_page(
        request,
        form,
        template="agreements/portal_accept.html",
        save=lambda data: services.agreement_accept(
            actor=request.user, partner=request.partner, version=version, **data
        ),
        success=_("Thank you: the agreement is accepted."),
        next="portal:agreements",
        context={
            "version": version,
            "can_accept": permissions.ACCEPT.allows(
                request.user, partner_id=request.partner.pk
            ),
        },
    )


@portal_page
def portal_acceptance_detail(request, public_id):
    acceptance = selectors.acceptance_get(user=request.user, public_id=public_id)
    return render(
        request,
        "agreements/acceptance_detail.html",
        {"acceptance": acceptance, "area": "portal"},
    )


@portal_page
def portal_acceptance_pdf(request, public_id):
    return acceptance_pdf_response(
        selectors.acceptance_get(user=request.user, public_id=public_id)
    )
