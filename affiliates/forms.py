from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Membership, SingleSignOn


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.OFFICER
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class AcceptInvitationForm(forms.Form):
    """For an invitee without an account: name and password; the e-mail is the invited one."""

    full_name = forms.CharField(label=_("Your full name"), max_length=200)
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            from .models import User

            candidate = User(email=self.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    mute_case_digests = forms.BooleanField(
        label=_("Mute the weekly digest of remediation cases"),
        required=False,
        help_text=_(
            "Affiliate members get, each Monday, what is overdue or due soon in the cases "
            "their affiliate joined."
        ),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What will use it, for example “Monthly findings export”."),
    )
    scope = forms.ChoiceField(
        label=_("The token may"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
    )


class SingleSignOnStartForm(forms.Form):
    """The login page's "Sign in with your organisation": the address's domain picks the IdP."""

    email = forms.EmailField(
        label=_("Your work e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class SingleSignOnForm(forms.Form):
    """Staff's configuration of an affiliate's identity provider (`affiliates.sso.sso_save`)."""

    affiliate = forms.ModelChoiceField(label=_("Affiliate"), queryset=None)
    protocol = forms.ChoiceField(label=_("Protocol"), choices=SingleSignOn.Protocol.choices)
    domains = forms.CharField(
        label=_("E-mail domains"),
        help_text=_(
            "The organisation's own domains, separated by commas, for example "
            "“lyon.fr, agents.lyon.fr”. Public mail services are refused."
        ),
        max_length=2000,
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
    server_url = forms.URLField(
        label=_("OpenID Connect: issuer URL"),
        help_text=_("Where “/.well-known/openid-configuration” is found."),
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    client_id = forms.CharField(
        label=_("OpenID Connect: client id"), required=False, max_length=191
    )
    client_secret = forms.CharField(
        label=_("OpenID Connect: client secret"),
        help_text=_("Stored encrypted and never shown again; leave blank to keep the current one."),
        required=False,
        max_length=500,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}, render_value=False),
    )
    idp_entity_id = forms.CharField(label=_("SAML: IdP entity id"), required=False, max_length=500)
    sso_url = forms.URLField(
        label=_("SAML: IdP sign-in (SSO) URL"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    x509cert = forms.CharField(
        label=_("SAML: IdP signing certificate (PEM)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Affiliate

        self.fields["affiliate"].queryset = Affiliate.objects.filter(is_active=True)

    def clean_x509cert(self):
        """The certificate's base64 body, as python3-saml wants it, checked to be one."""
        text = self.cleaned_data["x509cert"].strip()
        if not text:
            return ""
        from cryptography import x509

        pem = text
        if "-----BEGIN" not in pem:
            pem = f"-----BEGIN CERTIFICATE-----\n{text}\n-----END CERTIFICATE-----"
        try:
            x509.load_pem_x509_certificate(pem.encode())
        except ValueError as error:
            raise forms.ValidationError(_("This is not a PEM certificate.")) from error
        body = pem.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0]
        return "".join(body.split())
