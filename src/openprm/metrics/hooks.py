"""What the metrics app plugs into the layers below it, at start-up."""

from django.contrib.auth.signals import user_logged_in

from openprm.metrics import sources  # noqa: F401  (registers the catalogue)
from openprm.metrics.services import sign_in_record


def _signed_in(sender, request, user, **kwargs) -> None:
    sign_in_record(user=user)


user_logged_in.connect(_signed_in, dispatch_uid="openprm.metrics.sign_in")

from openprm.metrics import requirements  # noqa: E402

requirements.register()
