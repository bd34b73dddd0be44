"""EW staff's triage pages, under /staff/ (names without namespace, like the other staff pages)."""

from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.TriageQueueView.as_view(), name="staff_reports"),
    path("reports/<int:pk>/", views.StaffReportDetailView.as_view(), name="staff_report"),
    path("reports/<int:pk>/assign/", views.ReportAssignView.as_view(), name="staff_report_assign"),
    path(
        "reports/<int:pk>/comment/", views.StaffCommentView.as_view(), name="staff_report_comment"
    ),
    path(
        "reports/<int:pk>/request-information/",
        views.ReportRequestInformationView.as_view(),
        name="staff_report_request_information",
    ),
    path(
        "reports/<int:pk>/validate/",
        views.ReportValidateView.as_view(),
        name="staff_report_validate",
    ),
    path("reports/<int:pk>/reject/", views.ReportRejectView.as_view(), name="staff_report_reject"),
    path(
        "reports/<int:pk>/publish/", views.ReportPublishView.as_view(), name="staff_report_publish"
    ),
    path(
        "findings/<int:pk>/status/", views.FindingStatusView.as_view(), name="staff_finding_status"
    ),
    path("risk/", views.RiskSummaryView.as_view(), name="staff_risk"),
]
