"""Single sign-on through an affiliate's own identity provider (OpenID Connect or SAML 2.0).

Staff configure a provider per affiliate (`sso_save`): an allauth `SocialApp` whose
`provider_id` (and, for SAML, `client_id`, the slug in its URLs) is ours, tied to the affiliate
by a `SingleSignOn` row that lists the e-mail domains it vouches for. On the login page a user
types their address, its domain picks the provider (`sso_for_email`); nobody sees a list.

Who gets in (`admit`, called by allauth's `pre_social_login`): a person whose address the
provider vouches for, within the configured domains: OpenID Connect's `email_verified` claim
must be true; a SAML IdP is trusted for its own domains and no others. An account with that
address is connected (never duplicated) and keeps the memberships it has; a new person is
created and made a viewer of the affiliate until an admin gives them a role (`place_member`).
EW staff, monitoring partners' members and company contacts never sign in through an
affiliate's provider: their second factor is required (`User.must_enrol_in_mfa`), and an
affiliate's IdP must not stand in for it. An affiliate IdP user is an affiliate member: the
role-based MFA rule applies as for anyone (not required, and asked for after the IdP when the
user has set it up).
"""

from __future__ import annotations

import logging
import re
import secrets

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialApp
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_scopes import scope

from core.errors import DomainError

from .models import Affiliate, Membership, SingleSignOn, User

security_log = logging.getLogger("ew.security")

# Mailbox providers anyone can open an address at: a domain there proves no employer.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "hotmail.fr",
        "live.com",
        "msn.com",
        "yahoo.com",
        "yahoo.fr",
        "yahoo.co.uk",
        "icloud.com",
        "me.com",
        "aol.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "protonmail.com",
        "proton.me",
        "mail.com",
        "yandex.com",
        "zoho.com",
    }
)
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def parse_domains(text: str) -> list[str]:
    """The domains typed by staff (commas, spaces or lines), checked and lower-cased."""
    domains = []
    for raw in re.split(r"[\s,;]+", text or ""):
        domain = raw.strip().lower().lstrip("@")
        if not domain:
            continue
        if not _DOMAIN.match(domain):
            raise DomainError(
                _("“%(domain)s” is not a domain name.") % {"domain": raw}, field="domains"
            )
        if domain in PUBLIC_MAIL_DOMAINS:
            raise DomainError(
                _(
                    "“%(domain)s” is a public mail service: anyone can have an address there, "
                    "so it cannot identify an organisation."
                )
                % {"domain": domain},
                field="domains",
            )
        if domain not in domains:
            domains.append(domain)
    if not domains:
        raise DomainError(_("Name at least one e-mail domain."), field="domains")
    return domains


def sso_for_email(email: str) -> SingleSignOn | None:
    """The enabled provider of an active affiliate that vouches for this address's domain."""
    domain = email.strip().rpartition("@")[2].lower()
    if not domain:
        return None
    return (
        SingleSignOn.objects.select_related("affiliate", "app")
        .filter(domains__contains=[domain], enabled=True, affiliate__is_active=True)
        .first()
    )


