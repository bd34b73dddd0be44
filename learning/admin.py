"""The admin site for capacity building; staff edit through the platform's own pages first."""

from django.contrib import admin

from .models import Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_fr", "slug"]
    search_fields = ["name_en", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


# --- Self-assessment ---
from .models import Assessment, Question, Questionnaire  # noqa: E402


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
