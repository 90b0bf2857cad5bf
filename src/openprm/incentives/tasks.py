"""Background work of incentives: sales files, expiry and the ledger's check."""

import logging
from datetime import timedelta

from django_tasks import task

from openprm.core import sweeps
from openprm.incentives import sales, selectors, services

logger = logging.getLogger(__name__)


@task()
def process_sales_upload(upload_id: int) -> None:
    """Check and import one uploaded sales file."""
    sales.sales_upload_process(upload_id=upload_id)


@sweeps.register(every=timedelta(hours=1), name="incentives.expire_points")
@task()
def expire_points() -> None:
    """Write the expiry of lots past their date."""
    while services.points_expire_due():
        pass


@sweeps.register(every=timedelta(days=1), name="incentives.warn_expiring_points")
@task()
def warn_expiring_points() -> None:
    """Tell holders, once, of lots that expire within the warning window."""
    while services.points_warn_expiring():
        pass


@sweeps.register(every=timedelta(days=1), name="incentives.check_ledgers")
@task()
def check_ledgers() -> None:
    """Every holder's balance (the sum of entries) must equal what its lots
    hold; a difference is logged as an error for an operator to look at."""
    for account_id, balance, spendable in selectors.ledger_mismatches():
        logger.error(
            "Points account %s: entries sum to %s but lots hold %s",
            account_id,
            balance,
            spendable,
        )
