from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from .models import Affiliate, Invitation, Membership, User


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
