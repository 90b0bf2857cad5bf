import pytest

from openprm.core.sanitise import clean_html, plain_text


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>Hi<script>alert(1)</script></p>", "<p>Hi</p>"),
        ('<p onclick="steal()" onmouseover="x()">Hi</p>', "<p>Hi</p>"),
        (
            '<a href="javascript:alert(1)">x</a>',
            '<a rel="noopener noreferrer">x</a>',
        ),
        (
            '<a href=" JaVaScRiPt:alert(1)">x</a>',
            '<a rel="noopener noreferrer">x</a>',
        ),
        ('<p style="position:fixed">Hi</p><style>p{}</style>', "<p>Hi</p>"),
        ('<img src="x" onerror="alert(1)">', "<img>"),
        ('<img src="data:image/png;base64,AAAA">', "<img>"),
        ('<img src="http://cdn.example.com/a.png">', "<img>"),
        ("<svg onload=alert(1)><circle/></svg>", ""),
        ('<iframe src="https://evil.example"></iframe>Text', "Text"),
        ("<!-- secret --><p>Hi</p>", "<p>Hi</p>"),
        ('<form action="/x"><input name="a"></form>', ""),
    ],
)
def test_dangerous_html_is_removed(dirty, clean):
    assert clean_html(dirty) == clean


def test_links_keep_safe_addresses_and_open_without_the_opener():
    assert clean_html(
        '<a href="https://partner.example/x" target="_blank" rel="opener">Go</a>'
    ) == ('<a href="https://partner.example/x" rel="noopener noreferrer">Go</a>')
    assert clean_html('<a href="mailto:channel@vendor.example">Mail</a>') == (
        '<a href="mailto:channel@vendor.example" rel="noopener noreferrer">Mail</a>'
    )


def test_the_allowed_tags_are_kept():
    html = (
        "<h2>Title</h2><h3>Sub</h3><h4>Small</h4><p><strong>b</strong> <em>i</em></p>"
        "<ul><li>one</li></ul><ol><li>two</li></ol><blockquote>q</blockquote>"
        "<pre><code>x = 1</code></pre>"
        '<img src="https://cdn.example.com/a.png" alt="A">'
        "<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr></tbody>"
        "</table>"
    )

    assert clean_html(html) == html


def test_plain_text_has_no_tags():
    assert plain_text("<h2>Price</h2><p>From <b>Monday</b>.</p>") == (
        "Price From Monday."
    )
