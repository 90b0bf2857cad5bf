"""What the onboarding app plugs into the layers below it, at start-up."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openprm.approvals import subjects
from openprm.core.worklist import register_console_queues
from openprm.onboarding import permissions
from openprm.onboarding.models import APPLICATION_KIND
from openprm.onboarding.selectors import console_home_queues
from openprm.onboarding.services import application_decided, application_moved

# The console home: the applications waiting for the reader.
register_console_queues(console_home_queues)

# Applications are approved on the engine. They keep their own events
# (application.*), notices and sweep, so the engine's are off for them.
subjects.register(
    subjects.SubjectKind(
        key=APPLICATION_KIND,
        label=_("Partner application"),
        url=lambda request: reverse(
            "console:application_detail", kwargs={"public_id": request.object_id}
        ),
        on_decided=application_decided,
        on_change=application_moved,
        may_act=lambda user, request: permissions.DECIDE_ANY.allows(user),
        engine_events=False,
        engine_notices=False,
        default_step_name=_("Review"),
        sla_days=lambda: settings.OPENPRM_APPLICATION_SLA_DAYS,
        reminder_hours=lambda: settings.OPENPRM_APPLICATION_REMINDER_HOURS,
        escalation_queue=lambda: settings.OPENPRM_APPLICATION_ESCALATION_QUEUE,
        # onboarding.tasks.applications_sla_sweep sweeps applications.
        own_sweep=True,
    )
)
