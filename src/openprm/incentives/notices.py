"""The notification kinds of incentives (sent with ``notify``, after commit)."""

from django.utils.translation import gettext_lazy as _

from openprm.notifications import kinds

kinds.register("points.expiring", _("Some of your points expire soon"))
