"""The admin site for capacity building; staff edit through the platform's own pages first."""

from django.contrib import admin

from .models import Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_fr", "slug"]
    search_fields = ["name_en", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


# --- Events ---

from .models import Event, Registration  # noqa: E402


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    raw_id_fields = ["user", "attendance_recorded_by"]
    fields = ["user", "status", "position", "created_at", "cancelled_at"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "audience", "starts_at", "status", "capacity"]
    list_filter = ["kind", "audience", "status", "language"]
    search_fields = ["title"]
    raw_id_fields = ["recording", "slides", "created_by"]
    inlines = [RegistrationInline]
