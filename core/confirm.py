"""Confirm before acting: one "check your answers" step for every action that deletes,
publishes, sends outside the platform or closes.

The action's own form posts to its view as before; without `confirmed=1` the view changes
nothing and answers with `core/confirm.html`: what will happen, to whom (counted), what cannot
be undone, the posted fields carried as hidden inputs, a "Confirm …" button that posts them
again with `confirmed=1`, and a Cancel link. A GET of the same URL shows the same page, so the
step works without JavaScript and keeps the view's permissions, CSRF and tenant scoping."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.shortcuts import redirect
from django.template.response import TemplateResponse

from .errors import DomainError
from .views import ServiceActionMixin, show_domain_error

CONFIRMED = "confirmed"
CHANGE = "change"
_NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRMED, CHANGE}


@dataclass
class Confirmation:
    """What the confirmation page says. `audience` names who will see or receive the result,
    counted ("3 affiliates will be told by e-mail"), `recipients` lists them; `rows` are the
    answers to check (label, value); `final` says what cannot be undone; `template` is an
    extra fragment (two factories side by side) rendered with `context`."""

    title: str
    summary: str
    confirm_label: str
    cancel_url: str
    audience: str = ""
    recipients: Sequence[str] = ()
    rows: Sequence[tuple[str, str]] = ()
    final: str = ""
    danger: bool = False
    can_change: bool = False
    template: str = ""
    context: dict = field(default_factory=dict)


def is_confirmed(request) -> bool:
    return (
        request.method == "POST"
        and request.POST.get(CONFIRMED) == "1"
        and request.POST.get(CHANGE) != "1"
    )


def wants_change(request) -> bool:
    """The person went back from the confirmation to the form, with their answers."""
    return request.method == "POST" and request.POST.get(CHANGE) == "1"


def render_confirmation(request, confirmation: Confirmation, *, data=None, status=200):
    """The confirmation page; `data` (the POST by default) is carried to the confirming POST."""
    data = request.POST if data is None else data
    carried = [
        (name, value) for name in data if name not in _NOT_CARRIED for value in data.getlist(name)
    ]
    return TemplateResponse(
        request,
        "core/confirm.html",
        {"confirmation": confirmation, "carried": carried, "action": request.path},
        status=status,
    )


class ConfirmedActionMixin(ServiceActionMixin):
    """A `ServiceActionMixin` view that asks first: GET, or a POST without `confirmed=1`,
    shows the confirmation (`get_confirmation`); only the confirmed POST calls `perform`.
    `check` may refuse before asking (a DomainError shown where the action came from)."""

    http_method_names = ["get", "post"]

    def get(self, request, *args, **kwargs):
        return self.ask(request)

    def post(self, request, *args, **kwargs):
        if not is_confirmed(request):
            return self.ask(request)
        return super().post(request, *args, **kwargs)

    def ask(self, request):
        try:
            self.check(request)
            confirmation = self.get_confirmation()
        except DomainError as error:
            show_domain_error(request, error)
            return redirect(self.get_cancel_url())
        return render_confirmation(request, confirmation)

    def check(self, request) -> None:
        """Refuse before asking; nothing by default."""

    def get_cancel_url(self) -> str:
        return self.get_success_url()

    def get_confirmation(self) -> Confirmation:
        raise NotImplementedError
