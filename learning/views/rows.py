"""What the rows of a list page show, computed once for the page instead of per row in the
template (where each lookup, `{% url %}` and loop costs a page of 20 rows milliseconds)."""

from __future__ import annotations

from core.rows import row_url


def set_urls(objects, name: str) -> None:
    """Give each object `url`: the path of `name`, a view taking the object's `pk` alone,
    reversed once for the page (the same path `{% url name pk=… %}` writes)."""
    for obj in objects:
        obj.url = row_url(name, obj.pk)


def set_resource_rows(resources, topics=None) -> None:
    """What `learning/library/includes/resource_item.html` shows of each resource besides its
    fields: `url`, `shown` (its version in the interface language, `current_version()`) and
    `topic_names` (its prefetched topics' names, in their order, joined by commas). With
    `topics` (every topic, in the prefetch's order: by `name_en`), the resources were read
    with `topic_ids` instead of prefetched topics (`with_display(topics=False)`)."""
    resources = list(resources)
    set_urls(resources, "learning:resource")
    if topics is not None:
        topics = list(topics)
        by_id = {topic.pk: topic for topic in topics}
        position = {topic.pk: n for n, topic in enumerate(topics)}
    for resource in resources:
        resource.shown = resource.current_version()
        if topics is None:
            held = resource.topics.all()
        else:
            # a topic made since the list was read is left out, as from the form's choices
            ids = sorted((pk for pk in resource.topic_ids if pk in by_id), key=position.get)
            held = [by_id[pk] for pk in ids]
        resource.topic_names = ", ".join(topic.name for topic in held)
