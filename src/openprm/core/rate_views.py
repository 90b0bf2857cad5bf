"""Console pages of the exchange-rate table: vendor staff read it, vendor admins add,
change and delete rates."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core import money, rate_selectors, rate_services
from openprm.core.errors import NotFound, ValidationFailed
from openprm.core.rate_forms import ExchangeRateForm
from openprm.core.web import console_page

RATES_PER_PAGE = 50


def _console(check):
    def decorator(view):
        @console_page
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except NotFound as error:
                raise Http404 from error

        return wrapper

    return decorator


reader_view = _console(rate_selectors.can_read_rates)
editor_view = _console(rate_selectors.can_edit_rates)


@reader_view
def exchange_rate_list(request):
    currency = request.GET.get("currency", "").strip().upper()[:3]
    rates = rate_selectors.exchange_rate_list(user=request.user, currency=currency)
    page = Paginator(rates, RATES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/rate_list.html",
        {
            "page": page,
            "currency": currency,
            "reporting_currency": money.reporting_currency(),
            "can_edit": rate_selectors.can_edit_rates(request.user),
        },
    )


def _form_page(request, form, title, exchange_rate=None):
    return render(
        request,
        "core/rate_form.html",
        {
            "form": form,
            "title": title,
            "exchange_rate": exchange_rate,
            "reporting_currency": (
                exchange_rate.base_currency
                if exchange_rate
                else money.reporting_currency()
            ),
        },
    )


@editor_view
def exchange_rate_create(request):
    form = ExchangeRateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rate_services.exchange_rate_create(actor=request.user, **form.cleaned_data)
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The exchange rate was added."))
            return redirect("console:exchange_rate_list")
    return _form_page(request, form, _("New exchange rate"))


@editor_view
def exchange_rate_update(request, rate_id: int):
    exchange_rate = rate_selectors.exchange_rate_get(user=request.user, rate_id=rate_id)
    initial = {
        "currency": exchange_rate.currency,
        "rate": exchange_rate.rate.normalize(),
        "valid_from": exchange_rate.valid_from,
    }
    form = ExchangeRateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rate_services.exchange_rate_update(
                actor=request.user, exchange_rate=exchange_rate, **form.cleaned_data
            )
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The exchange rate was saved."))
            return redirect("console:exchange_rate_list")
    return _form_page(request, form, _("Edit exchange rate"), exchange_rate)


@require_POST
@editor_view
def exchange_rate_delete(request, rate_id: int):
    exchange_rate = rate_selectors.exchange_rate_get(user=request.user, rate_id=rate_id)
    rate_services.exchange_rate_delete(actor=request.user, exchange_rate=exchange_rate)
    messages.success(request, _("The exchange rate was deleted."))
    return redirect("console:exchange_rate_list")
