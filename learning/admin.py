"""The admin site for capacity building; staff edit through the platform's own pages first."""

from django.contrib import admin
from django.db import models

from .models import (
    Assessment,
    CpvCode,
    Event,
    Follow,
    Post,
    PostReport,
    Question,
    Questionnaire,
    Registration,
    Resource,
    ResourceVersion,
    Thread,
    Topic,
)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_fr", "slug"]
    search_fields = ["name_en", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


# --- Community ---


class PostInline(admin.StackedInline):
    model = Post
    extra = 0
    fields = ["author", "body", "hidden", "hidden_reason", "recommended"]
    raw_id_fields = ["author"]
    show_change_link = True


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["title", "topic", "author", "created_at", "last_activity_at", "locked"]
    list_filter = ["locked", "topic"]
    search_fields = ["title"]
    raw_id_fields = ["author", "author_affiliate", "author_partner", "locked_by"]
    inlines = [PostInline]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "created_at", "hidden", "recommended"]
    list_filter = ["hidden", "recommended"]
    raw_id_fields = ["thread", "author", "author_affiliate", "author_partner", "hidden_by"]
    filter_horizontal = ["quoted_resources"]


@admin.register(PostReport)
class PostReportAdmin(admin.ModelAdmin):
    list_display = ["post", "reporter", "created_at", "handled"]
    list_filter = ["handled"]
    raw_id_fields = ["post", "reporter", "handled_by"]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "thread", "mode", "created_at"]
    list_filter = ["mode"]
    raw_id_fields = ["user", "thread"]


# --- Risk screening ---


@admin.register(CpvCode)
class CpvCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "label_en", "label_fr", "is_ict"]
    list_filter = ["is_ict"]
    search_fields = ["code", "label_en", "label_fr"]


# --- Events ---


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    raw_id_fields = ["user", "attendance_recorded_by"]
    fields = ["user", "status", "position", "created_at", "cancelled_at"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "kind", "audience", "starts_at", "status", "capacity"]
    list_filter = ["kind", "audience", "status", "language"]
    search_fields = ["title"]
    raw_id_fields = ["recording", "slides", "created_by"]
    inlines = [RegistrationInline]


# --- Library: facets and status; the words change through the library's pages, where a new
# version is numbered and its file checked by content.


class ResourceVersionInline(admin.TabularInline):
    model = ResourceVersion
    fields = ["language", "number", "title", "format", "file_name", "change_note", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "published_at"]
    list_filter = ["kind", "status"]
    fields = ["kind", "topics", "stages", "countries", "status", "published_at"]
    filter_horizontal = ["topics"]
    inlines = [ResourceVersionInline]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("versions")


# --- Self-assessment ---


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["stage", "order", "text_en", "text_fr"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["version", "title_en", "status", "published_at"]
    list_filter = ["status"]
    inlines = [QuestionInline]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Read-only: scores are computed at completion and never edited by hand."""

    list_display = ["reference", "affiliate", "status", "overall_percent", "completed_at"]
    list_filter = ["status"]
    list_select_related = ["affiliate"]
    readonly_fields = [field.name for field in Assessment._meta.fields if field.name not in {"id"}]

    def has_add_permission(self, request):
        return False