@transaction.atomic
def sso_save(
    *,
    affiliate: Affiliate,
    protocol: str,
    domains: list[str],
    enabled: bool = True,
    server_url: str = "",
    client_id: str = "",
    client_secret: str = "",
    idp_entity_id: str = "",
    sso_url: str = "",
    x509cert: str = "",
    instance: SingleSignOn | None = None,
) -> SingleSignOn:
    """Create or change an affiliate's provider. A blank `client_secret` keeps the stored one.

    Domains are unique across affiliates: two providers for one domain would let one
    affiliate's IdP vouch for another's staff."""
    taken = SingleSignOn.objects.filter(domains__overlap=domains)
    if instance is not None:
        taken = taken.exclude(pk=instance.pk)
    clash = taken.select_related("affiliate").first()
    if clash is not None:
        shared = sorted(set(domains) & set(clash.domains))
        raise DomainError(
            _("%(domains)s already sign in through the provider of %(affiliate)s.")
            % {"domains": ", ".join(shared), "affiliate": clash.affiliate},
            field="domains",
        )
    if protocol == SingleSignOn.Protocol.OIDC:
        if not (server_url and client_id):
            raise DomainError(_("Give the issuer URL and the client id."), field="server_url")
        if not client_secret and not (instance and instance.client_secret):
            raise DomainError(_("Give the client secret."), field="client_secret")
    elif protocol == SingleSignOn.Protocol.SAML:
        if not (idp_entity_id and sso_url and x509cert):
            raise DomainError(
                _("Give the IdP's entity id, sign-in URL and certificate."), field="idp_entity_id"
            )
    else:
        raise DomainError(_("Choose OpenID Connect or SAML 2.0."), field="protocol")
    if instance is not None and instance.protocol != protocol:
        raise DomainError(
            _("The protocol of a provider cannot change; add a new one instead."),
            field="protocol",
        )

    app = instance.app if instance is not None else SocialApp(provider=protocol)
    if instance is None:
        # Our own id, in the callback/ACS URLs the IdP admin registers: never guessed from input.
        app.provider_id = f"ew-{affiliate.slug}-{secrets.token_hex(3)}"[:200]
    app.name = affiliate.name[:40]
    app.secret = ""  # kept encrypted on SingleSignOn.client_secret
    if protocol == SingleSignOn.Protocol.OIDC:
        app.client_id = client_id
        app.settings = {"server_url": server_url.rstrip("/")}
    else:
        app.client_id = app.provider_id  # the organisation slug of allauth's SAML URLs
        app.settings = {
            "idp": {"entity_id": idp_entity_id, "sso_url": sso_url, "x509cert": x509cert},
            "attribute_mapping": {
                **_saml_mapping(),
            },
            "use_nameid_for_email": False,
            "advanced": {
                "want_assertion_signed": True,
                "reject_idp_initiated_sso": True,
                "strict": True,
            },
        }
    app.save()
    sso = instance or SingleSignOn(affiliate=affiliate, app=app, protocol=protocol)
    sso.domains = domains
    sso.enabled = enabled
    if client_secret:
        sso.client_secret = client_secret
    sso.save()
    return sso


def _saml_mapping() -> dict:
    from allauth.socialaccount.providers.saml.provider import SAMLProvider

    mapping = dict(SAMLProvider.default_attribute_mapping)
    mapping["email"] = [*mapping["email"], "email", "mail"]
    # The IdP is trusted for its domains; a claim of its own says nothing more.
    mapping.pop("email_verified", None)
    return mapping


def sp_details(request, sso: SingleSignOn) -> dict:
    """What the IdP's administrator registers on their side."""
    if sso.protocol == SingleSignOn.Protocol.OIDC:
        callback = reverse("openid_connect_callback", kwargs={"provider_id": sso.app.provider_id})
        return {"redirect_uri": request.build_absolute_uri(callback)}
    slug = sso.app.client_id
    metadata = request.build_absolute_uri(reverse("saml_metadata", args=[slug]))
    return {
        "entity_id": metadata,
        "acs_url": request.build_absolute_uri(reverse("saml_acs", args=[slug])),
        "metadata_url": metadata,
    }


# --- Signing in ------------------------------------------------------------------------------


def _refuse(request, sso: SingleSignOn | None, reason: str, message: str):
    security_log.warning(
        "single sign-on refused: affiliate=%s reason=%s",
        sso.affiliate.slug if sso else "-",
        reason,
    )
    raise ImmediateHttpResponse(
        render(request, "affiliates/sso_refused.html", {"message": message}, status=403)
    )


