"""Where am I, and did it go wrong? Tags of the base layout.

`{% current_section %}…{% endcurrent_section %}` marks, among the links it wraps, the one whose
section the current page is in with `aria-current="page"`: the link whose address is the
longest prefix of the page's path, so that a contract's page marks "Contracts" and a menu entry
added later is marked without a table of URL names to keep up to date.

`{% error_title %}` says "Error: " when a form on the page was submitted with errors, for the
start of the page's <title>."""

import re

from django import template
from django.forms import BaseForm
from django.forms.formsets import BaseFormSet
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()

LINK = re.compile(r'<a href="(?P<href>[^"]*)"')


def section_of(path: str, hrefs: list[str]) -> str | None:
    """The href among `hrefs` whose section holds `path`: the page itself, or the longest one
    that is a parent folder of it (`/a/x/contracts/` holds `/a/x/contracts/5/`)."""
    holding = [h for h in hrefs if h == path or (h.endswith("/") and path.startswith(h))]
    return max(holding, key=len, default=None)


def mark_current(html: str, path: str) -> str:
    hrefs = [m.group("href") for m in LINK.finditer(html)]
    # The rendered hrefs are HTML-escaped; the path is compared in the same form.
    current = section_of(escape(path), hrefs)
    if current is None:
        return html
    return html.replace(f'<a href="{current}"', f'<a href="{current}" aria-current="page"', 1)


class CurrentSectionNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        html = self.nodelist.render(context)
        request = context.get("request")
        if request is None:
            return html
        return mark_safe(mark_current(html, request.path))  # noqa: S308 - our own rendered links


@register.tag
def current_section(parser, token):
    nodelist = parser.parse(("endcurrent_section",))
    parser.delete_first_token()
    return CurrentSectionNode(nodelist)


def _has_errors(value) -> bool:
    if isinstance(value, BaseForm):
        return value.is_bound and bool(value.errors)
    if isinstance(value, BaseFormSet):
        return value.is_bound and value.total_error_count() > 0
    return False


@register.simple_tag(takes_context=True)
def error_title(context) -> str:
    """ "Error: " when any form or formset in the page's context holds errors, else nothing."""
    for layer in context.flatten().values():
        if _has_errors(layer):
            return gettext("Error: ")
    return ""
