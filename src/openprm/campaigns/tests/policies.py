"""Access policies of campaigns.

Every vendor role reads campaigns; vendor admins and channel marketing write
them; partner users are refused (403). The tracked link and the unsubscribe page
are public, authorised by their signature.
"""

from openprm.campaigns import links, permissions
from openprm.campaigns.choices import CampaignStatus
from openprm.campaigns.tests.factories import CampaignFactory, CampaignRecipientFactory
from openprm.programs.tests.factories import ProgrammeFactory
from openprm.segments.tests.factories import StaticListFactory
from openprm.testing.authz import Policy, public, vendor

STAFF = vendor(rule=permissions.READ)
EDITORS = vendor(rule=permissions.EDIT)


def campaign(world):
    return CampaignFactory()


def scheduled(world):
    return CampaignFactory(status=CampaignStatus.SCHEDULED)


def recipient(world):
    return CampaignRecipientFactory()


def web_kwargs(obj):
    return {"public_id": obj.public_id}


def api_kwargs(obj):
    return {"campaign_id": obj.public_id}


def _draft_fields(obj):
    return {
        "name": "Matrix campaign",
        "segment": str(StaticListFactory().public_id),
        "programme": str(ProgrammeFactory().public_id),
        "subject": "Join {{ programme }}",
        "body": "Hello {{ contact }}",
    }


def _form_fields(obj):
    return {
        "name": "Matrix campaign",
        "segment": StaticListFactory().pk,
        "programme": ProgrammeFactory().pk,
        "subject": "Join {{ programme }}",
        "body": "Hello {{ contact }}",
    }


def _signed(kind):
    def kwargs(obj):
        url = (links.click_url if kind == "click" else links.unsubscribe_url)(
            "", obj.token
        )
        return {"signed": url.rstrip("/").rsplit("/", 1)[1]}

    return kwargs


CAMPAIGN = "api:{method} /api/v1/campaigns/{{campaign_id}}"

POLICIES = [
    # Console pages.
    Policy("web:console:campaign_list", STAFF, make=campaign),
    Policy("web:console:campaign_create", EDITORS, method="POST", data=_form_fields),
    Policy("web:console:campaign_detail", STAFF, make=campaign, kwargs=web_kwargs),
    Policy(
        "web:console:campaign_update",
        EDITORS,
        method="POST",
        make=campaign,
        kwargs=web_kwargs,
        data=_form_fields,
    ),
    Policy(
        "web:console:campaign_test_send",
        EDITORS,
        method="POST",
        make=campaign,
        kwargs=web_kwargs,
        data=lambda obj: {},
    ),
    Policy(
        "web:console:campaign_schedule",
        EDITORS,
        method="POST",
        make=campaign,
        kwargs=web_kwargs,
        data=lambda obj: {},
    ),
    Policy(
        "web:console:campaign_cancel",
        EDITORS,
        method="POST",
        make=scheduled,
        kwargs=web_kwargs,
        data=lambda obj: {},
    ),
    # Public links in the emails.
    Policy(
        "web:public:campaign_click", public(), make=recipient, kwargs=_signed("click")
    ),
    Policy(
        "web:public:campaign_unsubscribe",
        public(),
        method="POST",
        make=recipient,
        kwargs=_signed("unsubscribe"),
        data=lambda obj: {},
    ),
    # API.
    Policy("api:GET /api/v1/campaigns", STAFF, make=campaign),
    Policy("api:POST /api/v1/campaigns", EDITORS, data=_draft_fields),
    Policy(CAMPAIGN.format(method="GET"), STAFF, make=campaign, kwargs=api_kwargs),
    Policy(
        CAMPAIGN.format(method="PATCH"),
        EDITORS,
        make=campaign,
        kwargs=api_kwargs,
        data=lambda obj: {"name": "Renamed"},
    ),
    Policy(
        CAMPAIGN.format(method="POST") + "/test-send",
        EDITORS,
        make=campaign,
        kwargs=api_kwargs,
        data=lambda obj: {},
    ),
    Policy(
        CAMPAIGN.format(method="POST") + "/schedule",
        EDITORS,
        make=campaign,
        kwargs=api_kwargs,
        data=lambda obj: {},
    ),
    Policy(
        CAMPAIGN.format(method="POST") + "/cancel",
        EDITORS,
        make=scheduled,
        kwargs=api_kwargs,
        data=lambda obj: {},
    ),
    Policy(
        CAMPAIGN.format(method="GET") + "/recipients",
        STAFF,
        make=campaign,
        kwargs=api_kwargs,
    ),
]
