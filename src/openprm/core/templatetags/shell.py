"""``{% once %}``: the parts of a page that are the same for everyone, rendered once.

The base template's header and the pages' fixed text (headings, labels, links to
other pages) are drawn on every request through dozens of ``{% translate %}``,
``{% url %}`` and ``{% static %}`` tags, which cost more than the rows of a table.
``{% once a b %}…{% endonce %}`` renders its content once per value of the
variables it names (plain values: text, numbers, booleans, ``None``) and per
language, URLconf, script prefix and current URL namespace, then reuses the text.

The content is rendered against a context that holds **only** the named
variables, never the request, the user or the page's other variables: whatever
it shows is the same for every request with the same key, so it cannot carry one
user's data to another. A variable used inside without being named renders
empty, and ``{% csrf_token %}`` renders nothing: keep those outside the block.
"""

import threading
import weakref

from django import template
from django.core.signals import setting_changed
from django.template import Context, Node, Variable, VariableDoesNotExist
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

register = template.Library()

# Keys per block: the values it varies on are a handful (an area, a flag).
MAX_KEYS_PER_BLOCK = 64
PLAIN_TYPES = (str, bool, int, type(None))

_nodes: "weakref.WeakSet[OnceNode]" = weakref.WeakSet()
_nodes_lock = threading.Lock()


class _Namespace:
    """What ``{% url %}`` reads of a request: the current URL namespace only."""

    def __init__(self, current_app):
        self.current_app = current_app


class OnceNode(Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, names: list[str]):
        self.nodelist = nodelist
        self.names = names
        self.variables = [Variable(name) for name in names]
        self.rendered: dict[tuple, str] = {}
        with _nodes_lock:
            _nodes.add(self)

    def render(self, context):
        values = tuple(self._value(variable, context) for variable in self.variables)
        current_app = _current_app(context)
        key = (
            values,
            get_language(),
            get_urlconf(),
            get_script_prefix(),
            current_app,
            context.autoescape,
        )
        try:
            return self.rendered[key]
        except KeyError:
            pass
        isolated = Context(
            dict(zip(self.names, values, strict=True)),
            autoescape=context.autoescape,
            use_l10n=context.use_l10n,
            use_tz=context.use_tz,
        )
        isolated.request = _Namespace(current_app)
        with isolated.bind_template(context.template):
            text = self.nodelist.render(isolated)
        if len(self.rendered) < MAX_KEYS_PER_BLOCK:
            self.rendered[key] = text
        return text

    @staticmethod
    def _value(variable, context):
        try:
            value = variable.resolve(context)
        except VariableDoesNotExist:
            return None
        if not isinstance(value, PLAIN_TYPES):
            raise template.TemplateSyntaxError(
                f"{{% once %}} varies only on plain values; {variable.var!r} is a "
                f"{type(value).__name__}"
            )
        return value


def _current_app(context):
    # As {% url %} finds it, so that the text is keyed on what it resolved with.
    try:
        return context.request.current_app
    except AttributeError:
        try:
            return context.request.resolver_match.namespace
        except AttributeError:
            return None


@register.tag
def once(parser, token):
    """``{% once [variable …] %}…{% endonce %}``: see the module's docstring."""
    names = token.split_contents()[1:]
    for name in names:
        if not name.isidentifier():
            raise template.TemplateSyntaxError(
                f"{{% once %}} takes plain variable names, not {name!r}"
            )
    nodelist = parser.parse(("endonce",))
    parser.delete_first_token()
    return OnceNode(nodelist, names)


def forget_all(**kwargs) -> None:
    """Drop every block's texts (a setting that they depend on changed)."""
    with _nodes_lock:
        nodes = list(_nodes)
    for node in nodes:
        node.rendered.clear()


setting_changed.connect(forget_all, dispatch_uid="openprm.core.templatetags.shell")
