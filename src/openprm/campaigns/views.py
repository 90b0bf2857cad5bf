"""Console pages of campaigns, and the public pages their emails link to."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from openprm.campaigns import links, selectors, services
from openprm.campaigns.forms import CampaignForm, ScheduleForm
from openprm.core.errors import ApplicationError, NotFound, ValidationFailed
from openprm.core.web import console_page

RECIPIENTS_PER_PAGE = 50


def _campaign_view(*, edit: bool = False):
    def decorator(view):
        @console_page
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            allowed = (
                selectors.can_edit_campaigns if edit else selectors.can_read_campaigns
            )
            if not allowed(request.user):
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except NotFound as error:
                raise Http404 from error

        return wrapper

    return decorator


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@_campaign_view()
def campaign_list(request):
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "campaigns": list(selectors.campaign_list_with_funnel(user=request.user)),
            "can_edit": selectors.can_edit_campaigns(request.user),
        },
    )


@_campaign_view(edit=True)
def campaign_create(request):
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, **form.cleaned_data)
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The campaign was created as a draft."))
            return redirect("console:campaign_detail", public_id=campaign.public_id)
    return render(
        request,
        "campaigns/campaign_form.html",
        {"form": form, "title": _("New campaign")},
    )


@_campaign_view(edit=True)
def campaign_update(request, public_id):
    campaign = selectors.campaign_get(user=request.user, public_id=public_id)
    if not campaign.is_editable:
        messages.error(request, _("Only a draft campaign can be changed."))
        return redirect("console:campaign_detail", public_id=campaign.public_id)
    initial = {
        "name": campaign.name,
        "segment": campaign.segment,
        "programme": campaign.programme,
        "subject": campaign.subject,
        "body": campaign.body,
    }
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(
                actor=request.user, campaign=campaign, **form.cleaned_data
            )
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The campaign was saved."))
            return redirect("console:campaign_detail", public_id=campaign.public_id)
    return render(
        request,
        "campaigns/campaign_form.html",
        {"form": form, "title": _("Edit campaign"), "campaign": campaign},
    )


@_campaign_view()
def campaign_detail(request, public_id):
    """The campaign with its funnel (numbers and chart) and its recipients."""
    campaign = selectors.campaign_get(user=request.user, public_id=public_id)
    funnel = selectors.campaign_funnel(campaign=campaign)
    page = Paginator(
        selectors.campaign_recipients(campaign=campaign), RECIPIENTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "funnel": funnel,
            "chart": {
                "labels": [str(label) for label in selectors.FUNNEL_LABELS],
                "values": [funnel[step] for step in selectors.FUNNEL_STEPS],
            },
            "page": page,
            "recipients": list(page.object_list),
            "can_edit": selectors.can_edit_campaigns(request.user),
            "schedule_form": ScheduleForm(),
        },
    )


def _action(request, public_id, act, done_message):
    campaign = selectors.campaign_get(user=request.user, public_id=public_id)
    try:
        act(campaign)
    except ApplicationError as error:
        messages.error(
            request,
            "; ".join(
                str(message)
                for messages_ in error.field_errors.values()
                for message in messages_
            )
            or error.message,
        )
    else:
        messages.success(request, done_message)
    return redirect("console:campaign_detail", public_id=campaign.public_id)


@require_POST
@_campaign_view(edit=True)
def campaign_test_send(request, public_id):
    return _action(
        request,
        public_id,
        lambda campaign: services.campaign_test_send(
            actor=request.user, campaign=campaign, base_url=_base_url(request)
        ),
        _("A test email is on its way to you."),
    )


@require_POST
@_campaign_view(edit=True)
def campaign_schedule(request, public_id):
    form = ScheduleForm(request.POST)

    def schedule(campaign):
        if not form.is_valid():
            raise ValidationFailed(field_errors=form.errors)
        services.campaign_schedule(
            actor=request.user,
            campaign=campaign,
            base_url=_base_url(request),
            send_at=form.cleaned_data["send_at"],
        )

    return _action(request, public_id, schedule, _("The campaign was scheduled."))


@require_POST
@_campaign_view(edit=True)
def campaign_cancel(request, public_id):
    return _action(
        request,
        public_id,
        lambda campaign: services.campaign_cancel(
            actor=request.user, campaign=campaign
        ),
        _("The campaign was cancelled."),
    )


# --- public pages (no sign-in): the links in the emails


def campaign_click(request, signed):
    """The tracked link: record the click, go on to the application form."""
    token = links.click_token(signed)
    recipient = services.recipient_click(token=token) if token else None
    if recipient is None:
        raise Http404
    programme = recipient.campaign.programme
    return redirect(links.apply_url("", programme.slug, recipient.token))


# Mail clients post the one-click unsubscribe (RFC 8058) without a CSRF token;
# the signed link is what authorises it.
@csrf_exempt
def campaign_unsubscribe(request, signed):
    """A confirmation page; posting it (or a one-click unsubscribe) records it."""
    token = links.unsubscribe_token(signed)
    recipient = selectors.recipient_for_token(token) if token else None
    if recipient is None:
        raise Http404
    done = selectors.is_suppressed(recipient.email)
    if request.method == "POST":
        services.unsubscribe(token=token)
        done = True
    return render(
        request,
        "campaigns/unsubscribe.html",
        {"email": recipient.email, "done": done},
    )
