"""The anonymous pages: the grievance form and the follow-up with a receipt code.

No view here reads, stores or logs the client address or user agent, except `throttle`,
which only hashes the address into an hourly bucket key. Every response is `no-store`, and
Django's request logger is told the response was logged already, so a refused code (429)
leaves no log line with the request attached.

Language: the worker picks one of `GRIEVANCE_LANGUAGES` with a plain GET form (`?lang=th`,
no JavaScript needed); it is kept in a cookie of its own, so the platform's language cookie
(English/French) is left alone. Access after a correct receipt code is kept in the session
(the grievance's id and an expiry 30 minutes on), with a session cookie that ends when the
browser closes; the code itself is never stored.
"""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View

from core.errors import DomainError
from core.views import show_domain_error

from . import receipts, services, throttle
from .forms import GrievanceForm, MessageForm, ReceiptCodeForm
from .models import Channel, Grievance, Side, Status
from .services import Intake

LANGUAGE_COOKIE = "ew_grievance_language"
SESSION_KEY = "grievance_access"
ACCESS_SECONDS = 30 * 60


def public_language(request) -> str:
    codes = [code for code, _name in settings.GRIEVANCE_LANGUAGES]
    for candidate in (request.GET.get("lang"), request.COOKIES.get(LANGUAGE_COOKIE)):
        if candidate in codes:
            return candidate
    accepted = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for part in accepted.split(","):
        tag = part.split(";")[0].strip().lower()
        for code in codes:
            if (
                tag == code
                or tag.split("-")[0] == code
                or (code == "zh-hans" and tag in {"zh", "zh-cn", "zh-sg"})
            ):
                return code
    return "en"


