"""Pages that read across the platform: the dashboards, an affiliate's factory page and its
compliance reports (under /a/<affiliate_slug>/), and EW staff's dashboard."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("a/<slug:affiliate_slug>/", views.AffiliateDashboardView.as_view(), name="dashboard"),
    path(
        "a/<slug:affiliate_slug>/factories/<int:pk>/",
        views.SupplyChainFactoryView.as_view(),
        name="factory_detail",
    ),
    path(
        "a/<slug:affiliate_slug>/reports/",
        views.ComplianceReportListView.as_view(),
        name="report_list",
    ),
    path(
        "a/<slug:affiliate_slug>/reports/<int:pk>/",
        views.ComplianceReportDetailView.as_view(),
        name="report_detail",
    ),
    path(
        "a/<slug:affiliate_slug>/reports/<int:pk>/download/",
        views.ComplianceReportDownloadView.as_view(),
        name="report_download",
    ),
    path("staff/", views.StaffDashboardView.as_view(), name="staff_dashboard"),
    path(
        "staff/compliance-reports/<int:pk>/download/",
        views.StaffComplianceReportDownloadView.as_view(),
        name="staff_report_download",
    ),
]
