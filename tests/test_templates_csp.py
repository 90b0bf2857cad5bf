"""Templates keep to the Content-Security-Policy (settings.CONTENT_SECURITY_POLICY):
no inline script, no event handler attribute, no style element or attribute.

The browser test (tests/e2e/test_csp_browser.py) catches what a page does; this
reads every template, so a page the browser test does not visit is held too.
"""

import re
from pathlib import Path

import pytest

import openprm

TEMPLATES = sorted(Path(openprm.__file__).parent.glob("**/templates/**/*.html"))
REFUSED = {
    "an inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "an on*= handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "a <style> element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "a style= attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE),
}


def test_templates_are_found():
    assert len(TEMPLATES) > 100


@pytest.mark.parametrize(
    "template", TEMPLATES, ids=lambda path: str(path).split("/openprm/", 1)[1]
)
def test_a_template_has_no_inline_script_or_style(template):
    text = template.read_text()
    found = [
        f"{what} on line {text.count(chr(10), 0, match.start()) + 1}"
        for what, pattern in REFUSED.items()
        for match in pattern.finditer(text)
    ]
    assert found == []
