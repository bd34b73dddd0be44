"""The admin site for capacity building; staff edit through the platform's own pages first."""

from django.contrib import admin

from .models import Resource, ResourceVersion, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_fr", "slug"]
    search_fields = ["name_en", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


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
