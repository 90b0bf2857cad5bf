from django import template

from openprm.metrics.formatting import figure as _figure

register = template.Library()


@register.filter
def figure(values, metric):
    """``{{ values|figure:metric }}``: the metric's figure in ``values`` by code."""
    return _figure(values.get(metric.code), metric)