class PublicView(View):
    """Base of the anonymous pages: language, no caching, no request logging."""

    def dispatch(self, request, *args, **kwargs):
        language = public_language(request)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        if request.GET.get("lang") == language:
            response.set_cookie(
                LANGUAGE_COOKIE,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        response["Content-Language"] = language
        response["Cache-Control"] = "no-store"
        response._has_been_logged = True  # django.request: see the module docstring
        return response

    def render(self, template, context=None, status=200):
        context = {
            "grievance_languages": settings.GRIEVANCE_LANGUAGES,
            "current_language": translation.get_language(),
            **(context or {}),
        }
        return TemplateResponse(
            self.request, f"grievances/public/{template}", context, status=status
        )

    def too_many(self):
        response = self.render(
            "throttled.html", {"message": _("Too many attempts. Please try again later.")}, 429
        )
        response["Retry-After"] = str(throttle.seconds_left_in_window())
        return response


class GrievanceNewView(PublicView):
    http_method_names = ["get", "post"]

    def get(self, request):
        form = GrievanceForm(initial={"submission": secrets.token_urlsafe(24)})
        return self.render("new.html", {"form": form})

    def post(self, request):
        # Throttled before the body is read: the search button says what it is in the URL.
        if request.GET.get("search"):  # the no-JavaScript factory search
            if not throttle.allow("factory-search", request):
                return self.too_many()
            initial = {**request.POST.dict(), "categories": request.POST.getlist("categories")}
            return self.render(
                "new.html",
                {
                    "form": GrievanceForm(initial=initial),
                    "factories": _search(request.POST.get("q")),
                },
            )
        if not throttle.allow("submit", request):
            return self.too_many()
        form = GrievanceForm(request.POST, request.FILES)
        if form.is_bot:
            # Pretend: a bot learns nothing, and nothing is stored.
            return self.render("submitted.html", {"code": receipts.new_code()[1]})
        if not form.is_valid():
            return self.render(
                "new.html", {"form": form, "selected": form.cleaned_data.get("factory")}, 400
            )
        data = form.cleaned_data
        if not throttle.first_submission(data["submission"]):
            return self.render("already_sent.html")
        intake = Intake(
            language=translation.get_language(),
            description=data["description"],
            categories=data["categories"],
            factory=data["factory"],
            workplace=data["workplace"],
            country=data["country"],
            wants_contact=data["wants_contact"],
            contact_method=data["contact_method"],
            contact_details=data["contact_details"],
            attachments=tuple(data["attachments"]),
        )
        try:
            _grievance, code = services.grievance_submit(intake=intake, channel=Channel.WEB)
        except DomainError as error:
            throttle.forget_submission(data["submission"])
            show_domain_error(request, error, form)
            return self.render("new.html", {"form": form}, 400)
        # Rendered in the POST's answer, not after a redirect: the code is never stored.
        return self.render("submitted.html", {"code": code})


def _search(query) -> list:
    """Known factories whose name or region contains what was typed; at most ten."""
    from django.db.models import Q

    from suppliers.models import Factory

    query = (query or "").strip()[:100]
    if len(query) < 2:
        return []
    return list(
        Factory.objects.active()
        .filter(Q(name__icontains=query) | Q(region__icontains=query))
        .only("pk", "name", "region", "country")
        .order_by("name")[:10]
    )


class FactorySearchView(PublicView):
    """htmx: the factories whose name contains the words typed (name, region, country only)."""

    http_method_names = ["post"]

    def post(self, request):
        # POST: what a worker types stays out of URLs, and so out of proxy and server logs.
        if not throttle.allow("factory-search", request):
            return self.too_many()
        return self.render(
            "new.html#factory-results",
            {"factories": _search(request.POST.get("q")), "searched": True},
        )


class FollowUpView(PublicView):
    http_method_names = ["get", "post"]

    def get(self, request):
        return self.render("follow_up.html", {"form": ReceiptCodeForm()})

    def post(self, request):
        form = ReceiptCodeForm(request.POST)
        if not throttle.allow("follow-up", request):
            return self.too_many()
        if not form.is_valid():
            return self.render("follow_up.html", {"form": form}, 400)
        parts = receipts.split(form.cleaned_data["code"])
        if parts and throttle.lookup_locked(parts[0]):
            return self.too_many()
        grievance = services.grievance_open_with_code(form.cleaned_data["code"])
        if grievance is None:
            if parts:
                throttle.lookup_failed(parts[0])
            form = ReceiptCodeForm()
            return self.render(
                "follow_up.html",
                {
                    "form": form,
                    "refused": _("This code does not open any report. Check it and try again."),
                },
                400,
            )
        request.session.cycle_key()
        request.session[SESSION_KEY] = {
            "pk": grievance.pk,
            # Rounded up to ten minutes: the session row says little about when the worker came.
            "until": _coarse(int(time.time()) + ACCESS_SECONDS),
        }
        request.session.set_expiry(0)  # ends when the browser closes
        return redirect("grievances:thread")


def _coarse(timestamp: int, step: int = 600) -> int:
    return timestamp + (-timestamp) % step


def _granted(request) -> Grievance | None:
    access = request.session.get(SESSION_KEY)
    if not access or access.get("until", 0) < time.time():
        request.session.pop(SESSION_KEY, None)
        return None
    return Grievance.objects.filter(pk=access["pk"], anonymised_at__isnull=True).first()


class ThreadView(PublicView):
    http_method_names = ["get", "post"]

    def get(self, request, form=None, status=200):
        grievance = _granted(request)
        if grievance is None:
            return redirect("grievances:follow_up")
        thread = grievance.messages.filter(visible_to_grievant=True).order_by("pk")
        return self.render(
            "thread.html",
            {
                "grievance": grievance,
                "thread": thread,
                "form": form or MessageForm(),
                "closed": grievance.status == Status.CLOSED,
            },
            status,
        )

    def post(self, request):
        grievance = _granted(request)
        if grievance is None:
            return redirect("grievances:follow_up")
        if not throttle.allow("reply", request):
            return self.too_many()
        form = MessageForm(request.POST)
        if not form.is_valid():
            return self.get(request, form=form, status=400)
        try:
            services.grievance_post_message(
                grievance=grievance, body=form.cleaned_data["body"], side=Side.GRIEVANT
            )
        except DomainError as error:
            show_domain_error(request, error, form)
            return self.get(request, form=form, status=400)
        return redirect(reverse("grievances:thread") + "#latest")


class LeaveView(PublicView):
    http_method_names = ["post"]

    def post(self, request):
        request.session.pop(SESSION_KEY, None)
        return redirect("grievances:follow_up")
