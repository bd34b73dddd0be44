"""A select written in Python for the filter forms of the learning lists: the same HTML as
Django's `django/forms/widgets/select.html` (tests/learning/test_list_rows.py compares them),
without a template include per option, which costs a filter panel of forty options about as
much as the rest of its page."""

from django import forms
from django.utils.html import conditional_escape as esc
from django.utils.safestring import mark_safe


def _attrs(attrs) -> str:
    """`django/forms/widgets/attrs.html`."""
    return "".join(
        f" {esc(name)}" + ("" if value is True else f'="{esc(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


class ListSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        html = [f'<select name="{esc(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                html.append(f'\n  <optgroup label="{esc(group_name)}">')
            for option in options:
                html.append(
                    f'\n  <option value="{esc(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{esc(option['label'])}</option>\n"
                )
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # noqa: S308 - every value is escaped above
