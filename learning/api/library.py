"""The library's API, read-only: `/api/v1/resources/`. Every signed-in member reads the
published resources, EW staff drafts too (`Resource.objects.visible_to(reader)`), with the
same search and facets as /learn/ (`learning.services.library.library_search`). Each resource
carries its current version in the language asked for (`?language=`, else the request's
language, else English)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from affiliates.tenancy import ReaderAPIMixin
from monitoring.serializers import NamedChoiceField

from ..models import (
    ProcurementStage,
    Resource,
    ResourceKind,
    ResourceLanguage,
    ResourceVersion,
    Topic,
)
from ..services.library import Filters, library_search, with_display


def _language_field(**kwargs):
    return NamedChoiceField(
        enum_name="ResourceLanguageEnum",
        choices=ResourceLanguage.choices,
        read_only=True,
        **kwargs,
    )


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["slug", "name_en", "name_fr"]
        read_only_fields = fields


class CurrentVersionSerializer(serializers.ModelSerializer):
    language = _language_field()
    format = NamedChoiceField(
        enum_name="ResourceFormatEnum", choices=ResourceVersion.Format.choices, read_only=True
    )
    download_url = serializers.SerializerMethodField(
        help_text=_("Where a file version is downloaded (signed in); null for texts and links.")
    )

    class Meta:
        model = ResourceVersion
        fields = [
            "id",
            "language",
            "number",
            "title",
            "summary",
            "format",
            "body",
            "link",
            "file_name",
            "download_url",
            "change_note",
            "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {"body": {"help_text": _("Markdown, for texts written on the page.")}}

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, version) -> str | None:
        if not version.has_file:
            return None
        return reverse(
            "learning:resource_download",
            kwargs={"pk": version.resource_id, "version_pk": version.pk},
        )


class ResourceSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(
        enum_name="ResourceKindEnum", choices=ResourceKind.choices, read_only=True
    )
    status = NamedChoiceField(
        enum_name="ResourceStatusEnum", choices=Resource.Status.choices, read_only=True
    )
    stages = serializers.ListField(
        child=NamedChoiceField(
            enum_name="ProcurementStageEnum", choices=ProcurementStage.choices, read_only=True
        ),
        read_only=True,
    )
    countries = serializers.SerializerMethodField()
    topics = TopicSerializer(many=True, read_only=True)
    languages = serializers.SerializerMethodField()
    current_version = serializers.SerializerMethodField()

    class Meta:
        model = Resource
        fields = [
            "id",
            "kind",
            "status",
            "published_at",
            "topics",
            "stages",
            "countries",
            "languages",
            "current_version",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_countries(self, resource) -> list[str]:
        return [country.code for country in resource.countries]

    @extend_schema_field(serializers.ListField(child=_language_field()))
    def get_languages(self, resource) -> list[str]:
        return sorted({version.language for version in resource.versions.all()})

    @extend_schema_field(CurrentVersionSerializer(allow_null=True))
    def get_current_version(self, resource):
        version = resource.current_version(self.context.get("language"))
        return CurrentVersionSerializer(version).data if version else None


class ResourceFilter(filters.FilterSet):
    q = filters.CharFilter(
        label=_(
            "Full-text search in each version's language; accents and word endings do not "
            'matter; "quoted phrases", OR and -excluded words work as in a search engine.'
        )
    )
    kind = filters.ChoiceFilter(choices=ResourceKind.choices)
    topic = filters.CharFilter(label=_("Identifier (slug) of a topic."))
    stage = filters.ChoiceFilter(choices=ProcurementStage.choices)
    country = filters.CharFilter(label=_("Two-letter country code."))
    language = filters.ChoiceFilter(
        choices=ResourceLanguage.choices,
        label=_("Resources with a version in this language; also the current version's."),
    )
    status = filters.ChoiceFilter(
        choices=Resource.Status.choices, label=_("Draft or published (EW staff only).")
    )

    class Meta:
        model = Resource
        fields: list[str] = []

    def filter_queryset(self, queryset):
        """The same search as the library's page; it starts from what the reader may read."""
        data = self.form.cleaned_data
        return library_search(
            reader=self.request.reader,
            filters=Filters(
                query=data.get("q") or "",
                kind=data.get("kind") or "",
                topic=data.get("topic") or "",
                stage=data.get("stage") or "",
                country=data.get("country") or "",
                language=data.get("language") or "",
                status=data.get("status") or "",
            ),
        )


class ResourceViewSet(ReaderAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Resources of the guidance library, with their current version in the language asked
    for (else the request's, else English). Ranked by relevance when `q` is given, else
    newest first."""

    serializer_class = ResourceSerializer
    filterset_class = ResourceFilter
    queryset = Resource.objects.none()

    def get_queryset(self):
        if not hasattr(self, "reader"):
            return self.queryset
        return Resource.objects.visible_to(self.reader)

    def filter_queryset(self, queryset):
        return with_display(super().filter_queryset(queryset), with_body=True)

    def get_serializer_context(self):
        language = self.request.query_params.get("language", "") if self.request else ""
        if language not in ResourceLanguage.values:
            language = (get_language() or "en")[:2]
        return {**super().get_serializer_context(), "language": language}
