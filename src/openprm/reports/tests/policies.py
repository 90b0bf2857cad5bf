"""Access policies of scheduled reports (see openprm.testing.authz).

Every vendor role schedules reports and sees its own schedules; a schedule of
someone else is hidden (404) but from vendor admins, who manage everyone's.
Partner users get 403 everywhere.
"""

from openprm.reports import permissions
from openprm.testing.authz import (
    ALLOW,
    FORBID,
    HIDE,
    LOGIN,
    SIGNED_OUT_ACTORS,
    VENDOR_ACTORS,
    Policy,
    vendor,
)

API = "api:{method} /api/v1{path}"


def _owners_or_admins(actor: str):
    """A schedule of another vendor user: vendor admins manage it; other vendor
    staff do not know it exists; partner users are refused the area."""
    if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
        return LOGIN
    if actor in VENDOR_ACTORS:
        return ALLOW if VENDOR_ACTORS[actor] in permissions.MANAGE_ALL.vendor else HIDE
    return FORBID


def _colleague(world):
    from openprm.accounts.tests.factories import VendorUserFactory

    return VendorUserFactory(vendor_role="analyst")


def _schedule(world):
    from openprm.reports.tests.factories import scheduled_report

    return scheduled_report(owner=_colleague(world))


def _new_schedule(colleague) -> dict:
    return {
        "name": "Weekly performance",
        "kind": "metrics",
        "filters": {"table": "months"},
        "frequency": "weekly",
        "weekday": 0,
        "recipients": [colleague.email],
    }


def _new_schedule_form(colleague) -> dict:
    return {
        "name": "Weekly performance",
        "filter_table": "months",
        "file_format": "xlsx",
        "frequency": "weekly",
        "weekday": "0",
        "recipients": [str(colleague.public_id)],
    }


ONE = {"kwargs": lambda report: {"public_id": report.public_id}}
ONE_API = {"kwargs": lambda report: {"report_id": report.public_id}}

POLICIES = [
    Policy("web:console:scheduled_reports", vendor(rule=permissions.SCHEDULE)),
    Policy(
        "web:console:scheduled_report_create",
        vendor(rule=permissions.SCHEDULE),
        method="POST",
        query="?kind=metrics",
        make=_colleague,
        data=_new_schedule_form,
    ),
    Policy(
        "web:console:scheduled_report_edit",
        _owners_or_admins,
        make=_schedule,
        **ONE,
    ),
    Policy(
        "web:console:scheduled_report_delete",
        _owners_or_admins,
        method="POST",
        make=_schedule,
        **ONE,
    ),
    Policy(
        "web:console:scheduled_report_send",
        _owners_or_admins,
        method="POST",
        make=_schedule,
        **ONE,
    ),
    Policy(
        API.format(method="GET", path="/scheduled-reports/kinds"),
        vendor(rule=permissions.SCHEDULE),
    ),
    Policy(
        API.format(method="GET", path="/scheduled-reports"),
        vendor(rule=permissions.SCHEDULE),
    ),
    Policy(
        API.format(method="POST", path="/scheduled-reports"),
        vendor(rule=permissions.SCHEDULE),
        method="POST",
        make=_colleague,
        data=_new_schedule,
    ),
    Policy(
        API.format(method="GET", path="/scheduled-reports/{report_id}"),
        _owners_or_admins,
        make=_schedule,
        **ONE_API,
    ),
    Policy(
        API.format(method="PATCH", path="/scheduled-reports/{report_id}"),
        _owners_or_admins,
        method="PATCH",
        make=_schedule,
        data=lambda report: {"name": "Renamed"},
        **ONE_API,
    ),
    Policy(
        API.format(method="DELETE", path="/scheduled-reports/{report_id}"),
        _owners_or_admins,
        method="DELETE",
        make=_schedule,
        **ONE_API,
    ),
    Policy(
        API.format(method="POST", path="/scheduled-reports/{report_id}/send"),
        _owners_or_admins,
        method="POST",
        make=_schedule,
        **ONE_API,
    ),
]
