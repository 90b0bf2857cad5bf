"""Console pages of campaigns, and the public pages their emails link to."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from openprm.campaigns import links, permissions, selectors, services
from openprm.campaigns.forms import CampaignForm, ScheduleForm
from openprm.core import exports
from openprm.core.pagination import requested_page
from openprm.core.web import act, console_page, form_page, public_page

RECIPIENTS_PER_PAGE = 50


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _detail_url(campaign) -> str:
    return reverse("console:campaign_detail", kwargs={"public_id": campaign.public_id})


@console_page(rule=permissions.READ)
def campaign_list(request):
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "campaigns": list(selectors.campaign_list_with_funnel(user=request.user)),
            "can_edit": permissions.EDIT.allows(request.user),
        },
    )


@console_page(rule=permissions.EDIT)
def campaign_create(request):
    return form_page(
        request,
        CampaignForm(request.POST or None),
        template="campaigns/campaign_form.html",
        save=lambda data: services.campaign_create(actor=request.user, **data),
        success=_("The campaign was created as a draft."),
        next=_detail_url,
        context={"title": _("New campaign")},
    )


@console_page(rule=permissions.EDIT)
def campaign_update(request, public_id):
    campaign = selectors.campaign_get(user=request.user, public_id=public_id)
    if not campaign.is_editable:
        messages.error(request, _("Only a draft campaign can be changed."))
        return redirect(_detail_url(campaign))
    initial = {
        "name": campaign.name,
        "segment": campaign.segment,
        "programme": campaign.programme,
        "subject": campaign.subject,
        "body": campaign.body,
    }
    return form_page(
        request,
        CampaignForm(request.POST or None, initial=initial),
        template="campaigns/campaign_form.html",
        save=lambda data: services.campaign_update(
            actor=request.user, campaign=campaign, **data
        ),
        success=_("The campaign was saved."),
        next=_detail_url(campaign),
        context={"title": _("Edit campaign"), "campaign": campaign},
    )


def _funnel_rows(funnel: dict[str, int]) -> list[list]:
    """The funnel's table (its steps, then those waiting or skipped when there
    are any), as the page lists it."""
    rows = [
        [str(label), funnel[step]]
        for step, label in zip(
            selectors.FUNNEL_STEPS, selectors.FUNNEL_LABELS, strict=True
        )
    ]
    if funnel["waiting"]:
        rows.append([str(_("Waiting to be sent")), funnel["waiting"]])
    if funnel["suppressed"]:
        rows.append([str(_("Skipped (unsubscribed)")), funnel["suppressed"]])
    return rows


@console_page(rule=permissions.READ)
def campaign_detail(request, public_id):
    """The campaign with its funnel (numbers and chart) and its recipients."""
    campaign = selectors.campaign_get(user=request.user, public_id=public_id)
    funnel = selectors.campaign_funnel(campaign=campaign)
    export_error = ""
    if "export" in request.GET or "table" in request.GET:
        file_format = request.GET.get("export", "")
        if file_format not in exports.FORMATS:
            export_error = _("Choose a download format: CSV or XLSX.")
        elif request.GET.get("table") != "funnel":
            export_error = _("This page has one table to download: funnel.")
        else:
            return exports.download(
                columns=[str(_("Step")), str(_("Recipients"))],
                rows=_funnel_rows(funnel),
                file_format=file_format,
                name=f"campaign-funnel-{campaign.public_id}",
                sheet="funnel",
            )
    page = requested_page(
        request,
        selectors.campaign_recipients(campaign=campaign),
        per_page=RECIPIENTS_PER_PAGE,
    )
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
            "can_edit": permissions.EDIT.allows(request.user),
            "schedule_form": ScheduleForm(),
            "export_error": export_error,
        },
        status=400 if export_error else 200,
    )


@console_page(rule=permissions.EDIT)
@require_POST
def campaign_test_send(request, public_id):
    campaign = selectors.campaign_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: services.campaign_test_send(
            actor=request.user, campaign=campaign, base_url=_base_url(request)
        ),
        success=_("A test email is on its way to you."),
        next=_detail_url(campaign),
    )


@console_page(rule=permissions.EDIT)
@require_POST
def campaign_schedule(request, public_id):
    campaign = selectors.campaign_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data: services.campaign_schedule(
            actor=request.user,
            campaign=campaign,
            base_url=_base_url(request),
            send_at=data["send_at"],
        ),
        form=ScheduleForm(request.POST),
        success=_("The campaign was scheduled."),
        next=_detail_url(campaign),
    )


@console_page(rule=permissions.EDIT)
@require_POST
def campaign_cancel(request, public_id):
    campaign = selectors.campaign_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: services.campaign_cancel(actor=request.user, campaign=campaign),
        success=_("The campaign was cancelled."),
        next=_detail_url(campaign),
    )


# --- public pages (no sign-in): the links in the emails


@public_page
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
@public_page
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
