"""Accounts and tenants: users, affiliates (the tenants), their memberships and invitations."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_scopes import ScopedManager
from knox.models import AbstractAuthToken

from core import audit
from core.encryption import EncryptedTextField


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("is_ew_staff", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account; logs in with an e-mail address."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    mute_case_digests = models.BooleanField(
        _("no weekly digest of remediation cases"),
        default=False,
        help_text=_("Stop the Monday e-mail listing what is due in the cases you joined."),
    )
    is_ew_staff = models.BooleanField(
        _("Electronics Watch staff"),
        default=False,
        help_text=_("Electronics Watch employees see every affiliate's data and run triage."),
    )
    is_staff = models.BooleanField(
        _("may use the admin site"),
        default=False,
        help_text=_("Whether the user can log into the Django admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_partner_member(self) -> bool:
        return hasattr(self, "partner_membership")

    @property
    def is_company_contact(self) -> bool:
        return hasattr(self, "company_contact")

    @property
    def must_enrol_in_mfa(self) -> bool:
        """EW staff and monitoring partners hold worker testimony, company contacts answer
        findings before they are published: a second factor is required."""
        return self.is_ew_staff or self.is_partner_member or self.is_company_contact

    def lacks_required_mfa(self) -> bool:
        """True when the role requires a second factor the user has not set up: pages and API
        tokens alike are then refused (`MfaEnrolmentMiddleware`, `ApiTokenAuthentication`)."""
        from allauth.mfa.utils import is_mfa_enabled

        return settings.EW_MFA_REQUIRED and self.must_enrol_in_mfa and not is_mfa_enabled(self)


class Affiliate(models.Model):
    """A public buyer affiliated with Electronics Watch: the tenant."""

    class Type(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality or city")
        REGION = "region", _("Regional authority")
        CENTRAL = "central", _("Central purchasing body")
        UNIVERSITY = "university", _("University or college")
        HOSPITAL = "hospital", _("Hospital or health body")
        OTHER = "other", _("Other public body")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    country = CountryField(_("country"))
    affiliate_type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    affiliated_on = models.DateField(_("affiliated on"))
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("affiliate")
        verbose_name_plural = _("affiliates")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reports:dashboard", kwargs={"affiliate_slug": self.slug})


class Membership(models.Model):
    """A user's role in one affiliate. Tenant-owned: read only through the scoped manager."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Affiliate admin")
        OFFICER = "officer", _("Procurement officer")
        VIEWER = "viewer", _("Viewer")

    # The role sets, named once: pages' `allowed_roles`, API checks and e-mail recipients.
    ADMIN_ONLY = (Role.ADMIN,)
    # Admins and officers change data; viewers only read and download.
    EDITORS = (Role.ADMIN, Role.OFFICER)

    affiliate = models.ForeignKey(
        Affiliate, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("affiliate")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)

    objects = ScopedManager(affiliate="affiliate")

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["affiliate", "user"], name="membership_unique_user"),
        ]
        ordering = ["user__email"]

    def __str__(self):
        return f"{self.user} - {self.affiliate} ({self.get_role_display()})"

    @property
    def can_manage_members(self) -> bool:
        return self.role in self.ADMIN_ONLY

    @property
    def can_edit(self) -> bool:
        return self.role in self.EDITORS


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class InvitationBase(models.Model):
    """What every invitation by e-mail holds: only a digest of the link's token is stored
    (`token_digest`); it is open until accepted, withdrawn or expired (`objects.pending()`)."""

    email = models.EmailField(_("e-mail address"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]


class Invitation(InvitationBase):
    """An affiliate admin's invitation by e-mail."""

    VALIDITY = timedelta(days=7)

    affiliate = models.ForeignKey(
        Affiliate, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("affiliate")
    )
    role = models.CharField(_("role"), max_length=20, choices=Membership.Role.choices)

    objects = ScopedManager(InvitationQuerySet.as_manager().__class__, affiliate="affiliate")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = InvitationBase.Meta.ordering
        constraints = [
            models.UniqueConstraint(
                "affiliate",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.affiliate}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired


class ApiToken(AbstractAuthToken):
    """A personal API token (knox keeps only its digest), with a name, a scope and its last use.

    Tokens expire (`REST_KNOX["TOKEN_TTL"]`) and are revoked whenever what they stand for
    changes: the password, a role, MFA, or the organisations the user belongs to
    (`affiliates.tokens`).
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    name = models.CharField(_("name"), max_length=80)
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices, default=Scope.READ)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_key}…)"


class SingleSignOn(models.Model):
    """An affiliate's own identity provider (OpenID Connect or SAML 2.0), for its e-mail domains.

    allauth's `SocialApp` holds the protocol settings; this row ties it to the affiliate, says
    which domains it vouches for, and keeps the OIDC client secret encrypted (the app's own
    `secret` column stays empty: `affiliates.adapters.SocialAccountAdapter` puts the decrypted
    secret on the app in memory). Staff configuration read before anyone is signed in, so it
    is not tenant-scoped, like `Affiliate` itself (`affiliates.sso`).
    """

    class Protocol(models.TextChoices):
        OIDC = "openid_connect", _("OpenID Connect")
        SAML = "saml", _("SAML 2.0")

    affiliate = models.ForeignKey(
        Affiliate,
        on_delete=models.CASCADE,
        related_name="single_sign_ons",
        verbose_name=_("affiliate"),
    )
    app = models.OneToOneField(
        "socialaccount.SocialApp",
        on_delete=models.PROTECT,
        related_name="single_sign_on",
        editable=False,
    )
    protocol = models.CharField(_("protocol"), max_length=20, choices=Protocol.choices)
    domains = ArrayField(
        models.CharField(max_length=253),
        verbose_name=_("e-mail domains"),
        help_text=_("Only addresses in these domains sign in through this provider."),
    )
    client_secret = EncryptedTextField(_("client secret"), blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("single sign-on")
        verbose_name_plural = _("single sign-ons")
        ordering = ["affiliate__name", "pk"]

    def __str__(self):
        return f"{self.affiliate} ({self.get_protocol_display()})"

    def covers(self, email: str) -> bool:
        return email.rpartition("@")[2].lower() in self.domains


# The audit trail (core/audit.py); API tokens are secrets, not business data.
audit.track(User, Affiliate, Membership, Invitation, SingleSignOn)
