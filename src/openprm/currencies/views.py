"""Console pages of the exchange-rate table: vendor staff read it, vendor admins add,
change and delete rates."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core.pagination import requested_page
from openprm.core.web import act, console_page, form_page
from openprm.currencies import money, selectors, services
from openprm.currencies.forms import ExchangeRateForm
from openprm.currencies.permissions import EDIT_RATES, READ_RATES

RATES_PER_PAGE = 50


@console_page(rule=READ_RATES)
def exchange_rate_list(request):
    currency = request.GET.get("currency", "").strip().upper()[:3]
    rates = selectors.exchange_rate_list(user=request.user, currency=currency)
    page = requested_page(request, rates, per_page=RATES_PER_PAGE)
    return render(
        request,
        "currencies/rate_list.html",
        {
            "page": page,
            "currency": currency,
            "reporting_currency": money.reporting_currency(),
            "can_edit": EDIT_RATES.allows(request.user),
        },
    )


def _form_page(request, form, *, title, save, success, exchange_rate=None):
    return form_page(
        request,
        form,
        template="currencies/rate_form.html",
        save=save,
        success=success,
        next="console:exchange_rate_list",
        context={
            "title": title,
            "exchange_rate": exchange_rate,
            "reporting_currency": (
                exchange_rate.base_currency
                if exchange_rate
                else money.reporting_currency()
            ),
        },
    )


@console_page(rule=EDIT_RATES)
def exchange_rate_create(request):
    return _form_page(
        request,
        ExchangeRateForm(request.POST or None),
        title=_("New exchange rate"),
        save=lambda data: services.exchange_rate_create(actor=request.user, **data),
        success=_("The exchange rate was added."),
    )


@console_page(rule=EDIT_RATES)
def exchange_rate_update(request, rate_id: int):
    exchange_rate = selectors.exchange_rate_get(user=request.user, rate_id=rate_id)
    initial = {
        "currency": exchange_rate.currency,
        "rate": exchange_rate.rate.normalize(),
        "valid_from": exchange_rate.valid_from,
    }
    return _form_page(
        request,
        ExchangeRateForm(request.POST or None, initial=initial),
        title=_("Edit exchange rate"),
        save=lambda data: services.exchange_rate_update(
            actor=request.user, exchange_rate=exchange_rate, **data
        ),
        success=_("The exchange rate was saved."),
        exchange_rate=exchange_rate,
    )


@require_POST
@console_page(rule=EDIT_RATES)
def exchange_rate_delete(request, rate_id: int):
    exchange_rate = selectors.exchange_rate_get(user=request.user, rate_id=rate_id)
    return act(
        request,
        lambda: services.exchange_rate_delete(
            actor=request.user, exchange_rate=exchange_rate
        ),
        success=_("The exchange rate was deleted."),
        next="console:exchange_rate_list",
    )
