"""Console pages (review queue, deals, a deal with its conflicts and decisions) and
portal pages (register, track, answer, extend, report the outcome) of deals."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core import errors
from openprm.core.web import console_page, portal_page
from openprm.deals import selectors, services
from openprm.deals.choices import IN_REVIEW, DealStatus
from openprm.deals.forms import (
    AnswerForm,
    DealRegistrationForm,
    ExtensionForm,
    LostForm,
    QuestionForm,
    RejectForm,
    WonForm,
)

PER_PAGE = 50


def _guarded(area_view, check=None):
    """An area's views, with ``check`` on the user (403) and a NotFound from a
    selector or service shown as the 404 page."""

    def decorator(view):
        @area_view
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                if check is not None:
                    check(request.user)
                return view(request, *args, **kwargs)
            except errors.NotFound as error:
                raise Http404 from error
            except errors.PermissionDenied as error:
                raise PermissionDenied from error

        return wrapper

    return decorator


staff_view = _guarded(console_page)
reviewer_view = _guarded(console_page, selectors.ensure_can_review)
seller_view = _guarded(portal_page, selectors.ensure_has_deal_role)


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def _act(request, action, success, redirect_to, form=None):
    """Run a service; its refusal becomes a message (or the form's errors)."""
    try:
        action()
    except errors.ValidationFailed as error:
        if form is not None and error.field_errors:
            form.add_service_errors(error.field_errors)
            return None
        messages.error(request, str(error.message))
    except errors.ApplicationError as error:
        if isinstance(error, errors.NotFound | errors.PermissionDenied):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(request, success)
    return redirect_to


def _detail_context(deal, *, console: bool) -> dict:
    return {
        "deal": deal,
        "lines": list(deal.lines.all()),
        "conflicts": selectors.deal_conflicts(deal=deal),
        "notes": selectors.deal_notes(deal=deal),
        "extensions": selectors.deal_extensions(deal=deal),
        "attachments": selectors.deal_attachments(deal=deal),
        "in_review": deal.status in IN_REVIEW,
        "console": console,
    }


# --- console


@reviewer_view
def deal_queue(request):
    queue = selectors.review_queue(user=request.user)
    return render(
        request,
        "deals/queue.html",
        {"page": _page(request, queue), "statuses": DealStatus.choices},
    )


@staff_view
def deal_list(request):
    status = request.GET.get("status", "")
    if status not in DealStatus.values:
        status = ""
    deals = selectors.deal_list_visible_to(
        user=request.user, status=status, search=request.GET.get("q", "")
    )
    return render(
        request,
        "deals/console_list.html",
        {
            "page": _page(request, deals),
            "status": status,
            "statuses": DealStatus.choices,
            "q": request.GET.get("q", ""),
        },
    )


@staff_view
def deal_detail(request, public_id):
    deal = selectors.deal_get(user=request.user, public_id=public_id)
    context = _detail_context(deal, console=True)
    context.update(
        can_review=selectors.can_review(request.user),
        question_form=QuestionForm(),
        reject_form=RejectForm(),
    )
    return render(request, "deals/console_detail.html", context)


@reviewer_view
@require_POST
def deal_approve(request, public_id):
    deal = selectors.deal_get(user=request.user, public_id=public_id)
    return _act(
        request,
        lambda: services.deal_approve(actor=request.user, deal=deal),
        _("The registration was approved."),
        redirect("console:deal_detail", public_id=deal.public_id),
    )


@reviewer_view
@require_POST
def deal_reject(request, public_id):
    deal = selectors.deal_get(user=request.user, public_id=public_id)
    form = RejectForm(request.POST)
    reason = form.data.get("reason", "")
    return _act(
        request,
        lambda: services.deal_reject(actor=request.user, deal=deal, reason=reason),
        _("The registration was rejected."),
        redirect("console:deal_detail", public_id=deal.public_id),
    )


@reviewer_view
@require_POST
def deal_request_info(request, public_id):
    deal = selectors.deal_get(user=request.user, public_id=public_id)
    question = request.POST.get("question", "")
    return _act(
        request,
        lambda: services.deal_request_info(
            actor=request.user, deal=deal, question=question
        ),
        _("The partner was asked for more information."),
        redirect("console:deal_detail", public_id=deal.public_id),
    )


@reviewer_view
@require_POST
def deal_extension_decide(request, public_id, extension_id):
    deal = selectors.deal_get(user=request.user, public_id=public_id)
    extension = selectors.extension_get(deal=deal, extension_id=extension_id)
    approve = request.POST.get("decision") == "approve"
    return _act(
        request,
        lambda: services.deal_extension_decide(
            actor=request.user, extension=extension, approve=approve
        ),
        _("The extension was approved.")
        if approve
        else _("The extension was refused."),
        redirect("console:deal_detail", public_id=deal.public_id),
    )


@staff_view
def console_attachment(request, public_id, attachment_id):
    deal = selectors.deal_get(user=request.user, public_id=public_id)
    return _download(selectors.attachment_get(deal=deal, public_id=attachment_id))


def _download(attachment):
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/octet-stream",
    )


