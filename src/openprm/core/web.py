"""The web layer every page is built on: one decorator per area, service refusals as
403/404 in one place, and the submit-then-redirect flow.

::

    @console_page(rule=permissions.REVIEW)
    @require_POST
    def deal_approve(request, public_id):
        deal = selectors.deal_get(user=request.user, public_id=public_id)
        return act(
            request,
            lambda: services.deal_approve(actor=request.user, deal=deal),
            success=_("The registration was approved."),
            next=deal.get_absolute_url(),
        )

- :func:`console_page` and :func:`portal_page` apply the area's access rule (sign-in
  first, then the area: vendor staff for the console; an active membership for the
  portal, which sets ``request.partner``), then the optional :class:`Rule` (403),
  and turn a selector's or service's ``NotFound`` into 404 and ``PermissionDenied``
  into 403. :func:`public_page` only does the latter.
- :func:`form_page` runs a form through a service: a refusal shows on the form's
  fields (``core.forms.ServiceForm``), success is a message and a redirect.
- :func:`act` runs a button's service: success or refusal is a message, then a
  redirect.

The area rules belong to the apps that know users and memberships; they register
them at start-up with :func:`set_area_guard`, since ``core`` imports no app.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from openprm.core import errors
from openprm.core.permissions import Rule

CONSOLE = "console"
PORTAL = "portal"

# An area's access rule: None lets the request in (and may set attributes on it,
# e.g. the portal's ``request.partner``); a response (the sign-in redirect) or an
# exception refuses it.
AreaGuard = Callable[[HttpRequest], HttpResponse | None]

_area_guards: dict[str, AreaGuard] = {}


def set_area_guard(area: str, guard: AreaGuard) -> None:
    _area_guards[area] = guard


def _guard(area: str) -> AreaGuard:
    try:
        return _area_guards[area]
    except KeyError:
        raise RuntimeError(f"No access rule is registered for {area!r}") from None


def refusals_as_http(view: Callable) -> Callable:
    """A selector's or service's ``NotFound`` as the 404 page and its
    ``PermissionDenied`` as the 403 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except errors.NotFound as error:
            raise Http404 from error
        except errors.PermissionDenied as error:
            raise DjangoPermissionDenied from error

    return wrapper


def area_page(area: str, *, rule: Rule | None = None) -> Callable:
    """Views of ``area``, gated by ``rule`` when given. In the portal the rule is
    checked against the user's roles in the organisation the portal works for."""

    def decorator(view: Callable) -> Callable:
        view = refusals_as_http(view)

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            refusal = _guard(area)(request)
            if refusal is not None:
                return refusal
            if rule is not None:
                partner = getattr(request, "partner", None) if area == PORTAL else None
                if not rule.allows(
                    request.user, partner_id=partner.pk if partner else None
                ):
                    raise DjangoPermissionDenied
            return view(request, *args, **kwargs)

        wrapper.area = area
        wrapper.rule = rule
        return wrapper

    return decorator


def console_page(view: Callable | None = None, *, rule: Rule | None = None):
    """A channel console page: ``@console_page`` or ``@console_page(rule=...)``."""
    decorator = area_page(CONSOLE, rule=rule)
    return decorator(view) if view is not None else decorator


def portal_page(view: Callable | None = None, *, rule: Rule | None = None):
    """A partner portal page: ``@portal_page`` or ``@portal_page(rule=...)``."""
    decorator = area_page(PORTAL, rule=rule)
    return decorator(view) if view is not None else decorator


def public_page(view: Callable) -> Callable:
    """A page anyone may open (an application form, an invitation): refusals only."""
    return refusals_as_http(view)


def _is_access_refusal(error: errors.ApplicationError) -> bool:
    return isinstance(error, errors.NotFound | errors.PermissionDenied)


def _resolve(value, result):
    return value(result) if callable(value) else value


def form_page(
    request: HttpRequest,
    form,
    *,
    template: str,
    save: Callable[[dict], Any],
    success: str | Callable[[Any], str],
    next: Any,
    context: dict | None = None,
    invalid_status: int = 200,
) -> HttpResponse:
    """GET shows ``form``; a valid POST goes to ``save(cleaned_data)``. A refusal is
    shown on the form (``form.add_service_error``) and the page again, answered
    with ``invalid_status`` as is any page shown with errors; success is the
    ``success`` message and a redirect to ``next`` (a URL, a model, or a callable
    of what ``save`` returned)."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except errors.ApplicationError as error:
            if _is_access_refusal(error):
                raise
            form.add_service_error(error)
        else:
            messages.success(request, _resolve(success, result))
            return redirect(_resolve(next, result))
    return render(
        request,
        template,
        {"form": form, **(context or {})},
        status=invalid_status if form.errors else 200,
    )


def act(
    request: HttpRequest,
    action: Callable[..., Any],
    *,
    success: str | Callable[[Any], str],
    next: Any,
    on_refusal: Any = None,
    form=None,
) -> HttpResponse:
    """A button's action (with an optional small ``form``: a reason, a date): run
    the service — ``action()``, or ``action(cleaned_data)`` with a form — say how it
    went, and redirect to ``next`` (a URL, a model, or a callable of what ``action``
    returned). Invalid input or a refusal is shown as messages (one per problem),
    then a redirect to ``on_refusal`` (default: ``next``; a callable gets None)."""
    back = on_refusal if on_refusal is not None else _resolve(next, None)
    if form is not None and not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect(back)
    try:
        result = action(form.cleaned_data) if form is not None else action()
    except errors.ApplicationError as error:
        if _is_access_refusal(error):
            raise
        refusal_messages(request, error)
        return redirect(back)
    messages.success(request, _resolve(success, result))
    return redirect(_resolve(next, result))


def refusal_messages(request: HttpRequest, error: errors.ApplicationError) -> None:
    """A service's refusal as error messages: each field problem, or the message."""
    problems = [
        str(problem) for items in error.field_errors.values() for problem in items
    ]
    for problem in problems or [str(error.message)]:
        messages.error(request, problem)


# Never a real object's id: it stands in for one in a reversed URL.
_URL_KEY = UUID("00000000-0000-0000-0000-0000000000ff")


def uuid_urls(viewname: str) -> Callable[[UUID], str]:
    """``reverse(viewname, args=[key])`` for the many UUID keys of a page's rows:
    reversed once, each key written in its place (Django's ``reverse`` cost as
    much as the rest of a card in the portal library's 24)."""
    template = reverse(viewname, args=[_URL_KEY])
    marker = str(_URL_KEY)
    if template.count(marker) != 1:
        raise ValueError(f"{viewname} does not take exactly one UUID")
    return lambda key: template.replace(marker, str(key))
