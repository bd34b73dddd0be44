"""Pages of the building blocks: a background export's progress and download."""

from django.urls import path

from . import export_views

app_name = "core"

urlpatterns = [
    path("exports/<uuid:pk>/", export_views.ExportJobView.as_view(), name="export_job"),
    path(
        "exports/<uuid:pk>/download/",
        export_views.ExportDownloadView.as_view(),
        name="export_download",
    ),
    path(
        "a/<slug:affiliate_slug>/exports/<uuid:pk>/",
        export_views.ExportJobView.as_view(),
        name="export_job_affiliate",
    ),
    path(
        "a/<slug:affiliate_slug>/exports/<uuid:pk>/download/",
        export_views.ExportDownloadView.as_view(),
        name="export_download_affiliate",
    ),
]
