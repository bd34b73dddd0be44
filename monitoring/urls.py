"""Monitoring partners' pages, under /partner/."""

from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.PartnerDashboardView.as_view(), name="partner_dashboard"),
    path("reports/new/", views.ReportCreateView.as_view(), name="report_create"),
    path("reports/<int:pk>/", views.PartnerReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/edit/", views.ReportUpdateView.as_view(), name="report_update"),
    path("reports/<int:pk>/submit/", views.ReportSubmitView.as_view(), name="report_submit"),
    path("reports/<int:pk>/comment/", views.PartnerCommentView.as_view(), name="report_comment"),
    path("reports/<int:pk>/evidence/", views.EvidenceUploadView.as_view(), name="evidence_upload"),
    path(
        "reports/<int:pk>/findings/new/", views.FindingCreateView.as_view(), name="finding_create"
    ),
    path(
        "reports/<int:pk>/findings/<int:finding_pk>/",
        views.FindingUpdateView.as_view(),
        name="finding_update",
    ),
    path(
        "reports/<int:pk>/findings/<int:finding_pk>/delete/",
        views.FindingDeleteView.as_view(),
        name="finding_delete",
    ),
]
