"""PDF rendering reads our own static files and nothing else (SECURITY.md: SSRF)."""

import io

import pytest
from pypdf import PdfReader

from core.pdf import BASE_URL, StaticOnlyFetcher, render_pdf


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/tracker.png",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "data:image/png;base64,iVBORw0KGgo=",
        f"{BASE_URL}static/../../config/settings.py",
        f"{BASE_URL}media/evidence/x.jpg",
        "https://pdf.invalid.example.com/static/css/pdf.css",
    ],
)
def test_the_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(ValueError):
        StaticOnlyFetcher().fetch(url)


def test_the_fetcher_serves_a_static_stylesheet():
    response = StaticOnlyFetcher().fetch(f"{BASE_URL}static/css/pdf.css")
    assert b"@page" in response.read()
    assert response.headers["Content-Type"] == "text/css"


def test_a_document_with_foreign_urls_renders_without_them(caplog):
    html = (
        '<html lang="en"><head><title>T</title>'
        '<link rel="stylesheet" href="https://example.com/x.css"></head>'
        '<body><h1>Hello</h1><img src="file:///etc/passwd" alt=""></body></html>'
    )
    pdf = render_pdf(html)
    assert "Hello" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "may only use our static files" in caplog.text
