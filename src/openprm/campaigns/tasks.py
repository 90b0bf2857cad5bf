"""Worker jobs of campaigns: the sending sweep and test sends."""

from datetime import timedelta

from django_tasks import task

from openprm.accounts.models import User
from openprm.campaigns import emails, links, sending
from openprm.campaigns.models import Campaign
from openprm.campaigns.selectors import prospects_of
from openprm.core import sweeps


@sweeps.register(every=timedelta(seconds=20), name="campaigns.send")
@task()
def send_campaigns() -> None:
    """Start campaigns that are due and send their emails within the rate limit."""
    sending.run()


@task()
def send_test(campaign_id: int, user_id: int, base_url: str) -> None:
    """The test send of a campaign to its author."""
    campaign = Campaign.objects.select_related("segment", "programme").get(
        pk=campaign_id
    )
    user = User.objects.get(pk=user_id)
    sample = next(iter(prospects_of(user=user, segment=campaign.segment)), None)
    values = emails.merge_values(
        company=sample["company"] if sample else "Example Ltd",
        contact=sample["contact_name"] if sample else user.get_full_name(),
        programme=campaign.programme.name,
    )
    form = links.apply_url(base_url, campaign.programme.slug)
    emails.build(
        campaign=campaign,
        to=user.email,
        values=values,
        click=form,
        unsubscribe=form,
        subject_prefix="[TEST] ",
    ).send()
