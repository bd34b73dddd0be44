"""PDFs with WeasyPrint, which may read our own static files and nothing else (SSRF).

`render_pdf(html)` is a pure function: HTML in, PDF bytes out. Stylesheets and images are
referenced as `/static/...` (the `{% static %}` tag) and resolved through Django's static
file finders, so rendering works the same in development, tests and production. Any other
URL (another host, `file:`, `data:`) is refused.
"""

from __future__ import annotations

import mimetypes
from datetime import timedelta
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import timezone
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


# --- PDFs rendered by a Celery worker -----------------------------------------------------

# A rendering that started this long ago belongs to a worker that died: it may start again.
STALE_RENDERING = timedelta(minutes=15)


class TransientRenderError(Exception):
    """Worth retrying (the database went away, storage timed out)."""


def render_or_fail(render, on_failure):
    """`render()`, turning a lost database connection into `TransientRenderError` (the task
    retries) and any other error into `on_failure(error_name)` before it propagates."""
    from django.db import InterfaceError, OperationalError

    try:
        return render()
    except (OperationalError, InterfaceError) as error:
        raise TransientRenderError(str(error)) from error
    except Exception as error:
        on_failure(type(error).__name__)
        raise


def is_live_rendering(started_at) -> bool:
    """Another worker is rendering it now (it started less than STALE_RENDERING ago)."""
    return started_at is not None and started_at > timezone.now() - STALE_RENDERING
