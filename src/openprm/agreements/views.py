"""Console and portal pages of agreements."""

from datetime import datetime, time
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.accounts.access import console_view, portal_view
from openprm.agreements import selectors, services
from openprm.agreements.pdf import acceptance_pdf_response
from openprm.core.errors import ApplicationError, NotFound, ValidationFailed
from openprm.journeys.selectors import programmes_with_templates

ACCEPTANCES_SHOWN = 100


def _not_found_is_404(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404 from error
        except ApplicationError as error:
            if error.status == 403:
                raise PermissionDenied from error
            raise

    return wrapper


def staff_view(view):
    return console_view(_not_found_is_404(view))


def staff_gated(check):
    """Vendor staff whom ``check`` accepts (403 for the others)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return staff_view(wrapper)

    return decorator


admin_view = staff_gated(selectors.can_publish)


def partner_view(view):
    return portal_view(_not_found_is_404(view))


# --- console


@staff_view
def agreement_list(request):
    return render(
        request,
        "agreements/agreement_list.html",
        {
            "documents": list(
                selectors.documents_list(user=request.user).prefetch_related("versions")
            ),
            "programmes": list(programmes_with_templates(user=request.user)),
            "can_publish": selectors.can_publish(request.user),
        },
    )


@admin_view
@require_POST
def agreement_create(request):
    programme = next(
        (
            item
            for item in programmes_with_templates(user=request.user)
            if str(item.public_id) == request.POST.get("programme", "")
        ),
        None,
    )
    if programme is None:
        messages.error(request, _("Choose a programme."))
        return redirect("console:agreements")
    try:
        document = services.agreement_document_create(
            actor=request.user, programme=programme, title=request.POST.get("title", "")
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("console:agreements")
    messages.success(request, _("The agreement was created; publish its first text."))
    return redirect("console:agreement_detail", public_id=document.public_id)


@staff_view
def agreement_detail(request, public_id):
    document = selectors.document_get(user=request.user, public_id=public_id)
    versions = list(document.versions.order_by("-number"))
    current = versions[0] if versions else None
    acceptances = (
        list(
            selectors.acceptances_visible_to(user=request.user).filter(
                version__document=document
            )[:ACCEPTANCES_SHOWN]
        )
        if versions
        else []
    )
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "document": document,
            "versions": versions,
            "current": current,
            "acceptances": acceptances,
            "can_publish": selectors.can_publish(request.user),
        },
    )


@admin_view
@require_POST
def agreement_publish(request, public_id):
    document = selectors.document_get(user=request.user, public_id=public_id)
    accept_by = None
    day = parse_date(request.POST.get("accept_by", "") or "")
    if day is not None:
        accept_by = timezone.make_aware(datetime.combine(day, time(23, 59)))
    try:
        version = services.agreement_version_publish(
            actor=request.user,
            document=document,
            text=request.POST.get("text", ""),
            accept_by=accept_by,
        )
    except ValidationFailed as error:
        for problems in error.field_errors.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(
            request,
            _("Version %(number)s is published.") % {"number": version.number},
        )
    return redirect("console:agreement_detail", public_id=document.public_id)


@staff_view
def acceptance_detail(request, public_id):
    acceptance = selectors.acceptance_get(user=request.user, public_id=public_id)
    return render(
        request,
        "agreements/acceptance_detail.html",
        {"acceptance": acceptance, "area": "console"},
    )


@staff_view
def acceptance_pdf_console(request, public_id):
    return acceptance_pdf_response(
        selectors.acceptance_get(user=request.user, public_id=public_id)
    )


# --- portal


@partner_view
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
            "can_accept": services.can_accept(request.user, request.partner),
        },
    )


@partner_view
def portal_agreement_accept(request, public_id):
    version = selectors.version_for_partner(
        partner=request.partner, public_id=public_id
    )
    errors = {}
    if request.method == "POST":
        try:
            services.agreement_accept(
                actor=request.user,
                partner=request.partner,
                version=version,
                name=request.POST.get("name", ""),
                title=request.POST.get("title", ""),
                text_sha256=request.POST.get("text_sha256", ""),
            )
        except ValidationFailed as error:
            errors = error.field_errors
        except ApplicationError as error:
            if error.status == 403:
                raise PermissionDenied from error
            messages.error(request, error.message)
            return redirect("portal:agreements")
        else:
            messages.success(request, _("Thank you: the agreement is accepted."))
            return redirect("portal:agreements")
    return render(
        request,
        "agreements/portal_accept.html",
        {
            "version": version,
            "text_sha256": services.text_hash(version.text),
            "errors": errors,
            "values": request.POST,
            "can_accept": services.can_accept(request.user, request.partner),
        },
    )


@partner_view
def portal_acceptance_detail(request, public_id):
    acceptance = selectors.acceptance_get(user=request.user, public_id=public_id)
    return render(
        request,
        "agreements/acceptance_detail.html",
        {"acceptance": acceptance, "area": "portal"},
    )


@partner_view
def portal_acceptance_pdf(request, public_id):
    return acceptance_pdf_response(
        selectors.acceptance_get(user=request.user, public_id=public_id)
    )
