"""What the rows of a list page show, computed once for the page instead of per row in the
template (where each lookup, `{% url %}` and loop costs a page of 20 rows milliseconds)."""

from __future__ import annotations

from core.rows import row_url

from ..models import ResourceVersion


def set_urls(objects, name: str) -> None:
    """Give each object `url`: the path of `name`, a view taking the object's `pk` alone,
    reversed once for the page (the same path `{% url name pk=… %}` writes)."""
    for obj in objects:
        obj.url = row_url(name, obj.pk)


def set_resource_rows(resources) -> None:
    """What `learning/library/includes/resource_item.html` shows of each resource besides its
    fields: `url`, `shown` (its version in the interface language, `current_version()`) and
    `topic_names` (its topics' names, by English name, joined by commas). Read from the
    resources' prefetched versions and topics, or, for those read with
    `learning.services.library.with_row_display`, from what their query gave."""
    resources = list(resources)
    set_urls(resources, "learning:resource")
    for resource in resources:
        if hasattr(resource, "topic_name_list"):
            shown = resource.shown_version
            resource.shown = shown and ResourceVersion(resource_id=resource.pk, **shown)
            resource.topic_names = ", ".join(resource.topic_name_list)
        else:
            resource.shown = resource.current_version()
            resource.topic_names = ", ".join(topic.name for topic in resource.topics.all())
