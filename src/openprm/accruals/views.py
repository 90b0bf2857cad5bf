"""Console and portal pages of SPIFFs, rebates, money ledgers and payouts."""

import datetime

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.accruals import payouts, permissions, rebates, selectors, services, spiffs
from openprm.accruals.choices import RebatePeriod
from openprm.accruals.forms import (
    CalculateForm,
    NoteForm,
    PayoutRequestForm,
    RebateProgrammeForm,
    ReturnForm,
    SpiffForm,
    tiers_text,
)
from openprm.core.pagination import requested_page
from openprm.core.web import act, console_page, form_page, portal_page
from openprm.incentives.selectors import product_list
from openprm.partners.selectors import partner_list_visible_to
from openprm.segments.audiences.selectors import audience_list_visible_to

PER_PAGE = 50


# --- console: SPIFFs


@console_page(rule=permissions.READ)
def spiff_list(request):
    return render(
        request,
        "accruals/console_spiffs.html",
        {
            "page": requested_page(
                request, selectors.spiff_list(user=request.user), per_page=PER_PAGE
            ),
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


def _spiff_form(request, spiff=None):
    initial = None
    if spiff is not None:
        initial = {name: getattr(spiff, name) for name in spiffs.SPIFF_FIELDS}
    return SpiffForm(
        request.POST or None,
        initial=initial,
        products=product_list(user=request.user),
        audiences=audience_list_visible_to(user=request.user),
    )


@console_page(rule=permissions.MANAGE)
def spiff_create(request):
    return form_page(
        request,
        _spiff_form(request),
        template="accruals/console_spiff_form.html",
        save=lambda data: spiffs.spiff_create(actor=request.user, **data),
        success=_("The SPIFF is set up."),
        next=lambda spiff: reverse("console:accrual_spiff", args=[spiff.public_id]),
    )


@console_page(rule=permissions.MANAGE)
def spiff_edit(request, public_id):
    spiff = selectors.spiff_get(user=request.user, public_id=public_id)
    return form_page(
        request,
        _spiff_form(request, spiff),
        template="accruals/console_spiff_form.html",
        save=lambda data: spiffs.spiff_update(actor=request.user, spiff=spiff, **data),
        success=_("The SPIFF is saved."),
        next=reverse("console:accrual_spiff", args=[spiff.public_id]),
        context={"spiff": spiff},
    )


@console_page(rule=permissions.READ)
def spiff_detail(request, public_id):
    spiff = selectors.spiff_get(user=request.user, public_id=public_id)
    return render(
        request,
        "accruals/console_spiff.html",
        {
            "spiff": spiff,
            "leaders": selectors.spiff_leaders(spiff),
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


# --- console: rebates


def _programme_form(request, programme=None):
    initial = None
    if programme is not None:
        initial = {name: getattr(programme, name) for name in rebates.PROGRAMME_FIELDS}
        initial["tiers"] = tiers_text(programme)
    return RebateProgrammeForm(
        request.POST or None,
        initial=initial,
        audiences=audience_list_visible_to(user=request.user),
    )


@console_page(rule=permissions.READ)
def programme_list(request):
    return render(
        request,
        "accruals/console_rebates.html",
        {
            "programmes": selectors.programme_list(user=request.user)[:PER_PAGE],
            "page": requested_page(
                request,
                selectors.statements_visible_to(user=request.user),
                per_page=PER_PAGE,
            ),
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


@console_page(rule=permissions.MANAGE)
def programme_create(request):
    return form_page(
        request,
        _programme_form(request),
        template="accruals/console_rebate_form.html",
        save=lambda data: rebates.rebate_programme_create(actor=request.user, **data),
        success=_("The rebate programme is set up."),
        next=lambda item: reverse("console:accrual_rebate", args=[item.public_id]),
    )


@console_page(rule=permissions.MANAGE)
def programme_edit(request, public_id):
    programme = selectors.programme_get(user=request.user, public_id=public_id)
    return form_page(
        request,
        _programme_form(request, programme),
        template="accruals/console_rebate_form.html",
        save=lambda data: rebates.rebate_programme_update(
            actor=request.user, programme=programme, **data
        ),
        success=_("The rebate programme is saved."),
        next=reverse("console:accrual_rebate", args=[programme.public_id]),
        context={"programme": programme},
    )


@console_page(rule=permissions.READ)
def programme_detail(request, public_id):
    programme = selectors.programme_get(user=request.user, public_id=public_id)
    statements = selectors.statements_visible_to(user=request.user).filter(
        programme=programme
    )
    return render(
        request,
        "accruals/console_rebate.html",
        {
            "programme": programme,
            "page": requested_page(request, statements, per_page=PER_PAGE),
            "form": CalculateForm(initial={"on": timezone.localdate()}),
            "can_calculate": permissions.FINANCE.allows(request.user),
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


@console_page(rule=permissions.FINANCE)
@require_POST
def programme_calculate(request, public_id):
    programme = selectors.programme_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data: rebates.rebate_calculate(
            actor=request.user,
            programme=programme,
            on=data["on"],
            final=data["final"],
        ),
        form=CalculateForm(request.POST),
        success=lambda changed: (
            _("Calculated: %(n)s statements changed.") % {"n": len(changed)}
        ),
        next=reverse("console:accrual_rebate", args=[programme.public_id]),
    )


# --- console: money ledgers and payouts


@console_page(rule=permissions.READ)
def payout_list(request):
    form = None
    if permissions.FINANCE.allows(request.user):
        form = PayoutRequestForm(partners=partner_list_visible_to(user=request.user))
    return render(
        request,
        "accruals/console_payouts.html",
        {
            "accounts": requested_page(
                request,
                selectors.money_accounts_visible_to(user=request.user),
                per_page=PER_PAGE,
            ),
            "payouts": selectors.payouts_visible_to(user=request.user)[:PER_PAGE],
            "form": form,
            "note_form": NoteForm(),
            "can_finance": permissions.FINANCE.allows(request.user),
        },
    )


@console_page(rule=permissions.FINANCE)
@require_POST
def payout_request(request):
    partners = partner_list_visible_to(user=request.user)
    return act(
        request,
        lambda data: payouts.payout_request(
            actor=request.user, partner=partners.get(pk=data["partner"])
        ),
        form=PayoutRequestForm(request.POST, partners=partners),
        success=_("The payout awaits finance's approval."),
        next=reverse("console:accrual_payouts"),
    )


def _review(request, public_id, *, approve: bool):
    payout = selectors.payout_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data: payouts.payout_review(
            actor=request.user, payout=payout, approve=approve, note=data["note"]
        ),
        form=NoteForm(request.POST),
        success=_("The payout is approved.")
        if approve
        else _("The payout is rejected."),
        next=reverse("console:accrual_payouts"),
    )


@console_page(rule=permissions.READ)
@require_POST
def payout_approve(request, public_id):
    return _review(request, public_id, approve=True)


@console_page(rule=permissions.READ)
@require_POST
def payout_reject(request, public_id):
    return _review(request, public_id, approve=False)


@console_page(rule=permissions.FINANCE)
@require_POST
def payout_export(request):
    """The approved payouts as a CSV download (each exported once)."""
    text, _count = payouts.payouts_export(
        actor=request.user, payouts=selectors.payouts_visible_to(user=request.user)
    )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="payouts-{stamp}.csv"'
    return response


def _period(request) -> str:
    period = request.GET.get("period", RebatePeriod.MONTH)
    return period if period in RebatePeriod.values else RebatePeriod.MONTH


def _statement(request, account):
    return selectors.statement_of(account, period=_period(request), on=_day(request))


def _day(request):
    try:
        return datetime.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()


@console_page(rule=permissions.READ)
def money_account_detail(request, public_id):
    account = selectors.money_account_get(user=request.user, public_id=public_id)
    return render(
        request,
        "accruals/console_money_account.html",
        {
            "account": account,
            "statement": _statement(request, account),
            "periods": RebatePeriod.choices,
            "period": _period(request),
            "returns": selectors.returns_visible_to(user=request.user).filter(
                partner_id=account.partner_id
            )[:PER_PAGE],
        },
    )


@console_page(rule=permissions.READ)
def return_list(request):
    """Returns recorded, and the sales lines of an invoice to record one."""
    invoice = request.GET.get("invoice", "").strip()[:64]
    lines = []
    if invoice:
        lines = selectors.sales_lines_of_invoice(user=request.user, invoice=invoice)
    return render(
        request,
        "accruals/console_returns.html",
        {
            "invoice": invoice,
            "lines": lines,
            "page": requested_page(
                request,
                selectors.returns_visible_to(user=request.user),
                per_page=PER_PAGE,
            ),
            "can_return": permissions.FINANCE.allows(request.user),
        },
    )


@console_page(rule=permissions.FINANCE)
def sales_line_return(request, public_id):
    line = selectors.sales_line_get(user=request.user, public_id=public_id)
    return form_page(
        request,
        ReturnForm(request.POST or None),
        template="accruals/console_return_form.html",
        save=lambda data: services.sales_line_return(
            actor=request.user, line=line, reason=data["reason"]
        ),
        success=_("The return is recorded; what the line earned is taken back."),
        next=reverse("console:accrual_returns"),
        context={"line": line},
    )


# --- portal


@portal_page(rule=permissions.SPIFFS)
def portal_spiffs(request):
    return render(
        request,
        "accruals/portal_spiffs.html",
        {"items": selectors.partner_spiffs(partner_id=request.partner.pk)},
    )


@portal_page(rule=permissions.STATEMENTS)
def portal_money(request):
    account = selectors.money_account_of(partner_id=request.partner.pk)
    statements = selectors.statements_visible_to(user=request.user).filter(
        partner=request.partner
    )
    return render(
        request,
        "accruals/portal_money.html",
        {
            "account": account,
            "statement": _statement(request, account) if account else None,
            "periods": RebatePeriod.choices,
            "period": _period(request),
            "statements": requested_page(request, statements, per_page=PER_PAGE),
        },
    )
