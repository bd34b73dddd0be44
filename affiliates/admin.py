from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from .models import Affiliate, Invitation, Membership, SingleSignOn, User


class UnscopedAdminMixin:
    """The admin site is for Electronics Watch staff, who see every tenant."""

    def get_queryset(self, request):
        with scopes_disabled():
            return self.model._base_manager.all()


class MembershipInline(UnscopedAdminMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_ew_staff", "is_staff", "is_active"]
    list_filter = ["is_ew_staff", "is_staff", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("full_name", "language")}),
        (
            _("Roles"),
            {
                "fields": (
                    "is_ew_staff",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Affiliate)
class AffiliateAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "country", "affiliate_type", "affiliated_on", "is_active"]
    list_filter = ["affiliate_type", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "affiliate", "role", "created_at"]
    list_filter = ["role", "affiliate"]
    search_fields = ["user__email", "affiliate__name"]
    autocomplete_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(UnscopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "email",
        "affiliate",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role", "affiliate"]
    readonly_fields = ["token_digest", "accepted_at", "accepted_by", "invited_by"]


class SingleSignOnAdminForm(forms.ModelForm):
    """Domains checked as on the staff page; secrets and protocol settings are changed there."""

    domains = forms.CharField(label=_("E-mail domains"), max_length=2000)

    class Meta:
        model = SingleSignOn
        fields = ["domains", "enabled"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["domains"] = ", ".join(self.instance.domains)

    def clean_domains(self):
        from core.errors import DomainError

        from .sso import parse_domains

        try:
            domains = parse_domains(self.cleaned_data["domains"])
        except DomainError as error:
            raise forms.ValidationError(error.message) from error
        clash = (
            SingleSignOn.objects.filter(domains__overlap=domains)
            .exclude(pk=self.instance.pk)
            .select_related("affiliate")
            .first()
        )
        if clash is not None:
            raise forms.ValidationError(
                _("These domains already sign in through the provider of %(affiliate)s.")
                % {"affiliate": clash.affiliate}
            )
        return domains


@admin.register(SingleSignOn)
class SingleSignOnAdmin(admin.ModelAdmin):
    """Changes domains and switches a provider on or off; adding one is the staff page's
    (`/staff/sso/`), which also keeps the client secret encrypted."""

    form = SingleSignOnAdminForm
    list_display = ["affiliate", "protocol", "enabled", "created_at"]
    list_filter = ["protocol", "enabled"]
    readonly_fields = ["affiliate", "protocol", "app"]

    def has_add_permission(self, request):
        return False
