"""Rich text written in the console (library pages, announcements, course lessons)
made safe to show: an allow-list of tags and attributes, enforced by nh3 (a maintained
sanitiser) when the text is saved. Only text that went through :func:`clean_html`
is rendered with ``|safe``.

Allowed: paragraphs, headings 2 to 4, emphasis, lists, quotes, code, simple tables,
links (``http``, ``https``, ``mailto`` and relative; always ``rel="noopener
noreferrer"``) and images from ``https`` addresses. Scripts, styles, event handler
attributes, ``javascript:`` and ``data:`` addresses are removed.
"""

import re
from html import unescape
from urllib.parse import urlsplit

import nh3

TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "em",
    "b",
    "i",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
LINK_SCHEMES = {"http", "https", "mailto"}
IMAGE_SCHEMES = {"https"}
# Removed with everything inside them (not only the tags).
# Where words of adjacent blocks must stay apart in plain text.
_BLOCK_END = re.compile(
    r"(</(?:p|h[2-4]|li|blockquote|pre|tr|th|td)>|<br\s*/?>)", re.IGNORECASE
)
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template"}


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """Images only from ``https`` addresses (no relative, ``http`` or ``data:``)."""
    if tag == "img" and attribute == "src":
        return (
            value if urlsplit(value.strip()).scheme.lower() in IMAGE_SCHEMES else None
        )
    return value


_cleaner = nh3.Cleaner(
    tags=TAGS,
    attributes=ATTRIBUTES,
    url_schemes=LINK_SCHEMES,
    link_rel="noopener noreferrer",
    clean_content_tags=DROPPED_WITH_CONTENT,
    strip_comments=True,
    attribute_filter=_attribute_filter,
)


def clean_html(html: str) -> str:
    """``html`` with everything outside the allow-list removed."""
    return _cleaner.clean(html or "").strip()


def plain_text(html: str) -> str:
    """The text of ``html`` without any tag, as plain text (entities decoded), e.g.
    for an email or to tell whether a body says anything. Never render it as HTML."""
    spaced = _BLOCK_END.sub(r"\1 ", html or "")
    return " ".join(unescape(nh3.clean(spaced, tags=set())).split())
