"""PDFs with WeasyPrint, which may read our own static files and nothing else (SSRF).

`render_pdf(html)` is a pure function: HTML in, PDF bytes out. Stylesheets and images are
referenced as `/static/...` (the `{% static %}` tag) and resolved through Django's static
file finders, so rendering works the same in development, tests and production. Any other
URL (another host, `file:`, `data:`) is refused.
"""

from __future__ import annotations

import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

HOST = "pdf.invalid"
BASE_URL = f"https://{HOST}/"


class StaticOnlyFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        prefix = settings.STATIC_URL
        if (parts.scheme, parts.netloc) != ("https", HOST) or not parts.path.startswith(prefix):
            raise ValueError(f"PDFs may only use our static files, not {url[:80]!r}")
        relative = unquote(parts.path[len(prefix) :])
        path = finders.find(relative) if ".." not in relative.split("/") else None
        if not path:
            raise ValueError(f"No static file {relative!r}")
        with open(path, "rb") as handle:
            body = handle.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


def render_pdf(html: str, *, pdf_variant: str | None = None) -> bytes:
    """The document as a tagged PDF (structure for screen readers), optionally PDF/A."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(pdf_variant=pdf_variant, pdf_tags=True)
