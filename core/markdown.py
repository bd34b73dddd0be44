"""Markdown written by members (library texts, community posts) rendered as safe HTML.

Raw HTML in the source is escaped, not passed through; the rendered HTML is then cleaned by nh3
with an allow-list of tags and attributes, and links may only use http, https and mailto, so a
`javascript:` link or an event handler never reaches the page.
"""

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    """HTML of `text`; every `<` the author typed stays text."""
    # `>` stays as typed: it starts a quotation in Markdown and opens no tag without a `<`.
    source = (text or "").replace("&", "&amp;").replace("<", "&lt;")
    html = markdown_lib.markdown(source, extensions=["tables", "sane_lists"])
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 - cleaned by nh3 with an allow-list just above
