"""Monitoring pages: partners under /partner/, EW staff's triage under /staff/, published
findings for affiliates under /a/<affiliate_slug>/, and evidence downloads."""

from django.urls import path

from . import reply_views, views

app_name = "monitoring"

urlpatterns = [
    # Monitoring partners
    path("partner/", views.PartnerDashboardView.as_view(), name="partner_dashboard"),
    path("partner/reports/new/", views.ReportCreateView.as_view(), name="report_create"),
    path(
        "partner/reports/<int:pk>/", views.PartnerReportDetailView.as_view(), name="report_detail"
    ),
    path("partner/reports/<int:pk>/edit/", views.ReportUpdateView.as_view(), name="report_update"),
    path(
        "partner/reports/<int:pk>/submit/", views.ReportSubmitView.as_view(), name="report_submit"
    ),
    path(
        "partner/reports/<int:pk>/comment/",
        views.PartnerCommentView.as_view(),
        name="report_comment",
    ),
    path(
        "partner/reports/<int:pk>/evidence/",
        views.EvidenceUploadView.as_view(),
        name="evidence_upload",
    ),
    path(
        "partner/reports/<int:pk>/findings/new/",
        views.FindingCreateView.as_view(),
        name="finding_create",
    ),
    path(
        "partner/reports/<int:pk>/findings/<int:finding_pk>/",
        views.FindingUpdateView.as_view(),
        name="finding_update",
    ),
    path(
        "partner/reports/<int:pk>/findings/<int:finding_pk>/delete/",
        views.FindingDeleteView.as_view(),
        name="finding_delete",
    ),
    path(
        "partner/reports/<int:pk>/cohorts/new/",
        views.CohortCreateView.as_view(),
        name="cohort_create",
    ),
    path(
        "partner/reports/<int:pk>/cohorts/<int:cohort_pk>/",
        views.CohortUpdateView.as_view(),
        name="cohort_update",
    ),
    path(
        "partner/reports/<int:pk>/cohorts/<int:cohort_pk>/delete/",
        views.CohortDeleteView.as_view(),
        name="cohort_delete",
    ),
    # Electronics Watch staff
    path("staff/reports/", views.TriageQueueView.as_view(), name="staff_reports"),
    path("staff/reports/<int:pk>/", views.StaffReportDetailView.as_view(), name="staff_report"),
    path(
        "staff/reports/<int:pk>/assign/",
        views.ReportAssignView.as_view(),
        name="staff_report_assign",
    ),
    path(
        "staff/reports/<int:pk>/comment/",
        views.StaffCommentView.as_view(),
        name="staff_report_comment",
    ),
    path(
        "staff/reports/<int:pk>/request-information/",
        views.ReportRequestInformationView.as_view(),
        name="staff_report_request_information",
    ),
    path(
        "staff/reports/<int:pk>/validate/",
        views.ReportValidateView.as_view(),
        name="staff_report_validate",
    ),
    path(
        "staff/reports/<int:pk>/reject/",
        views.ReportRejectView.as_view(),
        name="staff_report_reject",
    ),
    path(
        "staff/reports/<int:pk>/publish/",
        views.ReportPublishView.as_view(),
        name="staff_report_publish",
    ),
    path(
        "staff/reports/<int:pk>/right-of-reply/",
        views.ShareForReplyView.as_view(),
        name="staff_report_share_for_reply",
    ),
    path(
        "staff/reply-attachments/<int:pk>/",
        reply_views.ReplyAttachmentDownloadView.as_view(),
        name="staff_reply_attachment",
    ),
    path(
        "staff/findings/<int:pk>/status/",
        views.FindingStatusView.as_view(),
        name="staff_finding_status",
    ),
    # Affiliates
    path(
        "a/<slug:affiliate_slug>/findings/",
        views.AffiliateFindingListView.as_view(),
        name="affiliate_findings",
    ),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence_download"),
]
