"""The notification centre, the same pages in the console and in the portal.

The unread badge in the navigation is loaded by htmx from its own small view (one
COUNT query), so no page pays for it in its own query count.
"""

from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core.pagination import requested_page
from openprm.core.web import act, console_page, portal_page
from openprm.notifications import selectors, services

PER_PAGE = 50


def _here(request, name: str) -> str:
    """A page of the area (console or portal) the request came through."""
    return f"{request.resolver_match.namespace}:{name}"


def _list(request):
    page = requested_page(
        request, selectors.notification_list_for(user=request.user), per_page=PER_PAGE
    )
    return render(
        request,
        "notifications/notification_list.html",
        {"page": page, "notifications": list(page.object_list)},
    )


def _badge(request):
    return render(
        request,
        "notifications/_badge.html",
        {"unread": selectors.unread_count(user=request.user)},
    )


@require_POST
def _read(request, public_id):
    notification = selectors.notification_get(user=request.user, public_id=public_id)
    services.notification_mark_read(user=request.user, notification=notification)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return redirect(target)
    return redirect(_here(request, "notification_list"))


@require_POST
def _read_all(request):
    return act(
        request,
        lambda: services.notification_mark_all_read(user=request.user),
        success=lambda count: (
            _("%(count)d notifications marked read.") % {"count": count}
        ),
        next=_here(request, "notification_list"),
    )


def _save_preferences(user, chosen: set[str]) -> None:
    for item in selectors.preferences_for(user=user):
        if not item["required"]:
            services.notification_preference_set(
                user=user, kind=item["kind"], email_enabled=item["kind"] in chosen
            )


def _preferences(request):
    if request.method == "POST":
        return act(
            request,
            lambda: _save_preferences(request.user, set(request.POST.getlist("email"))),
            success=_("Your email preferences were saved."),
            next=_here(request, "notification_preferences"),
        )
    return render(
        request,
        "notifications/preferences.html",
        {"preferences": selectors.preferences_for(user=request.user)},
    )


console_list = console_page(_list)
console_badge = console_page(_badge)
console_read = console_page(_read)
console_read_all = console_page(_read_all)
console_preferences = console_page(_preferences)
portal_list = portal_page(_list)
portal_badge = portal_page(_badge)
portal_read = portal_page(_read)
portal_read_all = portal_page(_read_all)
portal_preferences = portal_page(_preferences)
