"""The signed-in user's API tokens page: list, create (shown once), revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from openprm.accounts.tokens import selectors, services
from openprm.accounts.tokens.forms import ApiTokenForm
from openprm.core.errors import NotFound, ValidationFailed
from openprm.core.pagination import requested_page

TOKENS_PER_PAGE = 50


def _render_list(request, form: ApiTokenForm, *, status: int = 200):
    tokens = selectors.api_tokens_of(user=request.user)
    page = requested_page(request, tokens, per_page=TOKENS_PER_PAGE)
    return render(
        request,
        "accounts/api_tokens.html",
        {"page": page, "form": form},
        status=status,
    )


@require_safe
@login_required
def api_token_list(request):
    return _render_list(request, ApiTokenForm())


@require_POST
@login_required
@never_cache  # the response holds the secret: no browser or proxy may keep it
def api_token_create(request):
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"], actor=request.user
            )
        except ValidationFailed as error:
            for field, field_messages in error.field_errors.items():
                for message in field_messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return render(
                request,
                "accounts/api_token_created.html",
                {"token": token, "secret": secret},
            )
    return _render_list(request, form, status=400)


@require_POST
@login_required
def api_token_revoke(request, token_id: int):
    try:
        token = selectors.api_token_of(user=request.user, token_id=token_id)
    except NotFound as error:
        raise Http404 from error
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(
        request, _("The token “%(name)s” was revoked.") % {"name": token.name}
    )
    return redirect("api_tokens")
