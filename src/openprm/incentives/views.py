"""Console and portal pages of incentives."""

import datetime
import uuid

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core import exports
from openprm.core.errors import NotFound, ValidationFailed
from openprm.core.pagination import requested_page
from openprm.core.web import act, console_page, form_page, portal_page
from openprm.currencies import money
from openprm.funds import selectors as funds_selectors
from openprm.incentives import (
    fulfilment,
    leaderboard,
    permissions,
    preview,
    rewards,
    sales,
    selectors,
    services,
)
from openprm.incentives.forms import (
    AdjustForm,
    ConsoleSalesUploadForm,
    EarningRuleForm,
    FulfilmentReportForm,
    FulfilmentSettingForm,
    IncentiveSettingsForm,
    ProductImportForm,
    RewardForm,
    SalesUploadForm,
    StatusImportForm,
)
from openprm.incentives.models import FulfilmentSetting
from openprm.partners.selectors import partner_list_visible_to
from openprm.segments.audiences.selectors import audience_list_visible_to

PER_PAGE = 50
ISSUES_SHOWN = 500


def _page(request, queryset):
    return requested_page(request, queryset, per_page=PER_PAGE)


# --- console: catalogue


@console_page(rule=permissions.READ)
def product_list(request):
    search = request.GET.get("q", "").strip()
    page = _page(request, selectors.product_list(user=request.user, search=search))
    return render(
        request,
        "incentives/console_products.html",
        {
            "page": page,
            "search": search,
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


def _file_import_page(request, form, *, template: str, run):
    """A file form whose valid POST runs ``run(actor=, file_name=, upload=)`` and
    shows its per-row report on the same page (422 when the file is refused)."""
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = run(actor=request.user, file_name=upload.name, upload=upload)
        except ValidationFailed as error:
            form.add_service_error(error)
    return render(
        request,
        template,
        {"form": form, "report": report},
        status=200 if not form.errors else 422,
    )


@console_page(rule=permissions.MANAGE)
def product_import(request):
    return _file_import_page(
        request,
        ProductImportForm(request.POST or None, request.FILES or None),
        template="incentives/console_product_import.html",
        run=services.product_import,
    )


# --- console: earning rules


def _rule_form(request, rule=None):
    initial = None
    if rule is not None:
        initial = {name: getattr(rule, name) for name in services.RULE_FIELDS}
    return EarningRuleForm(
        request.POST or None,
        initial=initial,
        products=selectors.product_list(user=request.user),
        audiences=audience_list_visible_to(user=request.user),
    )


@console_page(rule=permissions.READ)
def rule_list(request):
    return render(
        request,
        "incentives/console_rules.html",
        {
            "page": _page(request, selectors.rule_list(user=request.user)),
            "events": list(services.BEHAVIOUR_EVENTS.items()),
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


@console_page(rule=permissions.MANAGE)
def rule_create(request):
    return form_page(
        request,
        _rule_form(request),
        template="incentives/console_rule_form.html",
        save=lambda data: services.earning_rule_create(actor=request.user, **data),
        success=_("The earning rule is saved."),
        next=reverse("console:incentive_rules"),
    )


@console_page(rule=permissions.READ)
def rule_preview(request, public_id):
    rule = selectors.rule_get(user=request.user, public_id=public_id)
    return render(
        request,
        "incentives/console_rule_preview.html",
        {
            "preview": preview.rule_preview(user=request.user, rule=rule),
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


@console_page(rule=permissions.MANAGE)
def rule_edit(request, public_id):
    rule = selectors.rule_get(user=request.user, public_id=public_id)
    return form_page(
        request,
        _rule_form(request, rule),
        template="incentives/console_rule_form.html",
        save=lambda data: services.earning_rule_update(
            actor=request.user, rule=rule, **data
        ),
        success=_("The earning rule is saved."),
        next=reverse("console:incentive_rules"),
        context={"rule": rule},
    )


# --- console: ledgers


@console_page(rule=permissions.READ)
def account_list(request):
    return render(
        request,
        "incentives/console_accounts.html",
        {"page": _page(request, selectors.accounts_visible_to(user=request.user))},
    )


@console_page(rule=permissions.READ)
def account_detail(request, public_id):
    account = selectors.account_get(user=request.user, public_id=public_id)
    return render(
        request,
        "incentives/console_account.html",
        {
            "account": account,
            "summary": selectors.summary_of(account),
            "page": _page(request, selectors.entries_of(account)),
            "form": AdjustForm(),
            "can_adjust": permissions.ADJUST.allows(request.user),
        },
    )


@console_page(rule=permissions.ADJUST)
@require_POST
def account_adjust(request, public_id):
    account = selectors.account_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data: services.points_adjust(
            actor=request.user,
            account=account,
            points=data["points"],
            reason=data["reason"],
        ),
        form=AdjustForm(request.POST),
        success=_("The ledger is adjusted."),
        next=reverse("console:incentive_account", args=[account.public_id]),
    )


# --- console: sales data


@console_page(rule=permissions.READ)
def sales_upload_list(request):
    form = None
    if permissions.REPORT_SALES.allows(request.user):
        form = ConsoleSalesUploadForm(
            partners=partner_list_visible_to(user=request.user)
        )
    return render(
        request,
        "incentives/console_sales.html",
        {
            "page": _page(request, selectors.uploads_visible_to(user=request.user)),
            "form": form,
        },
    )


@console_page(rule=permissions.REPORT_SALES)
def sales_upload_create(request):
    partners = partner_list_visible_to(user=request.user)
    form = ConsoleSalesUploadForm(
        request.POST or None, request.FILES or None, partners=partners
    )
    return form_page(
        request,
        form,
        template="incentives/console_sales_upload.html",
        save=lambda data: sales.sales_upload_create(
            actor=request.user,
            partner=partners.get(pk=data["partner"]),
            file_name=data["file"].name,
            upload=data["file"],
        ),
        success=_("The file is being imported."),
        next=lambda upload: reverse(
            "console:incentive_sales_upload", args=[upload.public_id]
        ),
    )


def _upload_page(request, upload, back_url: str):
    context = {
        "upload": upload,
        "issues": list(selectors.issues_of(upload)[:ISSUES_SHOWN]),
        "back_url": back_url,
    }
    template = (
        "incentives/_upload_progress.html"
        if request.headers.get("HX-Request")
        else "incentives/sales_detail.html"
    )
    return render(request, template, context)


@console_page(rule=permissions.READ)
def sales_upload_detail(request, public_id):
    upload = selectors.upload_get(user=request.user, public_id=public_id)
    return _upload_page(request, upload, "console:incentive_sales")


# --- portal


@portal_page(rule=permissions.EARNINGS)
def earnings(request):
    account = selectors.portal_account(partner_id=request.partner.pk, user=request.user)
    return render(
        request,
        "incentives/portal_earnings.html",
        {
            "summary": selectors.summary_of(account),
            "page": _page(request, selectors.entries_of(account)),
            "can_report": permissions.REPORT_SALES.allows_roles(
                partner_roles=request.membership.roles
            ),
        },
    )


def _portal_uploads(request):
    return selectors.uploads_visible_to(user=request.user).filter(
        partner=request.partner
    )


@portal_page(rule=permissions.REPORT_SALES)
def portal_sales(request):
    form = SalesUploadForm(request.POST or None, request.FILES or None)
    return form_page(
        request,
        form,
        template="incentives/portal_sales.html",
        save=lambda data: sales.sales_upload_create(
            actor=request.user,
            partner=request.partner,
            file_name=data["file"].name,
            upload=data["file"],
        ),
        success=_("The file is being imported."),
        next=lambda upload: reverse(
            "portal:incentive_sales_upload", args=[upload.public_id]
        ),
        context={"page": _page(request, _portal_uploads(request))},
    )


@portal_page(rule=permissions.REPORT_SALES)
def portal_sales_upload(request, public_id):
    upload = selectors.upload_get(user=request.user, public_id=public_id)
    if upload.partner_id != request.partner.pk:
        raise NotFound
    return _upload_page(request, upload, "portal:incentive_sales")


# --- rewards


@console_page(rule=permissions.READ)
def reward_list(request):
    return render(
        request,
        "incentives/console_rewards.html",
        {
            "rewards": selectors.reward_list(user=request.user),
            "page": _page(request, selectors.orders_visible_to(user=request.user)),
            "can_manage": permissions.MANAGE.allows(request.user),
            "can_configure": permissions.CONFIGURE.allows(request.user),
        },
    )


@console_page(rule=permissions.CONFIGURE)
def incentive_settings(request):
    """The programme's settings (vendor admins): the redemption approval
    threshold."""
    row = rewards.incentive_settings_get(user=request.user)
    form = IncentiveSettingsForm(
        request.POST or None,
        initial={"redemption_approval_above": row.redemption_approval_above},
    )
    return form_page(
        request,
        form,
        template="incentives/console_settings.html",
        save=lambda data: rewards.incentive_settings_update(actor=request.user, **data),
        success=_("The incentive settings were saved."),
        next=reverse("console:incentive_settings"),
        context={"settings": rewards.incentive_settings_payload(row)},
    )


def _reward_form(request, reward=None) -> RewardForm:
    """The reward form; editing, it starts from the reward's values and also
    offers the budget it names, should that budget have closed since."""
    budgets = funds_selectors.budgets_open_for_requests(on=timezone.localdate())
    initial = None
    if reward is not None:
        initial = {
            name: getattr(reward, name)
            for name in rewards.REWARD_FIELDS
            if name in RewardForm.base_fields
        }
        if reward.mdf_budget_id:
            budgets = budgets | funds_selectors.budgets().filter(
                pk=reward.mdf_budget_id
            )
    return RewardForm(
        request.POST or None,
        initial=initial,
        audiences=audience_list_visible_to(user=request.user),
        budgets=budgets,
    )


@console_page(rule=permissions.MANAGE)
def reward_create(request):
    return form_page(
        request,
        _reward_form(request),
        template="incentives/console_reward_form.html",
        save=lambda data: rewards.reward_create(actor=request.user, **data),
        success=_("The reward is offered."),
        next=reverse("console:incentive_rewards"),
    )


@console_page(rule=permissions.MANAGE)
def reward_edit(request, public_id):
    reward = selectors.reward_get(user=request.user, public_id=public_id)
    form = _reward_form(request, reward)
    return form_page(
        request,
        form,
        template="incentives/console_reward_form.html",
        # Only what the person changed (switching the kind away from "convert
        # to MDF" then drops the budget it showed).
        save=lambda data: rewards.reward_update(
            actor=request.user,
            reward=reward,
            **{name: data[name] for name in form.changed_data},
        ),
        success=_("The reward is saved."),
        next=reverse("console:incentive_rewards"),
        context={"reward": reward},
    )


@portal_page(rule=permissions.EARNINGS)
def portal_rewards(request):
    account = selectors.portal_account(partner_id=request.partner.pk, user=request.user)
    orders = selectors.orders_visible_to(user=request.user).filter(
        partner=request.partner
    )
    return render(
        request,
        "incentives/portal_rewards.html",
        {
            "summary": selectors.summary_of(account, pending=False),
            "rewards": selectors.rewards_for_partner(partner_id=request.partner.pk),
            "orders": orders[:PER_PAGE],
            "can_redeem": permissions.REDEEM.allows_roles(
                partner_roles=request.membership.roles
            ),
        },
    )


@portal_page(rule=permissions.REDEEM)
@require_POST
def portal_redeem(request, public_id):
    reward = selectors.reward_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: rewards.redemption_order_place(
            actor=request.user, partner_id=request.partner.pk, reward=reward
        ),
        success=_("Redeemed. The points are taken from your balance."),
        next=reverse("portal:rewards"),
    )


@portal_page(rule=permissions.REDEEM)
@require_POST
def portal_order_cancel(request, public_id):
    order = selectors.order_get(user=request.user, public_id=public_id)
    if order.partner_id != request.partner.pk:
        raise NotFound
    return act(
        request,
        lambda: rewards.redemption_order_cancel(actor=request.user, order=order),
        success=_("The order is cancelled and its points are back."),
        next=reverse("portal:rewards"),
    )


# --- fulfilment


@console_page(rule=permissions.READ)
def order_detail(request, public_id):
    order = selectors.order_get(user=request.user, public_id=public_id)
    can_manage = permissions.MANAGE.allows(request.user)
    return render(
        request,
        "incentives/console_order.html",
        {
            "order": order,
            "history": selectors.fulfilment_history(order),
            "form": FulfilmentReportForm() if can_manage else None,
            "provider": fulfilment.get(order.fulfilment_provider),
        },
    )


@console_page(rule=permissions.MANAGE)
@require_POST
def order_report(request, public_id):
    order = selectors.order_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data: rewards.redemption_order_report(
            actor=request.user, order=order, **data
        ),
        form=FulfilmentReportForm(request.POST),
        success=_("The order's fulfilment is recorded."),
        next=reverse("console:incentive_order", args=[order.public_id]),
    )


def _provider_forms() -> list[FulfilmentSettingForm]:
    settings = {s.provider: s for s in FulfilmentSetting.objects.all()}
    return [
        FulfilmentSettingForm(provider=provider, setting=settings.get(provider.name))
        for provider in fulfilment.registered()
    ]


@console_page(rule=permissions.READ)
def fulfilment_settings(request):
    return render(
        request,
        "incentives/console_fulfilment.html",
        {
            "forms": _provider_forms(),
            "waiting": selectors.orders_to_export(user=request.user),
            "import_form": StatusImportForm(),
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


@console_page(rule=permissions.MANAGE)
@require_POST
def fulfilment_configure(request, name):
    provider = fulfilment.get(name)
    if provider is None:
        raise NotFound
    form = FulfilmentSettingForm(request.POST, provider=provider)
    return act(
        request,
        lambda data: rewards.fulfilment_configure(
            actor=request.user,
            provider=name,
            options=form.options(),
            is_default=data["is_default"],
        ),
        form=form,
        success=_("The fulfilment provider is set up."),
        next=reverse("console:incentive_fulfilment"),
    )


@console_page(rule=permissions.MANAGE)
@require_POST
def fulfilment_export(request):
    orders = rewards.fulfilment_export(actor=request.user)
    return exports.download(
        columns=fulfilment.EXPORT_COLUMNS,
        rows=[fulfilment.export_row(order) for order in orders],
        file_format="csv",
        name="reward-orders",
        sheet="Orders",
    )


@console_page(rule=permissions.MANAGE)
def fulfilment_import(request):
    return _file_import_page(
        request,
        StatusImportForm(request.POST or None, request.FILES or None),
        template="incentives/console_fulfilment_import.html",
        run=rewards.fulfilment_import,
    )


@portal_page(rule=permissions.EARNINGS)
def portal_order(request, public_id):
    order = selectors.order_get(user=request.user, public_id=public_id)
    if order.partner_id != request.partner.pk:
        raise NotFound
    return render(
        request,
        "incentives/portal_order.html",
        {"order": order, "history": selectors.fulfilment_history(order)},
    )


@console_page(rule=permissions.READ)
def leaderboard_page(request):
    audiences = audience_list_visible_to(user=request.user)
    audience = audiences.filter(public_id=_uuid_or_none(request.GET.get("audience")))
    period = request.GET.get("period", "quarter")
    start, end, rows = leaderboard.leaderboard(
        user=request.user, period=period, audience=audience.first()
    )
    return render(
        request,
        "incentives/console_leaderboard.html",
        {
            "rows": rows,
            "start": start,
            "last_day": end - datetime.timedelta(days=1),
            "periods": leaderboard.PERIODS.items(),
            "period": period if period in leaderboard.PERIODS else "quarter",
            "audiences": audiences,
            "audience": request.GET.get("audience", ""),
            "currency": money.reporting_currency(),
        },
    )


def _uuid_or_none(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
