from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from suppliers.models import Contract

from .models import ComplianceReport


class ComplianceReportSerializer(serializers.ModelSerializer):
    """A compliance report: POST names the period and/or contract (the affiliate is the
    caller's); GET shows where the rendering is and, once ready, where to download it."""

    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()
    reference = serializers.CharField(read_only=True)
    contract = serializers.PrimaryKeyRelatedField(
        queryset=Contract.objects.none(),
        required=False,
        allow_null=True,
        help_text=_("Id of one of your contracts, for a report on that contract only."),
    )
    period_start = serializers.DateField(
        required=False, help_text=_("First day; with period_end. Default: last calendar year.")
    )
    period_end = serializers.DateField(required=False)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)

    class Meta:
        model = ComplianceReport
        fields = [
            "id",
            "url",
            "reference",
            "contract",
            "period_start",
            "period_end",
            "language",
            "version",
            "status",
            "failure_reason",
            "download_url",
            "sha256",
            "page_count",
            "size",
            "scheduled",
            "requested_at",
            "finished_at",
        ]
        read_only_fields = [
            "version",
            "status",
            "failure_reason",
            "sha256",
            "page_count",
            "size",
            "scheduled",
            "requested_at",
            "finished_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        view = self.context.get("view")
        if view is not None and getattr(view, "affiliate", None) is not None:
            self.fields["contract"].queryset = Contract.objects.all()

    def get_url(self, report) -> str:
        return self._absolute(reverse("compliancereport-detail", kwargs={"pk": report.pk}))

    def get_download_url(self, report) -> str | None:
        if report.status != ComplianceReport.Status.READY:
            return None
        return self._absolute(reverse("compliancereport-download", kwargs={"pk": report.pk}))

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path
