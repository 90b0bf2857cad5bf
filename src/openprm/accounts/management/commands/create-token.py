from django.core.management.base import BaseCommand, CommandError

from openprm.accounts.tokens.selectors import user_by_email
from openprm.accounts.tokens.services import api_token_create
from openprm.core.errors import ApplicationError

DEFAULT_NAME = "Command line"


class Command(BaseCommand):
    help = (
        "Create an API token for a user and print it (only the token, on standard "
        "output, so that scripts can capture it). It acts with the user's permissions "
        "and is shown only this once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--user", required=True, help="The email address of the token's user."
        )
        parser.add_argument(
            "--name",
            default=DEFAULT_NAME,
            help=f"What the token is for (default: {DEFAULT_NAME!r}).",
        )

    def handle(self, *args, user: str, name: str, **options):
        owner = user_by_email(email=user)
        if owner is None:
            raise CommandError(f"No user signs in with {user!r}.")
        if not owner.is_active:
            raise CommandError(
                f"The user {owner.email} is deactivated; their tokens would not work."
            )
        try:
            token, secret = api_token_create(user=owner, name=name, actor=None)
        except ApplicationError as error:
            details = "; ".join(
                str(message)
                for messages in error.field_errors.values()
                for message in messages
            )
            raise CommandError(details or str(error.message)) from error
        self.stderr.write(
            f"Created API token {token.name!r} ({token.prefix}…) for {owner.email}. "
            "It is shown only this once:"
        )
        self.stdout.write(secret)
