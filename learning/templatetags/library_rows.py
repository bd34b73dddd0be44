"""The rows of the library's search results, written in Python: through the template engine
(`learning/library/includes/resource_item.html`, which the bookmarks page still includes)
twenty rows cost more than the page's queries. The markup is the one that template writes,
byte for byte, each value shown as `{{ value }}` shows it (localised, escaped unless safe)."""

from django import template
from django.template.defaultfilters import truncatewords
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from core.rows import text

from ..models import ResourceKind

register = template.Library()


@register.simple_tag
def resource_rows(resources, bookmarked, interface_language) -> str:
    """The rows of learning/library/library.html: `resources` given `url`, `shown`,
    `topic_names` and `hit` (learning.views.rows.set_resource_rows,
    learning.services.library.attach_snippets); `bookmarked`, the keys of those bookmarked."""
    page = {
        "draft": f'<span class="badge draft">{text(gettext("Draft"))}</span>',
        "marked": f'<span class="badge">{text(gettext("Bookmarked"))}</span>',
        # `get_kind_display()` translates and hashes every label of the kinds on each call
        "kinds": {kind: text(label) for kind, label in ResourceKind.choices},
    }
    return mark_safe(  # noqa: S308 (every value escaped; titles and snippets are safe already)
        "".join(_row(resource, bookmarked, interface_language, **page) for resource in resources)
    )


def _row(resource, bookmarked, interface_language, *, draft, marked, kinds) -> str:
    version, hit = resource.shown, resource.hit
    language = version.language if version is not None else ""
    other = language != interface_language
    lang = f' lang="{text(language)}"' if other else ""
    if hit and hit.language == language:
        title = hit.title_html
    else:
        title = text(version.title) if version is not None else ""
    in_language = ""
    if other:
        shown = version.get_language_display() if version is not None else ""
        in_language = "· " + gettext("in %(language)s") % {"language": text(shown)}
    topics = f"· {text(resource.topic_names)}" if resource.topic_names else ""
    if hit:
        found = snippet = ""
        if hit.language != language:
            where = gettext("Found in the %(language)s version:") % {
                "language": text(hit.get_language_display())
            }
            found = (
                f'<p class="meta">{where} <span lang="{text(hit.language)}">'
                f"{hit.title_html}</span></p>"
            )
        if hit.snippet_html:
            snippet = f'<p class="snippet" lang="{text(hit.language)}">… {hit.snippet_html} …</p>'
        below = f"\n    {found}\n    {snippet}\n  "
    elif version is not None and version.summary:
        summary = text(truncatewords(version.summary, 40))
        below = f'\n    <p class="snippet"{lang}>{summary}</p>\n  '
    else:
        below = ""
    return (
        f'\n<li>\n  <h3><a href="{text(resource.url)}"{lang}>{title}</a></h3>\n'
        f'  <p class="meta">\n'
        f"    {kinds.get(resource.kind) or text(resource.kind)}\n"
        f"    {in_language}\n"
        f"    {topics}\n"
        f"    {'' if resource.is_published else draft}\n"
        f"    {marked if resource.pk in bookmarked else ''}\n"
        f"  </p>\n"
        f"  {below}\n"
        f"</li>\n\n"
    )