# --- portal


@seller_view
def portal_deal_list(request):
    deals = selectors.deal_list_visible_to(
        user=request.user, status=request.GET.get("status", "")
    )
    return render(request, "deals/portal_list.html", {"page": _page(request, deals)})


@seller_view
def portal_deal_register(request):
    stages = list(selectors.stages(open_only=True))
    form = DealRegistrationForm(
        request.POST or None, request.FILES or None, stages=stages
    )
    if request.method == "POST" and form.is_valid():
        stage = next(
            item for item in stages if str(item.pk) == form.cleaned_data["stage"]
        )
        try:
            deal = services.deal_register(
                actor=request.user,
                partner=request.partner,
                stage=stage,
                lines=form.lines(),
                **form.service_kwargs(),
            )
        except errors.ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        except errors.PermissionDenied as error:
            raise PermissionDenied from error
        else:
            if deal.conflict_score:
                messages.warning(
                    request,
                    _(
                        "Registered, with possible conflicts: the reviewer sees them "
                        "too. The reasons are below."
                    ),
                )
            else:
                messages.success(request, _("Registered: the vendor will review it."))
            return redirect("portal:deal_detail", public_id=deal.public_id)
    return render(request, "deals/portal_register.html", {"form": form})


@seller_view
def portal_deal_detail(request, public_id):
    deal = selectors.deal_get(user=request.user, public_id=public_id)
    context = _detail_context(deal, console=False)
    context.update(
        can_work=deal.partner_id in selectors.deal_partner_ids(request.user),
        answer_form=AnswerForm(),
        extension_form=ExtensionForm(),
        won_form=WonForm(),
        lost_form=LostForm(),
    )
    return render(request, "deals/portal_detail.html", context)


def _portal_action(request, public_id, action, success):
    deal = selectors.deal_get(user=request.user, public_id=public_id)
    selectors.ensure_can_work_deal(request.user, deal)
    return _act(
        request,
        lambda: action(deal),
        success,
        redirect("portal:deal_detail", public_id=deal.public_id),
    )


@seller_view
@require_POST
def portal_deal_answer(request, public_id):
    return _portal_action(
        request,
        public_id,
        lambda deal: services.deal_answer(
            actor=request.user, deal=deal, answer=request.POST.get("answer", "")
        ),
        _("Your answer was sent to the reviewer."),
    )


@seller_view
@require_POST
def portal_deal_extension(request, public_id):
    form = ExtensionForm(request.POST)
    days = form.cleaned_data["days"] if form.is_valid() else 0
    return _portal_action(
        request,
        public_id,
        lambda deal: services.deal_extension_request(
            actor=request.user,
            deal=deal,
            days=days,
            reason=request.POST.get("reason", ""),
        ),
        _("The extension was requested."),
    )


@seller_view
@require_POST
def portal_deal_won(request, public_id):
    form = WonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid amount and date."))
        return redirect("portal:deal_detail", public_id=public_id)
    data = form.cleaned_data
    return _portal_action(
        request,
        public_id,
        lambda deal: services.deal_mark_won(
            actor=request.user,
            deal=deal,
            amount=data.get("amount"),
            won_on=data.get("won_on"),
        ),
        _("Congratulations: the deal is won and its revenue recorded."),
    )


@seller_view
@require_POST
def portal_deal_lost(request, public_id):
    return _portal_action(
        request,
        public_id,
        lambda deal: services.deal_mark_lost(
            actor=request.user, deal=deal, reason=request.POST.get("reason", "")
        ),
        _("The deal is marked lost."),
    )


@seller_view
def portal_attachment(request, public_id, attachment_id):
    deal = selectors.deal_get(user=request.user, public_id=public_id)
    return _download(selectors.attachment_get(deal=deal, public_id=attachment_id))
