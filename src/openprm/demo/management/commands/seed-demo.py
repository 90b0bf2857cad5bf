from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from openprm.accounts.models import User
from openprm.demo.accruals import build_demo_accruals
from openprm.demo.announcements import build_demo_announcements
from openprm.demo.applications import build_demo_applications
from openprm.demo.approvals import build_demo_approvals
from openprm.demo.campaigns import build_demo_campaigns
from openprm.demo.certifications import build_demo_certifications
from openprm.demo.crm_sync import build_demo_crm_sync
from openprm.demo.deals import build_demo_deals
from openprm.demo.ecosystem import DEMO_LOGINS, VENDOR_LOGINS, EcosystemBuilder
from openprm.demo.funds import build_demo_funds
from openprm.demo.incentives import build_demo_incentives
from openprm.demo.journeys import build_demo_journeys
from openprm.demo.leads import build_demo_leads
from openprm.demo.learning import build_demo_learning
from openprm.demo.library import build_demo_library
from openprm.demo.metrics import build_demo_metrics
from openprm.demo.pipeline import build_demo_rates
from openprm.demo.profiles import build_demo_profiles
from openprm.demo.programs import build_demo_programs
from openprm.demo.reports import build_demo_reports
from openprm.demo.scoring import build_demo_scoring
from openprm.demo.segments import build_demo_segments
from openprm.demo.team import build_demo_invitations
from openprm.demo.webhooks import build_demo_webhooks
from openprm.partners.models import Partner

DEFAULT_SEED = 2026
QUIET_EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"


class Command(BaseCommand):
    help = (
        "Fill an empty database with the deterministic demo ecosystem: vendor staff "
        "in every role, about 200 partners (distributors with resellers beneath "
        "them) and their users. Prints the demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but print the logins) when the database has partners.",
        )
        parser.add_argument(
            "--partners",
            type=int,
            default=200,
            help="How many partners (default: 200).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help="Random seed (default: 2026).",
        )

    def handle(self, *args, if_empty: bool, partners: int, seed: int, **options):
        if partners < 10:
            raise CommandError("--partners must be at least 10")
        if Partner.objects.exists():
            if not if_empty:
                raise CommandError(
                    "The database already has partners; seed-demo fills only an empty "
                    "database (use --if-empty to skip quietly)."
                )
            self.stdout.write("The database already has data; demo seeding skipped.")
        else:
            builder = EcosystemBuilder(
                seed=seed,
                partner_count=partners,
                password=settings.OPENPRM_DEMO_PASSWORD,
            )
            # All or nothing: a half-seeded database would be skipped next time.
            # The demo's own emails (invitations to .example addresses) go nowhere:
            # seeding prints the logins, not the mail a console backend would.
            with (
                override_settings(EMAIL_BACKEND=QUIET_EMAIL_BACKEND),
                transaction.atomic(),
            ):
                counts = builder.build()
                # Each capability adds its demo data on top of the ecosystem.
                vendor_admin = User.objects.get(email=VENDOR_LOGINS[0].email)
                build_demo_profiles()
                build_demo_programs(actor=vendor_admin)
                build_demo_scoring(actor=vendor_admin)
                build_demo_segments(actor=vendor_admin)
                build_demo_invitations(users=User.objects.all())
                build_demo_webhooks(actor=vendor_admin)
                build_demo_crm_sync(actor=vendor_admin)
                build_demo_applications(actor=vendor_admin)
                build_demo_approvals(actor=vendor_admin)
                build_demo_journeys(actor=vendor_admin)
                build_demo_deals(actor=vendor_admin)
                build_demo_leads(actor=vendor_admin)
                build_demo_rates(actor=vendor_admin)
                build_demo_campaigns(actor=vendor_admin)
                build_demo_announcements(actor=vendor_admin)
                build_demo_library(actor=vendor_admin)
                build_demo_learning(actor=vendor_admin)
                build_demo_certifications(actor=vendor_admin)  # names learning's
                build_demo_funds(actor=vendor_admin)
                build_demo_incentives(actor=vendor_admin)
                build_demo_accruals(actor=vendor_admin)
                build_demo_metrics(actor=vendor_admin)
                build_demo_reports(actor=vendor_admin)
            self.stdout.write(
                self.style.SUCCESS(
                    "Demo data created: {partners} partners, {users} users, "
                    "{memberships} memberships.".format(**counts)
                )
            )
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write(
            "\nDemo logins (password: $OPENPRM_DEMO_PASSWORD, default 'openprm-demo'):"
        )
        width = max(len(login.email) for login in DEMO_LOGINS)
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.email:<{width}}  {login.description}")
