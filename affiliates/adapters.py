from dataclasses import replace

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.utils import translation

from core.client import rate_limit_bucket
from core.email import as_message, render_email

from .throttle import slow_down_failed_login


class AccountAdapter(DefaultAccountAdapter):
    """People join through an invitation; allauth's e-mails go out in the user's language and
    are rendered the platform's one way (`core.email`)."""

    def is_open_for_signup(self, request):
        return settings.EW_OPEN_SIGNUP

    def get_client_ip(self, request):
        """allauth's per-address limits count per client behind our proxies, IPv6 per /64."""
        return rate_limit_bucket(request)

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Wrong passwords count per account and client together: an attacker elsewhere cannot
        lock the owner out (allauth counts per account alone)."""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}|" + (
            rate_limit_bucket(request)
        )

    def authentication_failed(self, request, **credentials):
        slow_down_failed_login(credentials.get("email", credentials.get("username", "")))

    def send_mail(self, template_prefix, email, context):
        user = context.get("user")
        language = getattr(user, "language", None) or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def render_mail(self, template_prefix, email, context, headers=None):
        rendered = render_email(
            subject_template=f"{template_prefix}_subject.txt",
            text_template=f"{template_prefix}_message.txt",
            html_template=f"{template_prefix}_message.{app_settings.TEMPLATE_EXTENSION}",
            context=context,
        )
        rendered = replace(
            rendered,
            subject=self.format_email_subject(rendered.subject),
            text=rendered.text.strip(),
            html=rendered.html.strip(),
        )
        to = [email] if isinstance(email, str) else email
        return as_message(rendered, to=to, from_email=self.get_from_email(), headers=headers)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on through affiliates' own identity providers (`affiliates.sso`): only the
    apps of enabled providers exist, each with its secret decrypted in memory; who may come in
    is decided by `sso.admit`."""

    def list_apps(self, request, provider=None, client_id=None):
        from .sso import enabled_apps

        return enabled_apps(super().list_apps(request, provider=provider, client_id=client_id))

    def pre_social_login(self, request, sociallogin):
        from .sso import admit

        admit(request, sociallogin)

    def is_open_for_signup(self, request, sociallogin):
        """`admit` has let this person in: a newcomer gets an account (invitation or not)."""
        from .sso import sso_of_login

        return sso_of_login(sociallogin) is not None

    def save_user(self, request, sociallogin, form=None):
        from .sso import place_member, sso_of_login

        user = super().save_user(request, sociallogin, form)
        place_member(sso=sso_of_login(sociallogin), user=user)
        return user
