from django.core.management.base import BaseCommand, CommandError

from openprm.core.errors import ApplicationError
from openprm.integrations.crm import engine, selectors, services, tasks
from openprm.integrations.crm.models import RunStatus, RunTrigger


class Command(BaseCommand):
    help = (
        "Run a CRM sync now, in this process, and print what it did: the connection "
        "named CONNECTION, every kind of record it syncs unless --object names some; "
        "--full compares every record, not only the changed ones. Exits 1 when the "
        "run fails (the reason is on standard error and on the connection)."
    )

    def add_arguments(self, parser):
        parser.add_argument("connection", help="The connection's name.")
        parser.add_argument(
            "--object",
            action="append",
            dest="objects",
            default=[],
            help="A kind of record to sync (partners, deals, leads, users, "
            "contacts, customers); repeat for several.",
        )
        parser.add_argument("--full", action="store_true", help="Compare every record.")

    def handle(self, *args, connection: str, objects: list, full: bool, **options):
        found = selectors.crm_connection_named(name=connection)
        if found is None:
            raise CommandError(f"No CRM connection is named {connection!r}.")
        try:
            run = services.crm_run_start(
                actor=found.run_as,
                connection=found,
                object_types=objects or None,
                full=full,
                trigger=RunTrigger.COMMAND,
                enqueue=False,
            )
        except ApplicationError as error:
            details = "; ".join(
                str(message)
                for messages in error.field_errors.values()
                for message in messages
            )
            raise CommandError(details or str(error.message)) from error
        claimed = services.crm_run_claim(run_id=run.pk, stale_after=tasks.stale_after())
        run = engine.run_execute(claimed)
        self.stdout.write(
            f"{found.name}: {run.created} created, {run.updated} updated, "
            f"{run.linked} linked, {run.skipped} unchanged, {run.conflicts} "
            f"conflicts, {run.queued} waiting for a person, {run.errors} errors."
        )
        if run.status == RunStatus.FAILED:
            raise CommandError(run.error)
