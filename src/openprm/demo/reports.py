"""Two scheduled reports for the demo, so that Insights → Scheduled reports has
something to show and send: the weekly partner performance (XLSX) for the vendor
admin and the channel manager, and the monthly fund report by tier (PDF) for the
vendor admin and finance."""

from openprm.accounts.models import User
from openprm.demo.ecosystem import VENDOR_LOGINS
from openprm.funds import reports as fund_reports
from openprm.reports import services
from openprm.reports.models import SavedReport


def build_demo_reports(*, actor) -> int:
    """The demo's scheduled reports (none if there are some already); how many."""
    if SavedReport.objects.exists():
        return 0
    people = {user.email: user for user in User.objects.exclude(vendor_role="")}
    manager = people.get(VENDOR_LOGINS[1].email)
    finance = people.get(VENDOR_LOGINS[3].email)
    services.saved_report_create(
        actor=actor,
        name="Weekly partner performance",
        kind="metrics",
        filters={"table": "partners", "months": "12"},
        file_format="xlsx",
        frequency="weekly",
        weekday=0,
        recipients=[user for user in (actor, manager) if user is not None],
    )
    currencies = fund_reports.currencies()
    if not currencies:
        return 1
    services.saved_report_create(
        actor=actor,
        name="Monthly fund report by tier",
        kind="funds",
        filters={"by": "tier", "currency": currencies[0]},
        file_format="pdf",
        frequency="monthly",
        day_of_month=1,
        recipients=[user for user in (actor, finance) if user is not None],
    )
    return 2
