"""The console's scheduled reports: the list (under Insights), the form that
saves a report page's filters as a schedule, and edit, delete and send now."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from openprm.core.errors import NotFound
from openprm.core.web import act, console_page, form_page
from openprm.reports import permissions, registry, selectors, services
from openprm.reports.forms import SavedReportForm, initial_for

LIST_ROWS = 200


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@require_safe
@console_page(rule=permissions.SCHEDULE)
def report_list(request):
    reports = list(selectors.saved_report_list(user=request.user)[:LIST_ROWS])
    for report in reports:
        report.kind_info = registry.get_kind(report.kind)
        if report.kind_info is not None:
            report.page_url = (
                f"{reverse(report.kind_info.page)}?{urlencode(report.filters)}"
            )
    return render(
        request,
        "reports/list.html",
        {
            "reports": reports,
            "kinds": [
                kind for kind in registry.kinds() if kind.rule.allows(request.user)
            ],
        },
    )


def _save(request, form, report=None):
    data = form.cleaned_data
    values = {
        "name": data["name"],
        "filters": form.filters(),
        "file_format": data["file_format"],
        "frequency": data["frequency"],
        "weekday": data["weekday"],
        "day_of_month": data["day_of_month"],
        "recipients": list(data["recipients"]),
    }
    if report is None:
        return services.saved_report_create(
            actor=request.user, kind=form.kind.code, **values
        )
    return services.saved_report_update(actor=request.user, report=report, **values)


@console_page(rule=permissions.SCHEDULE)
def report_create(request):
    """``?kind=<code>`` and the report page's own query string: the filters to
    save (the pages' **Save as scheduled report** links here)."""
    kind = registry.get_kind(request.GET.get("kind", ""))
    if kind is None or not kind.rule.allows(request.user):
        raise NotFound
    page_filters = {
        name: value for name, value in request.GET.items() if name != "kind"
    }
    form = SavedReportForm(
        request.POST or None,
        kind=kind,
        user=request.user,
        initial={
            "name": str(kind.label),
            "recipients": [request.user],
            **initial_for(page_filters),
        },
    )
    return form_page(
        request,
        form,
        template="reports/form.html",
        save=lambda data: _save(request, form),
        success=lambda report: (
            _("“%(name)s” is scheduled: next sent %(when)s.")
            % {"name": report.name, "when": _when(report.next_run_at)}
        ),
        next=reverse("console:scheduled_reports"),
        context={"kind": kind},
    )


@console_page(rule=permissions.SCHEDULE)
def report_edit(request, public_id):
    report = selectors.saved_report_get(user=request.user, public_id=public_id)
    kind = registry.get_kind(report.kind)
    if kind is None:
        raise NotFound
    form = SavedReportForm(
        request.POST or None,
        kind=kind,
        user=request.user,
        initial={
            "name": report.name,
            "file_format": report.file_format,
            "frequency": report.frequency,
            "weekday": report.weekday,
            "day_of_month": report.day_of_month,
            "recipients": list(report.recipients.all()),
            **initial_for(report.filters),
        },
    )
    return form_page(
        request,
        form,
        template="reports/form.html",
        save=lambda data: _save(request, form, report),
        success=_("The scheduled report was saved."),
        next=reverse("console:scheduled_reports"),
        context={"kind": kind, "report": report},
    )


@require_POST
@console_page(rule=permissions.SCHEDULE)
def report_delete(request, public_id):
    report = selectors.saved_report_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: services.saved_report_delete(actor=request.user, report=report),
        success=_("The scheduled report was deleted: nothing more is sent."),
        next=reverse("console:scheduled_reports"),
    )


@require_POST
@console_page(rule=permissions.SCHEDULE)
def report_send(request, public_id):
    report = selectors.saved_report_get(user=request.user, public_id=public_id)

    def said(sent: int) -> str:
        text = _("Sent to %(count)s recipient(s).") % {"count": sent}
        if report.last_error:
            text = f"{text} {report.last_error}"
        return text

    return act(
        request,
        lambda: services.saved_report_send(actor=request.user, report=report),
        success=said,
        next=reverse("console:scheduled_reports"),
    )
