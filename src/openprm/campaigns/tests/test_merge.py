from openprm.campaigns import merge

VALUES = {"company": "Acme <GmbH>", "contact": "Ada", "programme": "Resell"}


def test_merge_fields_are_replaced():
    assert (
        merge.render("Hi {{ contact }} of {{company}}: {{  programme }}", VALUES)
        == "Hi Ada of Acme <GmbH>: Resell"
    )


def test_template_tags_are_left_as_text():
    text = "{% load static %}{% now 'Y' %}{{ contact }}"
    assert merge.render(text, VALUES) == "{% load static %}{% now 'Y' %}Ada"


def test_any_other_placeholder_is_unknown():
    assert merge.unknown_fields("{{ settings.SECRET_KEY }} {{ company }} {{ x }}") == [
        "settings.SECRET_KEY",
        "x",
    ]


def test_the_html_version_escapes_the_template_and_the_values():
    html = merge.render_html("<b>{{ company }}</b>", VALUES)
    assert html == "<p>&lt;b&gt;Acme &lt;GmbH&gt;&lt;/b&gt;</p>"
