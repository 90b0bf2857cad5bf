"""The email a campaign recipient receives: the merged text, an HTML version, the
tracked link to the application form and the unsubscribe link."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.html import escape
from django.utils.translation import gettext as _

from openprm.campaigns import merge
from openprm.campaigns.models import Campaign


def merge_values(*, company: str, contact: str, programme: str) -> dict[str, str]:
    return {"company": company, "contact": contact or company, "programme": programme}


def build(
    *,
    campaign: Campaign,
    to: str,
    values: dict[str, str],
    click: str,
    unsubscribe: str,
    subject_prefix: str = "",
) -> EmailMultiAlternatives:
    text = merge.render(campaign.body, values)
    apply_label = _("Apply to %(programme)s") % {"programme": values["programme"]}
    unsubscribe_label = _("Unsubscribe from these emails")
    body = f"{text}\n\n{apply_label}: {click}\n\n{unsubscribe_label}: {unsubscribe}\n"
    html = (
        merge.render_html(campaign.body, values)
        + f'<p><a href="{escape(click)}">{escape(apply_label)}</a></p>'
        + f'<p style="font-size:small"><a href="{escape(unsubscribe)}">'
        + f"{escape(unsubscribe_label)}</a></p>"
    )
    subject = subject_prefix + " ".join(merge.render(campaign.subject, values).split())
    message = EmailMultiAlternatives(
        subject=subject[:250],
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