def _vouched_email(sso: SingleSignOn, sociallogin) -> tuple[str, bool]:
    """The address the provider gives, and whether it vouches for it."""
    addresses = list(sociallogin.email_addresses)
    email = ""
    verified = False
    for address in addresses:
        if address.primary or not email:
            email, verified = address.email, bool(address.verified)
    if not email and sociallogin.user is not None:
        email = sociallogin.user.email or ""
    email = email.strip().lower()
    if sso.protocol == SingleSignOn.Protocol.SAML:
        # The configured IdP is trusted for its own domains (checked by the caller).
        verified = bool(email)
    return email, verified


def _may_use_affiliate_idp(user: User) -> bool:
    return not (
        user.is_ew_staff
        or user.is_staff
        or user.is_superuser
        or user.is_partner_member
        or user.is_company_contact
    )


def admit(request, sociallogin) -> None:
    """Let the person in, connected to their account, or refuse with a page that says why."""
    sso = sso_of_login(sociallogin)
    if sso is None:
        _refuse(request, None, "unknown provider", _("This sign-in provider is not in use."))
    email, verified = _vouched_email(sso, sociallogin)
    if not email:
        _refuse(request, sso, "no e-mail", _("Your organisation's sign-in gave no e-mail address."))
    if not sso.covers(email):
        _refuse(
            request,
            sso,
            "domain outside the provider's",
            _(
                "Your organisation's sign-in service cannot sign in %(email)s: its domain is not "
                "one your organisation registered. Sign in with your password, or ask your "
                "organisation's administrator."
            )
            % {"email": email},
        )
    if not verified:
        _refuse(
            request,
            sso,
            "e-mail not verified",
            _(
                "Your organisation's sign-in service has not verified the address %(email)s, so "
                "it cannot be used to sign in here."
            )
            % {"email": email},
        )
    for address in sociallogin.email_addresses:
        address.email = address.email.lower()
        address.verified = address.email == email
    if sociallogin.user is not None:
        sociallogin.user.email = email

    user = (
        sociallogin.user
        if sociallogin.is_existing
        else User.objects.filter(email__iexact=email).first()
    )
    if user is not None:
        if user.email.lower() != email:
            # A connected account whose address changed on either side: sign in by password.
            _refuse(
                request,
                sso,
                "e-mail differs from the connected account's",
                _("This sign-in belongs to another address. Sign in with your password."),
            )
        if not _may_use_affiliate_idp(user):
            _refuse(
                request,
                sso,
                "role may not use an affiliate's provider",
                _(
                    "Your account signs in with its password and second factor, not through "
                    "an organisation's sign-in service."
                ),
            )
        if not sociallogin.is_existing:
            # Connected, with the memberships it has: an admin who removed this person from
            # the affiliate is not overruled by the next sign-in.
            sociallogin.connect(request, user)


def enabled_apps(apps) -> list:
    """allauth's apps that belong to an enabled provider of an active affiliate, each with its
    client secret decrypted in memory (never saved back on the app)."""
    ssos = {
        sso.app_id: sso
        for sso in SingleSignOn.objects.filter(
            app__in=[app.pk for app in apps if app.pk], enabled=True, affiliate__is_active=True
        )
    }
    kept = []
    for app in apps:
        sso = ssos.get(app.pk)
        if sso is not None:
            app.secret = sso.client_secret
            kept.append(app)
    return kept


def sso_of_login(sociallogin) -> SingleSignOn | None:
    """The enabled provider this sign-in came through (allauth's `provider_id` is ours)."""
    return (
        SingleSignOn.objects.select_related("affiliate", "app")
        .filter(
            app__provider_id=sociallogin.account.provider,
            enabled=True,
            affiliate__is_active=True,
        )
        .first()
    )


def place_member(*, sso: SingleSignOn, user: User) -> Membership:
    """The user's membership in the provider's affiliate; a newcomer is a viewer."""
    with scope(affiliate=sso.affiliate):
        membership, created = Membership.objects.get_or_create(
            affiliate=sso.affiliate, user=user, defaults={"role": Membership.Role.VIEWER}
        )
    if created:
        security_log.info(
            "single sign-on placed user=%s in affiliate=%s as viewer",
            user.pk,
            sso.affiliate.slug,
        )
    return membership
