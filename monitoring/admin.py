from django.contrib import admin

from .models import (
    CodeStandard,
    CodeSubStandard,
    CodeVersion,
    MonitoringPartner,
    PartnerMembership,
)


class PartnerMembershipInline(admin.TabularInline):
    model = PartnerMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(MonitoringPartner)
class MonitoringPartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "contact_email"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PartnerMembershipInline]


class CodeSubStandardInline(admin.TabularInline):
    model = CodeSubStandard
    extra = 1


@admin.register(CodeVersion)
class CodeVersionAdmin(admin.ModelAdmin):
    list_display = ["label", "effective_from", "is_current"]


@admin.register(CodeStandard)
class CodeStandardAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "name_fr", "version"]
    list_filter = ["version"]
    search_fields = ["name", "name_fr"]
    inlines = [CodeSubStandardInline]
