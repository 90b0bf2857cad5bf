"""Telling people about deals: in the app and by email through the notifications
app (its ``notify`` sends after the caller's transaction commits)."""

from django.utils.translation import gettext_lazy as _

from openprm.notifications import kinds
from openprm.notifications.services import notify

KINDS = {
    "deal.registered": _("A deal was registered for review"),
    "deal.info_requested": _("More information is needed on your deal"),
    "deal.info_provided": _("A partner answered your question on a deal"),
    "deal.decided": _("A decision on your deal registration"),
    "deal.review_reminder": _("A deal registration is due for review"),
    "deal.review_escalated": _("A deal registration is overdue for review"),
    "deal.extension_requested": _("A protection extension was requested"),
    "deal.expired": _("A deal registration expired"),
}
REQUIRED = {"deal.info_requested", "deal.review_escalated"}

for _key, _label in KINDS.items():
    kinds.register(_key, _label, required=_key in REQUIRED)


def tell(*, recipients, kind: str, subject, body, url: str = "") -> None:
    notify(
        recipients=[user for user in recipients if user is not None],
        kind=kind,
        subject=str(subject),
        body=str(body),
        url=url,
        required=kind in REQUIRED,
    )
