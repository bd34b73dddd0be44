"""Enumerate every URL pattern of the project as a concrete route template.

Used by the isolation test: each pattern becomes a `Route` with a template such as
`/a/{affiliate_slug}/members/{pk}/role/`, the names of its arguments, and the model its view
works on when the view declares one (Django CBV `model`/`queryset`, DRF viewset `queryset`).
"""

import re
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

_ROUTE_ARG = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_ARG = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


@dataclass
class Route:
    template: str
    args: list[str]
    callback: object
    name: str | None
    model: type | None = None
    methods: list[str] = field(default_factory=list)

    def url(self, **values) -> str:
        return self.template.format(**values)

    @property
    def is_api(self) -> bool:
        return self.template.startswith("/api/")


def _piece(pattern) -> str | None:
    if isinstance(pattern, RoutePattern):
        return _ROUTE_ARG.sub(lambda m: "{" + m.group("name") + "}", str(pattern._route))
    if isinstance(pattern, RegexPattern):
        regex = pattern._regex
        if "(?P<format>" in regex:
            return None  # DRF's ".json" suffix variants repeat their base route
        regex = regex.lstrip("^").rstrip("$").replace("\\.", ".")
        regex = _REGEX_ARG.sub(lambda m: "{" + m.group("name") + "}", regex)
        if re.search(r"[()\[\]*+?|\\]", regex):
            return None  # unnamed groups or alternations (the admin's app index): not walkable
        return regex
    return None


def _model_of(callback):
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return None
    model = getattr(view_class, "model", None)
    if model is not None:
        return model
    queryset = getattr(view_class, "queryset", None)
    return getattr(queryset, "model", None)


def _methods(callback) -> list[str]:
    actions = getattr(callback, "actions", None)
    if actions:
        return [method.upper() for method in actions]
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return ["GET", "POST"]  # a function view: try both
    names = getattr(view_class, "http_method_names", [])
    return [
        m.upper()
        for m in names
        if m in {"get", "post", "put", "patch", "delete"} and hasattr(view_class, m)
    ]


def walk(patterns=None, prefix: str = "/") -> list[Route]:
    patterns = get_resolver().url_patterns if patterns is None else patterns
    routes: list[Route] = []
    for entry in patterns:
        piece = _piece(entry.pattern)
        if piece is None:
            continue
        template = prefix + piece
        if isinstance(entry, URLResolver):
            routes.extend(walk(entry.url_patterns, template))
        elif isinstance(entry, URLPattern) and "{format}" not in template:
            routes.append(
                Route(
                    template=template,
                    args=re.findall(r"{(\w+)}", template),
                    callback=entry.callback,
                    name=entry.name,
                    model=_model_of(entry.callback),
                    methods=_methods(entry.callback),
                )
            )
    return routes
