"""Members' Markdown is rendered without raw HTML and without script links."""

from core.markdown import render_markdown


def test_raw_html_stays_text():
    html = render_markdown('<script>alert(1)</script> <b onclick="x()">bold</b>')
    assert "<script" not in html
    assert "<b " not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_javascript_links_lose_their_target():
    html = render_markdown("[click](javascript:alert(1)) [data](data:text/html,hi)")
    assert "javascript:" not in html
    assert "data:text" not in html
    assert html.count("<a ") == 2


def test_markdown_keeps_quotes_lists_and_web_links():
    html = render_markdown("> quoted\n\n- one\n- two\n\n[EW](https://electronicswatch.org)")
    assert "<blockquote>" in html
    assert html.count("<li>") == 2
    assert 'href="https://electronicswatch.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
