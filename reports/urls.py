"""Pages that read across the platform: the dashboards, an affiliate's factory page and its
compliance reports (under /a/<affiliate_slug>/), and EW staff's dashboard."""

from django.urls import include, path

from . import views

app_name = "reports"

# Pages of the affiliate named in the URL (scoped by affiliates.tenancy.TenantMiddleware).
affiliate_patterns = [
    path("", views.AffiliateDashboardView.as_view(), name="dashboard"),
    path(
        "factories/<int:pk>/",
        views.SupplyChainFactoryView.as_view(),
        name="factory_detail",
    ),
    path(
        "reports/",
        views.ComplianceReportListView.as_view(),
        name="report_list",
    ),
    path(
        "reports/<int:pk>/",
        views.ComplianceReportDetailView.as_view(),
        name="report_detail",
    ),
    path(
        "reports/<int:pk>/download/",
        views.ComplianceReportDownloadView.as_view(),
        name="report_download",
    ),
]

urlpatterns = [
    path("a/<slug:affiliate_slug>/", include(affiliate_patterns)),
    path("staff/", views.StaffDashboardView.as_view(), name="staff_dashboard"),
    path(
        "staff/compliance-reports/<int:pk>/download/",
        views.StaffComplianceReportDownloadView.as_view(),
        name="staff_report_download",
    ),
]
