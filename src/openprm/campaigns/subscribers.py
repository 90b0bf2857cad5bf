"""Campaign funnel steps that other apps' events complete: a recipient who came
through the tracked link applied, then was approved (onboarding's events carry
the link's ``c`` value as ``campaign_token``). Idempotent: only the first counts."""

from openprm.campaigns import services
from openprm.core import events


@events.subscriber("campaigns.funnel_applied", events=["application.submitted"])
def application_submitted(event) -> None:
    services.record_applied(event)


@events.subscriber("campaigns.funnel_approved", events=["application.approved"])
def application_approved(event) -> None:
    services.record_approved(event)
