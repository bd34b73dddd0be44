from django.contrib import admin
from django.db import models
from django_scopes import scopes_disabled

from .matching import normalise_address, normalise_name
from .models import CountryRiskIndicator, Factory, FactoryMatchReview, Supplier, SupplierFactory


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "is_brand", "is_manufacturer", "is_contractor"]
    list_filter = ["is_brand", "is_manufacturer", "is_contractor", "country"]
    search_fields = ["name", "legal_name", "identifier"]
    # A website typed without a scheme is read as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class SupplierFactoryInline(admin.TabularInline):
    model = SupplierFactory
    extra = 0
    autocomplete_fields = ["supplier"]
    readonly_fields = ["created_by"]


@admin.register(Factory)
class FactoryAdmin(admin.ModelAdmin):
    """The registry EW staff maintain; matching keys follow the name and address."""

    list_display = ["name", "country", "sector", "function", "os_id", "merged_into"]
    list_filter = ["sector", "function", "country"]
    search_fields = ["name", "aliases", "address", "os_id"]
    autocomplete_fields = ["owner"]
    readonly_fields = ["merged_into", "merged_at"]
    inlines = [SupplierFactoryInline]

    def save_model(self, request, obj, form, change):
        obj.name_key = normalise_name(obj.name)
        obj.address_key = normalise_address(obj.address)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for link in formset.save(commit=False):
            link.created_by = link.created_by or request.user
            link.save()
        formset.save_m2m()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(FactoryMatchReview)
class FactoryMatchReviewAdmin(admin.ModelAdmin):
    list_display = ["factory", "candidate", "score", "decision", "decided_at"]
    list_filter = ["decision"]

    def get_queryset(self, request):
        with scopes_disabled():
            return super().get_queryset(request)


@admin.register(CountryRiskIndicator)
class CountryRiskIndicatorAdmin(admin.ModelAdmin):
    """Staff keep the table on /staff/country-risk/ first; the admin is a fallback."""

    list_display = ["country", "indicator", "value", "level", "source", "year"]
    list_filter = ["indicator", "level", "year"]
    search_fields = ["source", "value"]
    readonly_fields = ["updated_by", "updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
