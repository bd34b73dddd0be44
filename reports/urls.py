"""Pages that read across the platform: the dashboards, an affiliate's factory page and its
compliance reports (under /a/<affiliate_slug>/), and EW staff's dashboard."""

from django.urls import include, path

from . import audit, priority_views, risk_views, views

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
    path(
        "reports/<int:pk>/annex/",
        views.ComplianceReportAnnexView.as_view(),
        name="report_annex",
    ),
    # The risk views (reports/risk.py)
    path("risk/", risk_views.AffiliateRiskView.as_view(), name="risk"),
    path(
        "risk/<slug:slug>.<str:file_format>",
        risk_views.AffiliateRiskExportView.as_view(),
        name="risk_export",
    ),
    # Where to act first and the forced-labour dossier (reports/priority_views.py)
    path("priorities/", priority_views.PrioritiesView.as_view(), name="priorities"),
    path(
        "priorities/<int:pk>/",
        priority_views.PriorityDetailView.as_view(),
        name="priority_detail",
    ),
    path(
        "priorities/export.csv",
        priority_views.PrioritiesExportView.as_view(file_format="csv"),
        name="priorities_export_csv",
    ),
    path(
        "priorities/export.xlsx",
        priority_views.PrioritiesExportView.as_view(file_format="xlsx"),
        name="priorities_export_xlsx",
    ),
    path(
        "factories/<int:pk>/dossier.json",
        priority_views.DossierView.as_view(file_format="json"),
        name="dossier_json",
    ),
    path(
        "factories/<int:pk>/dossier.pdf",
        priority_views.DossierView.as_view(file_format="pdf"),
        name="dossier_pdf",
    ),
    # The audit trail (reports/audit.py)
    path("audit/", audit.AffiliateTrailView.as_view(), name="audit"),
    path(
        "audit/<str:app_label>/<str:model_name>/<int:pk>/",
        audit.AffiliateObjectTrailView.as_view(),
        name="audit_object",
    ),
]

urlpatterns = [
    path("a/<slug:affiliate_slug>/", include(affiliate_patterns)),
    path("staff/", views.StaffDashboardView.as_view(), name="staff_dashboard"),
    path(
        "staff/factories/<int:pk>/dossier.json",
        priority_views.StaffDossierView.as_view(file_format="json"),
        name="staff_dossier_json",
    ),
    path(
        "staff/factories/<int:pk>/dossier.pdf",
        priority_views.StaffDossierView.as_view(file_format="pdf"),
        name="staff_dossier_pdf",
    ),
    path(
        "staff/compliance-reports/<int:pk>/download/",
        views.StaffComplianceReportDownloadView.as_view(),
        name="staff_report_download",
    ),
    # The risk views (reports/risk.py)
    path("staff/risk/", risk_views.StaffRiskView.as_view(), name="staff_risk"),
    path(
        "staff/risk/<slug:slug>.<str:file_format>",
        risk_views.StaffRiskExportView.as_view(),
        name="staff_risk_export",
    ),
    # The audit trail (reports/audit.py)
    path(
        "staff/audit/users/<int:pk>/", audit.StaffUserTrailView.as_view(), name="staff_audit_user"
    ),
    path(
        "staff/audit/<str:app_label>/<str:model_name>/<int:pk>/",
        audit.StaffObjectTrailView.as_view(),
        name="staff_audit_object",
    ),
]
