"""The partner page's scores, for the partners app's template to include."""

from django import template

from openprm.scoring import selectors

register = template.Library()


@register.inclusion_tag("scoring/_partner_scores.html", takes_context=True)
def partner_scores(context, partner):
    """A partner's current scores with their reasons (vendor staff only)."""
    return {
        "scores": selectors.partner_current_scores(
            user=context["request"].user, partner=partner
        )
    }
