"""Generic view helpers: the platform's list view (pages whose cost does not grow with the
data) and how a broken business rule reaches the person who broke it."""

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect
from django.views import generic

from . import readmodel
from .errors import DomainError
from .pagination import CappedPaginationMixin


class ListView(CappedPaginationMixin, generic.ListView):
    """Every list page of the platform: Django's `ListView` paged by `CappedPaginator` (counts
    that stop at a limit, deep pages read from the nearer end, `page=last`; core/pagination.py).
    Its GET writes nothing, so the entries it reads from the read-model cache (the capped
    count, the filters' choices) read one generation token (`readmodel.one_generation`).
    """

    def get(self, request, *args, **kwargs):
        with readmodel.one_generation():
            return super().get(request, *args, **kwargs)


def show_domain_error(
    request, error: DomainError, form=None, *, aliases=None, default_field=None
) -> None:
    """Where a broken business rule shows, the same on every page: on the form field it names
    (`aliases` maps a service's name for a field to the form's), else on `default_field`, else
    as an error of the whole form; on a page without a form, as a page message."""
    if form is None:
        messages.error(request, error.message)
        return
    field = (aliases or {}).get(error.field, error.field)
    if field not in form.fields:
        field = default_field
    form.add_error(field, error.message)


class ServiceActionMixin:
    """For POST-only views that call one service: a DomainError becomes a message."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            message = self.perform(request, *args, **kwargs)
        except DomainError as error:
            show_domain_error(request, error)
        else:
            if message:
                messages.success(request, message)
        return redirect(self.get_success_url())

    def perform(self, request, *args, **kwargs) -> str | None:
        raise NotImplementedError

    def get_success_url(self) -> str:
        raise NotImplementedError


def kept_filters(request, names) -> str:
    """The filters a list was opened with, to return to it as it was: only the parameters the
    list knows (`names`), non-empty, as a query string ("?country=FR") or ""."""
    kept = QueryDict(mutable=True)
    for name in names:
        values = [value for value in request.GET.getlist(name) if value]
        if values:
            kept.setlist(name, values)
    return f"?{kept.urlencode()}" if kept else ""
