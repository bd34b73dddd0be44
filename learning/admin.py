"""The admin site for capacity building; staff edit through the platform's own pages first."""

from django.contrib import admin

from .models import CpvCode, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_fr", "slug"]
    search_fields = ["name_en", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


# --- Risk screening ---


@admin.register(CpvCode)
class CpvCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "label_en", "label_fr", "is_ict"]
    list_filter = ["is_ict"]
    search_fields = ["code", "label_en", "label_fr"]
