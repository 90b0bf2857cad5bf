"""``{% once %}`` renders fixed text once per key, from nothing but that key."""

import re

import pytest
from django.template import TemplateSyntaxError, engines
from django.test import Client
from django.urls import set_script_prefix
from django.utils.translation import override

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.templatetags.shell import OnceNode


def render(text: str, context: dict | None = None) -> str:
    return engines["django"].from_string("{% load shell %}" + text).render(context)


def test_the_block_sees_only_the_variables_it_names():
    template = engines["django"].from_string(
        "{% load shell %}{% once area %}{{ area }}|{{ user }}|{{ secret }}{% endonce %}"
    )

    first = template.render({"area": "console", "user": "ann", "secret": "s3cret"})
    second = template.render({"area": "console", "user": "bob", "secret": "other"})

    assert first == second == "console||"


def test_the_block_is_rendered_once_per_value():
    template = engines["django"].from_string(
        "{% load shell %}{% once area %}[{{ area }}]{% endonce %}"
    )

    texts = [template.render({"area": area}) for area in ("console", "portal") * 2]

    node = template.template.nodelist[-1]
    assert texts == ["[console]", "[portal]", "[console]", "[portal]"]
    assert isinstance(node, OnceNode)
    assert len(node.rendered) == 2


def test_the_block_is_rendered_per_language():
    template = engines["django"].from_string(
        "{% load i18n shell %}{% once %}{% get_current_language as lang %}"
        "{{ lang }}{% endonce %}"
    )

    with override("en"):
        english = template.render({})
    with override("de"):
        german = template.render({})

    assert (english, german) == ("en", "de")


def test_the_block_is_rendered_per_script_prefix():
    template = engines["django"].from_string(
        "{% load shell %}{% once %}{% url 'home' %}{% endonce %}"
    )

    try:
        set_script_prefix("/prm/")
        prefixed = template.render({})
    finally:
        set_script_prefix("/")
    plain = template.render({})

    assert (prefixed, plain) == ("/prm/", "/")


def test_the_block_refuses_a_value_that_is_not_plain():
    with pytest.raises(TemplateSyntaxError):
        render("{% once user %}x{% endonce %}", {"user": object()})


def test_the_block_takes_variable_names_only():
    with pytest.raises(TemplateSyntaxError):
        render("{% once user.email %}x{% endonce %}")


def test_a_csrf_token_inside_renders_nothing():
    assert render("{% once %}{% csrf_token %}{% endonce %}", {"csrf_token": "t"}) == ""


@pytest.mark.django_db
def test_each_page_carries_its_own_sessions_csrf_token():
    """The forms of the shell and the directory keep a token per session, outside
    the fixed text: a form posted with it is accepted."""
    for _ in range(2):
        client = Client(enforce_csrf_checks=True)
        client.force_login(VendorUserFactory())
        html = client.get("/console/partners/").content.decode()
        form_tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert len(form_tokens) == 2  # sign out, save this view
        response = client.post(
            "/console/partners/views/",
            {
                "name": "Mine",
                "query": "status=active",
                "csrfmiddlewaretoken": form_tokens[1],
            },
        )
        assert response.status_code == 302
        refused = client.post("/console/partners/views/", {"name": "Other"})
        assert refused.status_code == 403
