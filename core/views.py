"""Generic view helpers: how a broken business rule reaches the person who broke it."""

from django.contrib import messages
from django.shortcuts import redirect

from .errors import DomainError


def show_domain_error(request, error: DomainError, form=None) -> None:
    """A broken rule on the field it names, when the form has it; else as a page message."""
    if form is not None and error.field and error.field in form.fields:
        form.add_error(error.field, error.message)
    else:
        messages.error(request, error.message)


class ServiceActionMixin:
    """For POST-only views that call one service: a DomainError becomes a message."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            message = self.perform(request, *args, **kwargs)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if message:
                messages.success(request, message)
        return redirect(self.get_success_url())

    def perform(self, request, *args, **kwargs) -> str | None:
        raise NotImplementedError

    def get_success_url(self) -> str:
        raise NotImplementedError
