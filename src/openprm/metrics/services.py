"""Writes of the metrics app: sign-ins recorded for the usage metrics, rebuilds."""

import datetime

from django.db import transaction
from django.utils import timezone

from openprm.core import audit
from openprm.metrics import permissions, rollups
from openprm.metrics.models import RebuildRun, SignIn
from openprm.tenancy.models import Membership


def sign_in_record(*, user, at: datetime.datetime | None = None) -> list[SignIn]:
    """A partner user signed in: one row per organisation they are an active
    member of, and those partners' rollups of the day refreshed."""
    if getattr(user, "is_vendor_staff", True):
        return []
    at = at or timezone.now()
    partner_ids = list(
        Membership.objects.filter(user=user, is_active=True).values_list(
            "partner_id", flat=True
        )
    )
    if not partner_ids:
        return []
    with transaction.atomic():
        rows = SignIn.objects.bulk_create(
            [SignIn(user=user, partner_id=pk, occurred_at=at) for pk in partner_ids]
        )
        rollups.refresh(partner_ids=partner_ids, days=[timezone.localdate(at)])
    return rows


def rollups_rebuild(
    *, first_day: datetime.date | None = None, last_day: datetime.date | None = None
) -> RebuildRun:
    """Recompute a window of the rollups (default: this month and the previous
    one) and record the drift found."""
    today = timezone.localdate()
    last_day = last_day or today
    first_day = first_day or rollups.month_start(
        rollups.month_start(today) - datetime.timedelta(days=1)
    )
    return rollups.rebuild(first_day=first_day, last_day=last_day)


def rollups_month_started(*, today: datetime.date | None = None) -> RebuildRun | None:
    """Before the day's evaluations: when no rebuild has covered this month yet
    (its first hours), compute it, so that states held over months (certified
    people, accreditations held) have this month's figure for every partner."""
    today = today or timezone.localdate()
    if RebuildRun.objects.filter(
        last_day__gte=rollups.month_start(today), finished_at__isnull=False
    ).exists():
        return None
    return rollups.rebuild(first_day=rollups.month_start(today), last_day=today)


def rollups_rebuild_by(*, actor) -> RebuildRun:
    """A vendor admin asks for a rebuild now (the sweep's window), audited."""
    permissions.ADMIN.ensure(actor)
    run = rollups_rebuild()
    audit.record_create(
        actor=actor,
        instance=run,
        fields=["first_day", "last_day", "cells", "drifted"],
        verb="metrics.rollups_rebuilt",
    )
    return run
