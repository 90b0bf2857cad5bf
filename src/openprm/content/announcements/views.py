"""Console and portal pages of announcements."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.content import permissions
from openprm.content.announcements import selectors, services
from openprm.content.announcements.choices import AnnouncementStatus
from openprm.content.announcements.forms import AnnouncementForm
from openprm.core.pagination import requested_page
from openprm.core.web import act, console_page, form_page, portal_page
from openprm.segments.audiences import audience_reader

CONSOLE_PER_PAGE = 50
PORTAL_PER_PAGE = 20
LIST_EXCERPT_LENGTH = 200

# --- console


def _form(request, announcement=None):
    initial = None
    if announcement is not None:
        initial = {
            name: getattr(announcement, name) for name in services.EDITABLE_FIELDS
        }
        for name in ("publish_at", "expires_at"):
            if initial[name] is not None:
                initial[name] = timezone.localtime(initial[name])
    return AnnouncementForm(
        request.POST or None,
        initial=initial,
        audiences=selectors.audiences_to_choose(user=request.user),
    )


@console_page(rule=permissions.READ)
def announcement_list(request):
    status = request.GET.get("status", "")
    announcements = selectors.announcements_for_staff(user=request.user)
    now = timezone.now()
    if status in selectors.STATUS_Q:
        announcements = announcements.filter(selectors.STATUS_Q[status](now))
    page = requested_page(request, announcements, per_page=CONSOLE_PER_PAGE)
    announcements = list(page)
    reach = selectors.audience_reach([item.audience for item in announcements])
    rows = [
        {
            "announcement": item,
            "status": selectors.status_of(item, now),
            "reach": reach.get(item.audience_id),
        }
        for item in announcements
    ]
    return render(
        request,
        "content/announcements/console_list.html",
        {
            "rows": rows,
            "page": page,
            "status": status,
            "statuses": AnnouncementStatus.choices,
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


@console_page(rule=permissions.MANAGE)
def announcement_create(request):
    return form_page(
        request,
        _form(request),
        template="content/announcements/console_form.html",
        save=lambda data: services.announcement_create(actor=request.user, **data),
        success=_("The announcement is saved."),
        next=lambda item: reverse("console:announcement", args=[item.public_id]),
    )


@console_page(rule=permissions.READ)
def announcement_detail(request, public_id):
    announcement = selectors.announcement_get(user=request.user, public_id=public_id)
    progress = selectors.progress_by_partner(
        user=request.user, announcement=announcement
    )
    return render(
        request,
        "content/announcements/console_detail.html",
        {
            "announcement": announcement,
            "status": selectors.status_of(announcement),
            "progress": progress,
            "reach_users": sum(row.users for row in progress),
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


@console_page(rule=permissions.MANAGE)
def announcement_edit(request, public_id):
    announcement = selectors.announcement_get(user=request.user, public_id=public_id)
    return form_page(
        request,
        _form(request, announcement),
        template="content/announcements/console_form.html",
        save=lambda data: services.announcement_update(
            actor=request.user, announcement=announcement, **data
        ),
        success=_("The announcement is saved."),
        next=reverse("console:announcement", args=[announcement.public_id]),
        context={"announcement": announcement},
    )


@console_page(rule=permissions.MANAGE)
@require_POST
def announcement_publish(request, public_id):
    announcement = selectors.announcement_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: services.announcement_publish(
            actor=request.user, announcement=announcement
        ),
        success=_("The announcement is published."),
        next=reverse("console:announcement", args=[announcement.public_id]),
    )


# --- portal


def _reader(request):
    return audience_reader(membership=request.membership)


@portal_page
def portal_announcement_list(request):
    announcements = selectors.announcements_for_reader(
        reader=_reader(request), user=request.user
    )
    page = requested_page(request, announcements, per_page=PORTAL_PER_PAGE)
    announcements = list(page)
    for item in announcements:
        item.excerpt = services.excerpt(item, length=LIST_EXCERPT_LENGTH)
    return render(
        request,
        "content/announcements/portal_list.html",
        {"announcements": announcements, "page": page},
    )


@portal_page
def portal_announcement_detail(request, public_id):
    announcement = selectors.announcement_for_reader(
        reader=_reader(request), user=request.user, public_id=public_id
    )
    receipt = services.announcement_read(
        actor=request.user, partner_id=request.partner.pk, announcement=announcement
    )
    return render(
        request,
        "content/announcements/portal_detail.html",
        {"announcement": announcement, "receipt": receipt},
    )


@portal_page
@require_POST
def portal_announcement_acknowledge(request, public_id):
    announcement = selectors.announcement_for_reader(
        reader=_reader(request), user=request.user, public_id=public_id
    )
    return act(
        request,
        lambda: services.announcement_acknowledge(
            actor=request.user,
            partner_id=request.partner.pk,
            announcement=announcement,
        ),
        success=_("Thank you: your acknowledgement is recorded."),
        next=reverse("portal:announcement", args=[announcement.public_id]),
    )
