"""`{% panels "slot" obj %}`: the sections upper apps registered for a slot (`core.panels`)."""

from django import template

from core import panels as registry

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, slot: str, obj):
    request = context.get("request")
    if request is None:  # a page rendered without a request has no reader: show nothing
        return ""
    return registry.render_slot(slot, request, obj)
