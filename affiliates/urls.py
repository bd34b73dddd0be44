"""Affiliate pages: everything under /a/<affiliate_slug>/ is tenant-scoped by the middleware."""

from django.urls import path

from . import views

app_name = "affiliates"

urlpatterns = [
    path("", views.AffiliateDashboardView.as_view(), name="dashboard"),
    path("members/", views.MemberListView.as_view(), name="members"),
    path("members/invite/", views.InviteView.as_view(), name="invite"),
    path("members/<int:pk>/role/", views.MemberRoleView.as_view(), name="member_role"),
    path("members/<int:pk>/remove/", views.MemberRemoveView.as_view(), name="member_remove"),
    path(
        "invitations/<int:pk>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path("contracts/", views.ContractListView.as_view(), name="contract_list"),
    path("contracts/new/", views.ContractCreateView.as_view(), name="contract_create"),
    path("contracts/import/", views.ContractImportView.as_view(), name="contract_import"),
    path(
        "contracts/export.csv",
        views.ContractExportView.as_view(file_format="csv"),
        name="contract_export_csv",
    ),
    path(
        "contracts/export.xlsx",
        views.ContractExportView.as_view(file_format="xlsx"),
        name="contract_export_xlsx",
    ),
    path("contracts/<int:pk>/", views.ContractDetailView.as_view(), name="contract_detail"),
    path("contracts/<int:pk>/edit/", views.ContractUpdateView.as_view(), name="contract_update"),
    path(
        "contracts/<int:contract_id>/checklist/<int:pk>/",
        views.ChecklistItemUpdateView.as_view(),
        name="checklist_item_update",
    ),
    path("reports/", views.ComplianceReportListView.as_view(), name="report_list"),
    path("reports/<int:pk>/", views.ComplianceReportDetailView.as_view(), name="report_detail"),
    path(
        "reports/<int:pk>/download/",
        views.ComplianceReportDownloadView.as_view(),
        name="report_download",
    ),
]
